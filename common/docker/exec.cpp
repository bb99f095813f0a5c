#include "docker/exec.hpp"

#include "docker/demux.hpp"
#include "util/json.hpp"
#include "util/strings.hpp"

namespace dind::docker {

ExecStream::ExecStream(Client& c, const std::string& container, const std::vector<std::string>& cmd,
                       const ExecOptions& options, bool with_stdin)
  : client_(c), timeout_(options.timeout) {
  json::Writer w;
  w.begin_object()
      .kv("AttachStdin", with_stdin)
      .kv("AttachStdout", true)
      .kv("AttachStderr", true)
      .kv("Tty", false)
      .strings("Cmd", cmd);
  if (!options.env.empty()) w.strings("Env", options.env);
  w.end_object();
  Request create;
  create.method = "POST";
  create.path = "/containers/" + container + "/exec";
  create.body = w.str();
  create.timeout = options.timeout;
  id_ = json::str(json::parse(c.call(create), "exec create"), {"Id"});
  conn_ = c.hijack("/exec/" + id_ + "/start", R"({"Detach":false,"Tty":false})", options.timeout);
  if (!with_stdin) conn_->close_write();
  reader_ = std::thread([this, on_output = options.on_output] {
    Demuxer demux([&](int stream, std::string_view data) {
      (stream == 2 ? result_.err : result_.out).append(data);
      if (on_output) on_output(stream, data);
    });
    try {
      char buf[65536];
      while (size_t n = conn_->read(buf, sizeof buf)) demux.feed(std::string_view(buf, n));
    } catch (const std::exception& e) {
      result_.err += std::string("\n") + e.what();  // finish() still asks the engine for the exit code
    }
  });
}

ExecStream::~ExecStream() {
  if (finished_) return;
  try {
    finish();
  } catch (...) {  // a destructor must not throw; the caller already failed
  }
}

void ExecStream::write(std::string_view data) {
  try {
    conn_->write(data);
  } catch (const std::exception&) {
    throw Error("the command stopped reading its input");
  }
}

ExecResult ExecStream::finish() {
  finished_ = true;
  try {
    conn_->close_write();
  } catch (const std::exception&) {  // already closed by the other end
  }
  reader_.join();
  Request inspect;
  inspect.timeout = timeout_;
  inspect.path = "/exec/" + id_ + "/json";
  result_.exit_code = static_cast<int>(json::num(json::parse(client_.call(inspect), "exec inspect"), {"ExitCode"}, -1));
  return std::move(result_);
}

ExecResult exec(Client& c, const std::string& container, const std::vector<std::string>& cmd,
                const ExecOptions& options) {
  ExecStream s(c, container, cmd, options, !options.input.empty());
  if (!options.input.empty()) s.write(options.input);
  return s.finish();
}

Error exec_error(const std::string& container, const std::vector<std::string>& cmd, const ExecResult& r) {
  auto lines = util::split(util::trim(r.err.empty() ? r.out : r.err), '\n');
  return Error(container + ": " + util::join(cmd, " ").substr(0, 100) + ": exit " + std::to_string(r.exit_code) +
               (lines.empty() ? "" : ": " + util::trim(lines.back())));
}

ExecResult exec_check(Client& c, const std::string& container, const std::vector<std::string>& cmd,
                      const ExecOptions& options) {
  ExecResult r = exec(c, container, cmd, options);
  if (r.exit_code != 0) throw exec_error(container, cmd, r);
  return r;
}

} // namespace dind::docker

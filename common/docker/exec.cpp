#include "docker/exec.hpp"

#include "docker/demux.hpp"
#include "util/json.hpp"
#include "util/strings.hpp"

namespace dind::docker {

ExecResult exec(Client& c, const std::string& container, const std::vector<std::string>& cmd,
                const ExecOptions& options) {
  json::Writer w;
  w.begin_object()
      .kv("AttachStdin", !options.input.empty())
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
  std::string id = json::str(json::parse(c.call(create), "exec create"), {"Id"});

  auto conn = c.hijack("/exec/" + id + "/start", R"({"Detach":false,"Tty":false})", options.timeout);
  if (!options.input.empty()) conn->write(options.input);
  conn->close_write();
  ExecResult result;
  Demuxer demux([&](int stream, std::string_view data) {
    (stream == 2 ? result.err : result.out).append(data);
    if (options.on_output) options.on_output(stream, data);
  });
  char buf[65536];
  while (size_t n = conn->read(buf, sizeof buf)) demux.feed(std::string_view(buf, n));

  Request inspect;
  inspect.timeout = options.timeout;
  inspect.path = "/exec/" + id + "/json";
  result.exit_code = static_cast<int>(json::num(json::parse(c.call(inspect), "exec inspect"), {"ExitCode"}, -1));
  return result;
}

ExecResult exec_check(Client& c, const std::string& container, const std::vector<std::string>& cmd,
                      const ExecOptions& options) {
  ExecResult r = exec(c, container, cmd, options);
  if (r.exit_code != 0) {
    auto lines = util::split(r.err.empty() ? r.out : r.err, '\n');
    throw Error(container + ": " + util::join(cmd, " ").substr(0, 100) + ": exit " + std::to_string(r.exit_code) +
                (lines.empty() ? "" : ": " + util::trim(lines.back())));
  }
  return r;
}

} // namespace dind::docker

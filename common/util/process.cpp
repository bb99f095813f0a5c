#include "util/process.hpp"

#include "util/error.hpp"
#include "util/strings.hpp"

#include <Poco/Exception.h>
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>

#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <unistd.h>

namespace dind::util {

namespace {

void drain(Poco::Pipe& pipe, std::string& sink, const ProcessOptions& options, std::mutex& line_mutex) {
  std::string line;
  char buf[8192];
  // readBytes returns what the pipe has (an istream's read would wait for a
  // full buffer and hold lines back from on_line)
  while (int n = pipe.readBytes(buf, sizeof buf)) {
    if (n < 0) break;
    std::string_view chunk(buf, static_cast<size_t>(n));
    sink.append(chunk);
    if (!options.on_line) continue;
    for (char c : chunk) {
      if (c != '\n') { line += c; continue; }
      std::lock_guard<std::mutex> lock(line_mutex);
      options.on_line(line);
      line.clear();
    }
  }
  if (options.on_line && !line.empty()) {
    std::lock_guard<std::mutex> lock(line_mutex);
    options.on_line(line);
  }
}

} // namespace

std::string which(const std::string& name) {
  if (name.find('/') != std::string::npos) return ::access(name.c_str(), X_OK) == 0 ? name : "";
  const char* path = std::getenv("PATH");
  for (auto& dir : split(path ? path : "/usr/bin:/bin", ':')) {
    std::string candidate = dir + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

ProcessResult run(const std::vector<std::string>& argv, const ProcessOptions& options) {
  if (argv.empty()) throw Error("run: empty command");
  std::string exe = which(argv[0]);
  if (exe.empty()) throw Error(argv[0] + ": command not found on PATH");
  Poco::Pipe in_pipe, out_pipe, err_pipe;
  Poco::Process::Env env(options.env.begin(), options.env.end());
  std::vector<std::string> args(argv.begin() + 1, argv.end());
  Poco::ProcessHandle handle = [&] {
    try {
      return Poco::Process::launch(exe, args, options.cwd, &in_pipe, &out_pipe, &err_pipe, env);
    } catch (const Poco::Exception& e) {
      throw Error("cannot start " + argv[0] + ": " + e.displayText());
    }
  }();

  ProcessResult result;
  std::mutex line_mutex;
  std::thread out_thread([&] { drain(out_pipe, result.out, options, line_mutex); });
  std::thread err_thread([&] { drain(err_pipe, result.err, options, line_mutex); });
  std::thread in_thread([&] {
    if (!options.input.empty()) {
      Poco::PipeOutputStream os(in_pipe);
      os.write(options.input.data(), static_cast<std::streamsize>(options.input.size()));
      os.flush();
    }
    in_pipe.close(Poco::Pipe::CLOSE_WRITE);
  });

  std::mutex m;
  std::condition_variable cv;
  bool done = false;
  std::thread watchdog;
  if (options.timeout.count() > 0) {
    watchdog = std::thread([&] {
      std::unique_lock<std::mutex> lock(m);
      if (!cv.wait_for(lock, options.timeout, [&] { return done; })) {
        result.timed_out = true;
        Poco::Process::kill(handle.id());
      }
    });
  }
  result.exit_code = handle.wait();
  {
    std::lock_guard<std::mutex> lock(m);
    done = true;
  }
  cv.notify_all();
  if (watchdog.joinable()) watchdog.join();
  in_thread.join();
  out_thread.join();
  err_thread.join();
  return result;
}

ProcessResult check(const std::vector<std::string>& argv, const ProcessOptions& options) {
  ProcessResult r = run(argv, options);
  if (r.timed_out) {
    throw Error(argv[0] + " timed out after " + format_duration(options.timeout));
  }
  if (r.exit_code != 0) {
    auto lines = split(r.err.empty() ? r.out : r.err, '\n');
    throw Error(join(argv, " ").substr(0, 120) + ": exit " + std::to_string(r.exit_code) +
                (lines.empty() ? "" : ": " + trim(lines.back())));
  }
  return r;
}

} // namespace dind::util

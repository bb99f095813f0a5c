#include "docker/transport.hpp"

#include "util/env.hpp"
#include "util/error.hpp"
#include "util/log.hpp"
#include "util/process.hpp"
#include "util/strings.hpp"

#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Net/StreamSocketImpl.h>

#include <cerrno>
#include <cstring>
#include <chrono>
#include <csignal>
#include <algorithm>
#include <fcntl.h>
#include <mutex>
#include <poll.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace dind::docker {

namespace {

// ssh and its options for an endpoint, up to the host: DIND_SSH_COMMAND
// replaces "ssh" (program and options, quoted as for sh), as GIT_SSH_COMMAND
// does for git. BatchMode: a prompt would hang a CI job; the shared master
// connection makes the many short requests of one command cheap.
std::vector<std::string> ssh_args(const Endpoint& e) {
  std::vector<std::string> args = util::shell_words(util::env("DIND_SSH_COMMAND").value_or("ssh"), "DIND_SSH_COMMAND");
  if (args.empty()) throw Error("DIND_SSH_COMMAND is empty: unset it, or name the ssh program");
  args.insert(args.end(), {"-T", "-o", "BatchMode=yes", "-o", "ControlMaster=auto", "-o",
                           "ControlPath=" + util::cache_dir() + "/ssh-%C", "-o", "ControlPersist=60"});
  if (!e.user.empty()) args.insert(args.end(), {"-l", e.user});
  if (e.port) args.insert(args.end(), {"-p", std::to_string(e.port)});
  return args;
}

pid_t spawn(std::vector<std::string>& args, posix_spawn_file_actions_t& fa) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  util::reset_child_signals(attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  pid_t pid = -1;
  int rc = posix_spawnp(&pid, argv[0], &fa, &attr, argv.data(), environ);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) errno = rc;
  return rc == 0 ? pid : -1;
}

// Waits a second for an ssh child to end, then ends it: a stuck one is not
// worth waiting for.
void reap(pid_t pid) {
  for (int i = 0; i < 50; ++i) {
    if (::waitpid(pid, nullptr, WNOHANG) != 0) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::kill(pid, SIGTERM);
  ::waitpid(pid, nullptr, 0);
}

// The ssh masters this process used. ControlPersist keeps a master for the
// next request; at exit each is asked to stop (`ssh -O stop`), so none
// outlives the command: it ends once its open sessions have, and a
// concurrent command's sessions on it run to their end (its next request
// starts a master of its own). A killed command's master still ends 60 s on.
class SshMasters {
public:
  void add(std::vector<std::string> stop) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (std::find(stops_.begin(), stops_.end(), stop) == stops_.end()) stops_.push_back(std::move(stop));
  }
  ~SshMasters() {
    for (auto& stop : stops_) {
      posix_spawn_file_actions_t fa;
      posix_spawn_file_actions_init(&fa);
      posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
      posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
      posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
      pid_t pid = spawn(stop, fa);
      posix_spawn_file_actions_destroy(&fa);
      if (pid > 0) reap(pid);
    }
  }

private:
  std::mutex mutex_;
  std::vector<std::vector<std::string>> stops_;
};

SshMasters& ssh_masters() {
  static SshMasters masters;
  return masters;
}

std::unique_ptr<Connection> ssh_connection(const Endpoint& e) {
  std::vector<std::string> args = ssh_args(e);
  std::vector<std::string> stop = args;
  stop.insert(stop.end(), {"-O", "stop", "--", e.host});
  ssh_masters().add(std::move(stop));
  args.insert(args.end(), {"--", e.host, "docker", "system", "dial-stdio"});
  int sv[2];
  int err[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
    throw Error("ssh: cannot make a socket pair: " + std::string(std::strerror(errno)));
  }
  if (::pipe2(err, O_CLOEXEC) != 0) {
    int e2 = errno;
    ::close(sv[0]);
    ::close(sv[1]);
    throw Error("ssh: cannot make a pipe: " + std::string(std::strerror(e2)));
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, sv[1], 0);
  posix_spawn_file_actions_adddup2(&fa, sv[1], 1);
  posix_spawn_file_actions_adddup2(&fa, err[1], 2);
  pid_t pid = spawn(args, fa);
  int spawn_errno = errno;
  posix_spawn_file_actions_destroy(&fa);
  ::close(sv[1]);
  ::close(err[1]);
  if (pid < 0) {
    ::close(sv[0]);
    ::close(err[0]);
    throw Error("DOCKER_HOST " + e.text + ": cannot run " + args[0] + ": " + std::strerror(spawn_errno) + " (install openssh-client)");
  }
  log::debug("docker: {}", util::join(args, " "));
  auto socket = std::make_unique<Poco::Net::StreamSocket>(new Poco::Net::StreamSocketImpl(sv[0]));
  return std::make_unique<Connection>(std::move(socket), pid, err[0]);
}

} // namespace

Connection::Connection(std::unique_ptr<Poco::Net::StreamSocket> socket, pid_t ssh, int ssh_stderr)
  : socket_(std::move(socket)), ssh_(ssh), ssh_stderr_(ssh_stderr),
    watch_(util::interrupt::Watch::socket(socket_->impl()->sockfd())) {}

Connection::Connection(std::unique_ptr<Poco::Net::StreamSocket> socket, std::unique_ptr<TlsTunnel> tls)
  : tls_(std::move(tls)), socket_(std::move(socket)), watch_(util::interrupt::Watch::socket(socket_->impl()->sockfd())) {}

void Connection::set_timeout(std::chrono::milliseconds timeout) {
  Poco::Timespan t(static_cast<Poco::Timespan::TimeDiff>(timeout.count()) * 1000);
  socket_->setReceiveTimeout(t);
  socket_->setSendTimeout(t);
}

Connection::~Connection() {
  socket_->close();
  if (ssh_ > 0) reap(ssh_);  // dial-stdio ends at end of input
  if (ssh_stderr_ >= 0) ::close(ssh_stderr_);
}

std::string Connection::failure() {
  if (ssh_stderr_ < 0) return "";
  std::string text;
  pollfd p{ssh_stderr_, POLLIN, 0};
  char buf[4096];
  // ssh writes its complaint and exits; give it a moment
  while (::poll(&p, 1, 2000) > 0) {
    ssize_t n = ::read(ssh_stderr_, buf, sizeof buf);
    if (n <= 0) break;
    text.append(buf, static_cast<size_t>(n));
  }
  auto lines = util::split(util::trim(text), '\n');
  return lines.empty() ? "" : "ssh: " + util::trim(lines.back());
}

std::unique_ptr<Connection> open_connection(const Endpoint& e) {
  if (e.kind == Endpoint::Kind::ssh) return ssh_connection(e);
  auto socket = std::make_unique<Poco::Net::StreamSocket>();
  try {
    if (e.kind == Endpoint::Kind::unix_socket) {
      // Poco 1.11's HTTPClientSession cannot take a UNIX address itself: connect first.
      socket->connect(Poco::Net::SocketAddress(Poco::Net::SocketAddress::UNIX_LOCAL, e.path));
    } else {
      socket->connect(Poco::Net::SocketAddress(e.host, e.port), Poco::Timespan(10, 0));
    }
  } catch (const Poco::Exception& ex) {
    throw Error("cannot connect to the Docker daemon at " + e.text + ": " + ex.displayText() +
                " (is dockerd running? set DOCKER_HOST to reach another daemon)");
  }
  if (!e.tls.enabled) return std::make_unique<Connection>(std::move(socket));
  auto tunnel = std::make_unique<TlsTunnel>(e, std::move(socket));
  auto local = std::make_unique<Poco::Net::StreamSocket>(new Poco::Net::StreamSocketImpl(tunnel->take_local()));
  return std::make_unique<Connection>(std::move(local), std::move(tunnel));
}

} // namespace dind::docker

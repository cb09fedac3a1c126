// Test helper: a real authoritative DNS server (NSD, from Debian's nsd package) serving one zone on a
// free loopback port, run from a temporary directory with its own configuration, pid file and zone
// files, and stopped by the destructor. Not part of the library.
//
// Start() fails with NSD's own log when it cannot start, so a test never skips silently.
//
// Thread-safety: one thread.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "base/status.h"

namespace herald::dns::test {

namespace fs = std::filesystem;

inline std::string ReadWholeFile(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A loopback socket of `type` bound to `port` (0: any); -1 on failure. The caller closes it.
inline int BindLoopback(int type, uint16_t port) {
  int fd = ::socket(AF_INET, type, 0);
  if (fd < 0) return -1;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

inline uint16_t BoundPort(int fd) {
  sockaddr_in address{};
  socklen_t length = sizeof address;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) return 0;
  return ntohs(address.sin_port);
}

// A port free for both UDP and TCP on 127.0.0.1 just now; 0 if none was found.
inline uint16_t FreeLoopbackPort() {
  for (int attempt = 0; attempt < 20; ++attempt) {
    int udp = BindLoopback(SOCK_DGRAM, 0);
    if (udp < 0) continue;
    uint16_t port = BoundPort(udp);
    int tcp = BindLoopback(SOCK_STREAM, port);
    ::close(udp);
    if (tcp >= 0) {
      ::close(tcp);
      return port;
    }
  }
  return 0;
}

class NsdServer {
 public:
  NsdServer() {
    std::string pattern = (fs::temp_directory_path() / "herald-nsd-XXXXXX").string();
    if (::mkdtemp(pattern.data()) != nullptr) dir_ = pattern;
  }
  ~NsdServer() {
    Stop();
    std::error_code ec;
    if (!dir_.empty()) fs::remove_all(dir_, ec);
  }
  NsdServer(const NsdServer&) = delete;
  NsdServer& operator=(const NsdServer&) = delete;

  // Serves `zone_text` as the zone `origin`; OK once NSD says it has started.
  Status Start(const std::string& origin, const std::string& zone_text) {
    if (dir_.empty()) return Status::IoError("cannot make a temporary directory");
    if (::access(HERALD_NSD, X_OK) != 0)
      return Status::FailedPrecondition(std::string("nsd not found at '") + HERALD_NSD +
                                        "': run scripts/install-deps.sh (Debian package nsd)");
    std::ofstream(dir_ / "test.zone") << zone_text;
    std::string failures;
    for (int attempt = 0; attempt < 3; ++attempt) {  // another process may take the free port first
      port_ = FreeLoopbackPort();
      if (port_ == 0) return Status::Unavailable("no free loopback port");
      WriteConfig(origin);
      Status started = Launch();
      if (started.ok()) return started;
      failures += started.message() + "\n";
      Stop();
    }
    return Status::Unavailable("nsd did not start:\n" + failures);
  }

  uint16_t port() const { return port_; }

  // Stops NSD (SIGTERM, then SIGKILL after 5 s) and reaps it. Idempotent.
  void Stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    for (int i = 0; i < 500; ++i) {
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

  std::string Logs() const {
    return "--- nsd.log ---\n" + ReadWholeFile(dir_ / "nsd.log") + "--- nsd output ---\n" +
           ReadWholeFile(dir_ / "nsd.out");
  }

 private:
  void WriteConfig(const std::string& origin) {
    std::ofstream conf(dir_ / "nsd.conf");
    conf << "server:\n"
         << "  ip-address: 127.0.0.1@" << port_ << "\n"
         << "  port: " << port_ << "\n"
         << "  server-count: 1\n"
         << "  username: \"\"\n"
         << "  chroot: \"\"\n"
         << "  zonesdir: \"" << dir_.string() << "\"\n"
         << "  database: \"\"\n"
         << "  pidfile: \"" << (dir_ / "nsd.pid").string() << "\"\n"
         << "  xfrdfile: \"" << (dir_ / "xfrd.state").string() << "\"\n"
         << "  zonelistfile: \"" << (dir_ / "zone.list").string() << "\"\n"
         << "  xfrdir: \"" << dir_.string() << "\"\n"
         << "  logfile: \"" << (dir_ / "nsd.log").string() << "\"\n"
         << "  verbosity: 2\n"
         << "  hide-version: yes\n"
         << "remote-control:\n"
         << "  control-enable: no\n"
         << "zone:\n"
         << "  name: \"" << origin << "\"\n"
         << "  zonefile: \"test.zone\"\n";
  }

  Status Launch() {
    std::error_code ignored;
    fs::remove(dir_ / "nsd.log", ignored);
    const std::string conf = (dir_ / "nsd.conf").string();
    const std::string out = (dir_ / "nsd.out").string();
    std::vector<std::string> argv = {HERALD_NSD, "-d", "-c", conf};
    std::vector<char*> args;
    for (std::string& arg : argv) args.push_back(arg.data());
    args.push_back(nullptr);
    pid_ = ::fork();
    if (pid_ < 0) return Status::IoError("fork failed");
    if (pid_ == 0) {  // the child: only async-signal-safe calls until exec
      int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      int null = ::open("/dev/null", O_RDONLY);
      if (fd >= 0) {
        ::dup2(fd, 1);
        ::dup2(fd, 2);
      }
      if (null >= 0) ::dup2(null, 0);
      ::execv(args[0], args.data());
      ::_exit(127);
    }
    // Ready when the server process says so; failed when it exits first.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return Status::Unavailable("nsd exited (status " + std::to_string(status) + ")\n" + Logs());
      }
      if (ReadWholeFile(dir_ / "nsd.log").find("nsd started") != std::string::npos) return Status::Ok();
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return Status::Unavailable("nsd did not say it started within 15 s\n" + Logs());
  }

  fs::path dir_;
  uint16_t port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace herald::dns::test

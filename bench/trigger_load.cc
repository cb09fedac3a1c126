// trigger_load: the load client of bench/campaign_send.sh. CONNECTIONS keep-alive connections to Herald on
// 127.0.0.1, each POSTing the benchmark campaign's trigger for a new recipient as soon as the last answer
// came, for SECONDS; one thread and epoll, so that the client takes as little as it can of the two cores
// it shares with Herald: about 40 µs of CPU a request, where the Python client it replaced took 80.
//
//   trigger_load PORT API_KEY CONNECTIONS SECONDS TEMPLATE
//
// TEMPLATE is the trigger's JSON (bench/campaign_fixture.py trigger) with the text EMAIL where each
// request's address goes. With DISTINCT_ATTACHMENTS=1 in the environment, the attachment's first 16
// characters ("SGVyYWxkTWFya2Vy", base64 of "HeraldMarker") become the connection and request numbers, so
// no two messages carry the same file, as with invoices.
//
// Prints "requests N", "seconds S", "not_202 N", "p50_ms X", "p99_ms X". Not a test: an answer's body
// is read past, not checked.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <climits>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::string_view kAttachmentMark = "SGVyYWxkTWFya2Vy";

[[noreturn]] void Fail(const std::string& what) {
  std::cerr << "trigger_load: " << what << ": " << std::strerror(errno) << "\n";
  std::exit(1);
}

// The trigger around its address: `before` EMAIL `after`.
struct Trigger {
  std::string before;
  std::string after;
  size_t mark = std::string::npos;  // in `after`: where a distinct attachment's numbers go
};

struct Connection {
  int fd = -1;
  int number = 0;
  uint64_t counter = 0;
  std::string head;     // this request's request line and headers
  std::string address;  // this request's recipient
  std::string unique;   // this request's 16 characters in the attachment (DISTINCT_ATTACHMENTS)
  std::vector<iovec> unsent;
  std::string received;
  Clock::time_point started;
};

std::string Base64(std::string_view bytes) {
  static constexpr char kDigits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i + 2 < bytes.size(); i += 3) {  // whole groups only: the caller gives 12 bytes
    const uint32_t n = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8) | uint8_t(bytes[i + 2]);
    for (int shift = 18; shift >= 0; shift -= 6) out += kDigits[(n >> shift) & 63];
  }
  return out;
}

void StartRequest(Connection& c, const Trigger& trigger, std::string_view key, bool distinct) {
  ++c.counter;
  c.address = "u" + std::to_string(c.number) + "-" + std::to_string(c.counter) + "@example.com";
  const size_t length = trigger.before.size() + c.address.size() + trigger.after.size();
  c.head = "POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + std::string(key) +
           "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(length) + "\r\n\r\n";
  auto piece = [](std::string_view s) { return iovec{const_cast<char*>(s.data()), s.size()}; };
  c.unsent = {piece(c.head), piece(trigger.before), piece(c.address)};
  std::string_view after = trigger.after;
  if (distinct) {
    std::string numbers = std::to_string(10000 + c.number % 10000).substr(1) +
                          std::to_string(100000000 + c.counter % 100000000).substr(1);  // 4 + 8 digits
    c.unique = Base64(numbers);
    c.unsent.push_back(piece(after.substr(0, trigger.mark)));
    c.unsent.push_back(piece(c.unique));
    after.remove_prefix(trigger.mark + c.unique.size());
  }
  c.unsent.push_back(piece(after));
  c.started = Clock::now();
}

// Sends what the socket takes; true when the whole request is sent.
bool SendSome(Connection& c) {
  while (!c.unsent.empty()) {
    const ssize_t sent = writev(c.fd, c.unsent.data(), static_cast<int>(std::min<size_t>(c.unsent.size(), IOV_MAX)));
    if (sent < 0) {
      if (errno == EAGAIN) return false;
      Fail("send");
    }
    size_t left = static_cast<size_t>(sent);
    auto it = c.unsent.begin();
    while (it != c.unsent.end() && left >= it->iov_len) left -= (it++)->iov_len;
    c.unsent.erase(c.unsent.begin(), it);
    if (left > 0) {
      c.unsent.front().iov_base = static_cast<char*>(c.unsent.front().iov_base) + left;
      c.unsent.front().iov_len -= left;
    }
  }
  return true;
}

// The status of the whole response at the front of `received`, which is then dropped; 0 while incomplete.
int TakeResponse(std::string& received) {
  const size_t end = received.find("\r\n\r\n");
  if (end == std::string::npos) return 0;
  size_t length = 0;
  std::string head = received.substr(0, end);
  std::transform(head.begin(), head.end(), head.begin(), [](unsigned char ch) { return std::tolower(ch); });
  if (size_t at = head.find("\r\ncontent-length:"); at != std::string::npos)
    length = std::strtoul(head.c_str() + at + 17, nullptr, 10);
  if (received.size() < end + 4 + length) return 0;
  const int status = std::atoi(received.c_str() + received.find(' ') + 1);
  received.erase(0, end + 4 + length);
  return status;
}

Trigger ReadTrigger(const char* path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  const std::string json = text.str();
  const size_t at = json.find("EMAIL");
  if (!in || at == std::string::npos) {
    std::cerr << "trigger_load: " << path << " holds no trigger with EMAIL in it\n";
    std::exit(2);
  }
  Trigger trigger{json.substr(0, at), json.substr(at + 5)};
  if (size_t mark = trigger.after.find(kAttachmentMark); mark != std::string::npos) trigger.mark = mark;
  return trigger;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 6) {
    std::cerr << "usage: trigger_load PORT API_KEY CONNECTIONS SECONDS TEMPLATE\n";
    return 2;
  }
  const int port = std::atoi(argv[1]);
  const std::string key = argv[2];
  const int connections = std::atoi(argv[3]);
  const auto duration = std::chrono::duration<double>(std::atof(argv[4]));
  const Trigger trigger = ReadTrigger(argv[5]);
  const char* distinct_env = std::getenv("DISTINCT_ATTACHMENTS");
  const bool distinct = distinct_env && std::string_view(distinct_env) == "1";
  if (distinct && trigger.mark == std::string::npos) {
    std::cerr << "trigger_load: DISTINCT_ATTACHMENTS=1 needs an attachment (ATTACHMENT_KB > 0)\n";
    return 2;
  }

  const int epoll = epoll_create1(0);
  std::vector<Connection> all(static_cast<size_t>(connections));
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<uint16_t>(port));
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const Clock::time_point begun = Clock::now();
  const Clock::time_point deadline = begun + std::chrono::duration_cast<Clock::duration>(duration);
  for (size_t i = 0; i < all.size(); ++i) {
    Connection& c = all[i];
    c.number = static_cast<int>(i);
    c.fd = socket(AF_INET, SOCK_STREAM, 0);
    if (c.fd < 0 || connect(c.fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) Fail("connect");
    const int one = 1;
    setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (fcntl(c.fd, F_SETFL, O_NONBLOCK) != 0) Fail("fcntl");
    StartRequest(c, trigger, key, distinct);
    epoll_event interest{EPOLLOUT, {.u64 = i}};
    if (epoll_ctl(epoll, EPOLL_CTL_ADD, c.fd, &interest) != 0) Fail("epoll_ctl");
  }

  std::vector<double> latencies;
  uint64_t not202 = 0;
  size_t open = all.size();
  std::vector<epoll_event> ready(all.size());
  char chunk[65536];
  while (open > 0) {
    const int n = epoll_wait(epoll, ready.data(), static_cast<int>(ready.size()), 1000);
    if (n < 0 && errno != EINTR) Fail("epoll_wait");
    for (int r = 0; r < n; ++r) {
      Connection& c = all[ready[r].data.u64];
      if (!c.unsent.empty()) {
        if (!SendSome(c)) continue;
        epoll_event interest{EPOLLIN, {.u64 = ready[r].data.u64}};
        epoll_ctl(epoll, EPOLL_CTL_MOD, c.fd, &interest);
        continue;
      }
      const ssize_t got = read(c.fd, chunk, sizeof chunk);
      if (got == 0) {
        std::cerr << "trigger_load: Herald closed a connection\n";
        return 1;
      }
      if (got < 0) {
        if (errno == EAGAIN) continue;
        Fail("read");
      }
      c.received.append(chunk, static_cast<size_t>(got));
      const int status = TakeResponse(c.received);
      if (status == 0) continue;
      const Clock::time_point now = Clock::now();
      latencies.push_back(std::chrono::duration<double>(now - c.started).count());
      not202 += status != 202;
      if (now >= deadline) {
        close(c.fd);
        --open;
        continue;
      }
      StartRequest(c, trigger, key, distinct);
      if (!SendSome(c)) {
        epoll_event interest{EPOLLOUT, {.u64 = ready[r].data.u64}};
        epoll_ctl(epoll, EPOLL_CTL_MOD, c.fd, &interest);
      }
    }
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - begun).count();
  std::sort(latencies.begin(), latencies.end());
  auto percentile = [&](double p) {
    if (latencies.empty()) return 0.0;
    return latencies[std::min(latencies.size() - 1, static_cast<size_t>(latencies.size() * p / 100))] * 1000;
  };
  std::printf("requests %zu\nseconds %.3f\nnot_202 %llu\np50_ms %.2f\np99_ms %.2f\n", latencies.size(), seconds,
              static_cast<unsigned long long>(not202), percentile(50), percentile(99));
  return 0;
}

#include "http/listen_address.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>

#include "base/printable.h"

namespace herald::http {

Result<HostPort> SplitHostPort(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return Status::InvalidArgument("listen address \"" + Printable(text, 128) + "\": " + std::string(why));
  };
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return bad("expected host:port");
  std::string_view host = text.substr(0, colon);
  std::string_view port_text = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return bad("write an IPv6 address in brackets, as [::1]:8025");
  }
  if (host.empty()) return bad("empty host");
  if (port_text.empty() || port_text.size() > 5) return bad("bad port");
  unsigned port = 0;
  for (char c : port_text) {
    if (c < '0' || c > '9') return bad("bad port");
    port = port * 10 + static_cast<unsigned>(c - '0');
  }
  if (port > 65535) return bad("port out of range");
  return HostPort{std::string(host), static_cast<uint16_t>(port)};
}

Result<boost::asio::ip::tcp::endpoint> ResolveListenAddress(std::string_view text) {
  Result<HostPort> host_port = SplitHostPort(text);
  if (!host_port.ok()) return host_port.status();
  boost::system::error_code ec;
  boost::asio::ip::address address = boost::asio::ip::make_address(host_port->host, ec);
  if (!ec) return boost::asio::ip::tcp::endpoint(address, host_port->port);

  boost::asio::io_context resolver_context;
  boost::asio::ip::tcp::resolver resolver(resolver_context);
  auto results = resolver.resolve(host_port->host, std::to_string(host_port->port), ec);
  if (ec || results.empty()) {
    return Status::InvalidArgument("listen address \"" + Printable(text, 128) +
                                   "\": cannot resolve host: " + (ec ? ec.message() : "no address"));
  }
  return results.begin()->endpoint();
}

}  // namespace herald::http

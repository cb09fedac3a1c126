#include "core/smtp_connection.h"

namespace herald::core {

bool IsActive(const SmtpConnection& connection, TimePoint now) {
  constexpr Duration kActiveWindow{24 * 3'600'000};
  return connection.enabled && connection.last_used_at && now - *connection.last_used_at <= kActiveWindow;
}

}  // namespace herald::core

// Logging: one line per event, named per module (STYLE habit 14), text or JSON.
//
// SetupLogging is called once by daemon/ or cli/ before threads start; Logger() may then be called
// from any thread. Never pass secrets or unclean peer text to a logger (see base/printable.h).
#pragma once

#include <spdlog/spdlog.h>

#include <memory>
#include <string>
#include <string_view>

namespace herald {

struct LogOptions {
  std::string level = "info";  // trace, debug, info, warn, error, off
  bool json = false;           // one JSON object per line instead of text
};

void SetupLogging(const LogOptions& options);

// The logger of `module` ("http", "delivery", …), sharing the sinks set up by SetupLogging.
std::shared_ptr<spdlog::logger> Logger(std::string_view module);

}  // namespace herald

#include "mime/gmime_support.h"

#include <mutex>

namespace herald::mime {

void EnsureGMimeInitialized() {
  static std::once_flag once;
  // Never paired with g_mime_shutdown(): other threads may still be using GMime at exit.
  std::call_once(once, [] { g_mime_init(); });
}

}  // namespace herald::mime

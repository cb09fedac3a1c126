// NameThisThread: the name the calling thread shows under in `top -H`, `ps -L`, /proc/PID/task/*/comm,
// perf and gdb, so that the writer, the checkpointer, the HTTP and delivery threads can be told apart
// (every thread would otherwise show the process's name).
#pragma once

#include <pthread.h>

#include <string>
#include <string_view>

namespace herald {

// Linux keeps 15 bytes of a thread's name; a longer one is cut.
inline void NameThisThread(std::string_view name) {
  const std::string kept(name.substr(0, 15));
  pthread_setname_np(pthread_self(), kept.c_str());
}

}  // namespace herald

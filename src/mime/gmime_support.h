// GMime plumbing shared by the readers (and the builder's IDN conversion): the one include of <gmime/gmime.h>, process-wide
// initialisation, and owning pointers so that every GObject is released on every path.
//
// Thread-safety: EnsureGMimeInitialized may be called from any thread, any number of times. GMime objects
// are not shared between threads: each call builds and frees its own.
// Untrusted input: none here.
#pragma once

#include <gmime/gmime.h>

#include <memory>

namespace herald::mime {

// Runs g_mime_init() exactly once per process (GMime's charset tables and type registrations are the
// library's own global state). Call before touching any GMime object.
void EnsureGMimeInitialized();

struct GObjectUnref {
  void operator()(void* object) const { g_object_unref(object); }
};
// Owns one reference to a GObject (GMimeMessage, GMimePart, GMimeStream, …).
template <typename T>
using GObjectPtr = std::unique_ptr<T, GObjectUnref>;

struct GFree {
  void operator()(void* memory) const { g_free(memory); }
};
using GCharPtr = std::unique_ptr<char, GFree>;

}  // namespace herald::mime

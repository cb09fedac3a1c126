// GMime plumbing shared by the builder and the reader: the one include of <gmime/gmime.h>, process-wide
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

struct FormatOptionsFree {
  void operator()(GMimeFormatOptions* options) const { g_mime_format_options_free(options); }
};
using FormatOptionsPtr = std::unique_ptr<GMimeFormatOptions, FormatOptionsFree>;

struct ByteArrayUnref {
  void operator()(GByteArray* array) const { g_byte_array_unref(array); }
};
using ByteArrayPtr = std::unique_ptr<GByteArray, ByteArrayUnref>;

struct DateTimeUnref {
  void operator()(GDateTime* date) const { g_date_time_unref(date); }
};
using DateTimePtr = std::unique_ptr<GDateTime, DateTimeUnref>;

}  // namespace herald::mime

// Reading the shared MIME corpus (../shared/corpora/mime, see its README) in the mime tests, and the
// files of other corpora (the bounce corpus in the bounces tests).
//
// Thread-safety: plain functions. Untrusted input: test data only.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

namespace herald::mime::testing {

// Only in the tests built with the MIME corpus's location; the readers below serve any corpus.
#ifdef HERALD_MIME_CORPUS_DIR
inline std::filesystem::path CorpusDir() { return HERALD_MIME_CORPUS_DIR; }
#endif

inline std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// The corpus files have LF line ends; messages on the wire have CRLF.
inline std::string WithCrlf(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) out += '\r';
    out += text[i];
  }
  return out;
}

}  // namespace herald::mime::testing

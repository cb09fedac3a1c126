# Writes OUTPUT, a C++ file defining herald::api::OpenApiDocument() that returns the text of INPUT.
file(READ ${INPUT} text)
set(delimiter "herald_embed")
file(WRITE ${OUTPUT} "// Generated from ${INPUT}; do not edit.\n#include <string_view>\n\n"
     "namespace herald::api {\nstd::string_view OpenApiDocument() {\n  static constexpr std::string_view kText = R\"${delimiter}(${text})${delimiter}\";\n  return kText;\n}\n}  // namespace herald::api\n")

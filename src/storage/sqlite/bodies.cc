#include "storage/sqlite/bodies.h"

#include <nlohmann/json.hpp>
#include <zstd.h>

#include <memory>

namespace herald::storage::sqlite {
namespace {

// zstd's fastest level: a rendered campaign shrinks tenfold or more at gigabytes a second.
constexpr int kCompressionLevel = 1;

// More than any message Herald takes (a frame's header says its size; a damaged one must not make us
// allocate whatever it says).
constexpr unsigned long long kMaxBodyBytes = 1ULL << 30;

// The context of this thread's compressions: making one costs more than compressing a small message.
// Its frames end with a checksum of the content, so that damage is found when the body is read.
ZSTD_CCtx* CompressionContext() {
  struct FreeContext {
    void operator()(ZSTD_CCtx* context) const { ZSTD_freeCCtx(context); }
  };
  thread_local const std::unique_ptr<ZSTD_CCtx, FreeContext> context = [] {
    std::unique_ptr<ZSTD_CCtx, FreeContext> made(ZSTD_createCCtx());
    if (made && (ZSTD_isError(ZSTD_CCtx_setParameter(made.get(), ZSTD_c_compressionLevel, kCompressionLevel)) ||
                 ZSTD_isError(ZSTD_CCtx_setParameter(made.get(), ZSTD_c_checksumFlag, 1)))) {
      made.reset();
    }
    return made;
  }();
  return context.get();
}

// `bytes` as one zstd frame, or nothing when that is not smaller (or zstd cannot have the memory).
std::optional<std::string> Compress(std::string_view bytes) {
  ZSTD_CCtx* context = CompressionContext();
  if (context == nullptr) return std::nullopt;
  std::string frame(ZSTD_compressBound(bytes.size()), '\0');
  const size_t size = ZSTD_compress2(context, frame.data(), frame.size(), bytes.data(), bytes.size());
  if (ZSTD_isError(size) || size >= bytes.size()) return std::nullopt;
  frame.resize(size);
  return frame;
}

Result<std::string> Decompress(std::string_view frame) {
  const unsigned long long size = ZSTD_getFrameContentSize(frame.data(), frame.size());
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN || size > kMaxBodyBytes)
    return Status::Corruption("a message body is not a zstd frame of known size");
  std::string bytes(size, '\0');
  const size_t got = ZSTD_decompress(bytes.data(), bytes.size(), frame.data(), frame.size());
  if (ZSTD_isError(got) || got != size)
    return Status::Corruption(std::string("a message body does not decompress: ") +
                              (ZSTD_isError(got) ? ZSTD_getErrorName(got) : "it is shorter than its header says"));
  return bytes;
}

// The id of the account's part with `digest`, stored now if the account has none yet.
Result<int64_t> FindOrInsertPart(Connection& db, std::string_view account_id, std::string_view digest,
                                 std::string_view bytes) {
  {
    Result<Statement> find = db.Prepare("SELECT id FROM body_parts WHERE account_id = ?1 AND digest = ?2");
    if (!find.ok()) return find.status();
    find->Bind(1, account_id).BindBlobNoCopy(2, digest);
    Result<bool> row = find->Step();
    if (!row.ok()) return row.status();
    if (*row) return find->Int(0);
  }
  Result<Statement> insert =
      db.Prepare("INSERT INTO body_parts (account_id, digest, bytes) VALUES (?1, ?2, ?3) RETURNING id");
  if (!insert.ok()) return insert.status();
  insert->Bind(1, account_id).BindBlobNoCopy(2, digest).BindBlobNoCopy(3, bytes);
  Result<bool> row = insert->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::Internal("storing a body part returned no id");
  return insert->Int(0);
}

}  // namespace

Result<StoredBody> PrepareBody(std::string_view message_id, std::string_view raw, std::span<const SharedPart> parts) {
  StoredBody body;
  std::string kept;  // raw without the shared parts' bytes
  size_t copied = 0;
  for (const SharedPart& part : parts) {
    if (part.offset < copied || part.offset > raw.size() || part.size > raw.size() - part.offset)
      return Status::InvalidArgument("a shared part of " + std::string(message_id) + " is not within its message");
    if (part.size < kMinSharedPartBytes) continue;
    if (kept.empty()) kept.reserve(raw.size());
    kept.append(raw.substr(copied, part.offset - copied));
    copied = part.offset + part.size;
    body.parts.push_back({kept.size(), part.digest, raw.substr(part.offset, part.size)});
  }
  std::string_view rest = raw;
  if (!body.parts.empty()) {
    kept.append(raw.substr(copied));
    rest = kept;
  }
  if (std::optional<std::string> frame = Compress(rest)) {
    body.bytes = std::move(*frame);
    body.compressed = true;
  } else {
    body.bytes = body.parts.empty() ? std::string(raw) : std::move(kept);
  }
  return body;
}

Status InsertBodySql(Connection& db, std::string_view message_id, std::string_view account_id, const StoredBody& body) {
  nlohmann::json places = nlohmann::json::array();
  for (const StoredBody::Part& part : body.parts) {
    Result<int64_t> id = FindOrInsertPart(db, account_id, part.digest, part.bytes);
    if (!id.ok()) return id.status();
    places.push_back({part.offset, *id});
  }
  Result<Statement> insert =
      db.Prepare("INSERT INTO message_bodies (message_id, raw, parts, compression) VALUES (?1, ?2, ?3, ?4)");
  if (!insert.ok()) return insert.status();
  insert->Bind(1, message_id).BindBlobNoCopy(2, body.bytes);
  if (places.empty()) {
    insert->Bind(3, nullptr);
  } else {
    insert->Bind(3, places.dump());
  }
  if (body.compressed) {
    insert->Bind(4, kZstd);
  } else {
    insert->Bind(4, nullptr);
  }
  return insert->Run();
}

Status InsertBodySql(Connection& db, std::string_view message_id, std::string_view account_id,
                     std::string_view raw, std::span<const SharedPart> parts) {
  Result<StoredBody> body = PrepareBody(message_id, raw, parts);
  if (!body.ok()) return body.status();
  return InsertBodySql(db, message_id, account_id, *body);
}

Result<std::string> AssembleBodySql(Connection& db, std::string_view stored, std::optional<std::string_view> parts,
                                    std::string_view compression) {
  std::string decompressed;
  std::string_view raw = stored;
  if (compression == kZstd) {
    Result<std::string> bytes = Decompress(stored);
    if (!bytes.ok()) return bytes.status();
    decompressed = std::move(*bytes);
    raw = decompressed;
  } else if (!compression.empty()) {
    return Status::Corruption("a message body is compressed with " + std::string(compression) + ", unknown here");
  }
  if (!parts) return decompressed.empty() ? std::string(raw) : std::move(decompressed);
  const nlohmann::json places = nlohmann::json::parse(*parts, nullptr, /*allow_exceptions=*/false);
  if (!places.is_array()) return Status::Corruption("a message body's parts list is not a JSON array");
  std::string whole;
  size_t copied = 0;
  for (const nlohmann::json& place : places) {
    if (!place.is_array() || place.size() != 2 || !place[0].is_number_unsigned() || !place[1].is_number_integer())
      return Status::Corruption("a message body's parts list holds something but [offset, part id] pairs");
    const size_t offset = place[0].get<size_t>();
    if (offset < copied || offset > raw.size()) return Status::Corruption("a message body's part lies outside it");
    Result<Statement> get = db.Prepare("SELECT bytes FROM body_parts WHERE id = ?1");
    if (!get.ok()) return get.status();
    get->Bind(1, place[1].get<int64_t>());
    Result<bool> row = get->Step();
    if (!row.ok()) return row.status();
    if (!*row) return Status::Corruption("a message body refers to a missing part " + place[1].dump());
    if (whole.empty()) whole.reserve(raw.size() + places.size() * get->Blob(0).size());
    whole.append(raw.substr(copied, offset - copied));
    whole.append(get->Blob(0));
    copied = offset;
  }
  whole.append(raw.substr(copied));
  return whole;
}

}  // namespace herald::storage::sqlite

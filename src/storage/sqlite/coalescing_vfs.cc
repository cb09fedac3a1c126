#include "storage/sqlite/coalescing_vfs.h"

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>
#include <new>
#include <vector>

namespace herald::storage::sqlite {
namespace {

constexpr const char* kName = "herald";
// About sixteen frames of 4 KiB pages. The unix VFS cannot write more than 128 KiB - 1 bytes in one call
// (seekAndWriteFd masks the size), so a larger commit is written in pieces of this size.
constexpr size_t kMaxGathered = 64 * 1024;
// What a checkpoint reads of the WAL with one call once its reads move forward.
constexpr sqlite3_int64 kCheckpointWindow = 256 * 1024;

struct File;

struct Vfs {
  sqlite3_vfs base;  // first: SQLite hands back a pointer to it
  sqlite3_vfs* real;

  std::mutex wal_files_mutex;
  std::vector<File*> wal_files;            // guarded by wal_files_mutex: every open WAL file
  std::atomic<int64_t> gathered_bytes{0};  // over all WAL files; lets most calls skip the mutex

  std::atomic<uint64_t> wal_appends{0};
  std::atomic<uint64_t> wal_writes{0};
  std::atomic<uint64_t> wal_reads{0};
  std::atomic<uint64_t> wal_read_calls{0};

  void WriteOutAll();
};

struct File {
  sqlite3_file base;   // first: SQLite hands back a pointer to it
  sqlite3_file* real;  // the platform VFS's file, in the bytes just after this struct
  Vfs* vfs;
  bool wal;

  std::mutex mutex;
  std::vector<char> gathered;  // guarded by mutex: appends not yet written, starting at gathered_at
  sqlite3_int64 gathered_at = 0;

  // With mutex held.
  int WriteOut() {
    if (gathered.empty()) return SQLITE_OK;
    const int rc =
        real->pMethods->xWrite(real, gathered.data(), static_cast<int>(gathered.size()), gathered_at);
    if (rc != SQLITE_OK) return rc;  // kept: the next call on the file writes or reports it
    vfs->wal_writes.fetch_add(1, std::memory_order_relaxed);
    vfs->gathered_bytes.fetch_sub(static_cast<int64_t>(gathered.size()));
    gathered.clear();
    return SQLITE_OK;
  }
  int WriteOutLocked() {
    if (!wal) return SQLITE_OK;
    std::lock_guard lock(mutex);
    return WriteOut();
  }

  int ReadFromFile(void* out, int size, sqlite3_int64 offset) {
    vfs->wal_read_calls.fetch_add(1, std::memory_order_relaxed);
    return real->pMethods->xRead(real, out, size, offset);
  }

  int Append(const void* data, int size, sqlite3_int64 offset) {
    vfs->wal_appends.fetch_add(1, std::memory_order_relaxed);
    std::lock_guard lock(mutex);
    const auto bytes = static_cast<size_t>(size);
    const bool follows =
        !gathered.empty() && offset == gathered_at + static_cast<sqlite3_int64>(gathered.size());
    if (!follows || gathered.size() + bytes > kMaxGathered) {
      if (int rc = WriteOut(); rc != SQLITE_OK) return rc;
      if (bytes > kMaxGathered) {
        vfs->wal_writes.fetch_add(1, std::memory_order_relaxed);
        return real->pMethods->xWrite(real, data, size, offset);
      }
      gathered_at = offset;
    }
    const char* begin = static_cast<const char*>(data);
    gathered.insert(gathered.end(), begin, begin + bytes);
    vfs->gathered_bytes.fetch_add(static_cast<int64_t>(bytes));
    return SQLITE_OK;
  }
};

// A checkpoint's reads of the WAL, on the thread copying it: from SQLITE_FCNTL_CKPT_START to
// SQLITE_FCNTL_CKPT_DONE on the database file that thread does nothing but read frames of its WAL, in
// the order of their pages, and write them to the database file. Reads that move forward are served
// from a window of the WAL read with one call. Every frame the checkpoint copies was committed, hence
// written out, before it began, and stays unchanged until it ends (SQLite does not start the WAL over
// while a checkpoint holds its lock), so the window holds no stale byte of any frame it serves.
struct CheckpointWindow {
  bool active = false;
  File* wal = nullptr;          // the WAL being read, once the first read names it
  sqlite3_int64 wal_size = -1;  // read once per checkpoint, so the window never reaches past the end
  sqlite3_int64 last_end = -1;  // where the previous read ended
  sqlite3_int64 at = 0;         // the WAL offset of bytes[0]
  std::vector<char> bytes;

  void Reset(bool checkpointing) {
    active = checkpointing;
    wal = nullptr;
    wal_size = last_end = -1;
    bytes.clear();
  }

  int Read(File* file, void* out, int size, sqlite3_int64 offset) {
    if (wal != file) {
      Reset(true);
      wal = file;
    }
    const bool forward = last_end >= 0 && offset >= last_end && offset - last_end < kCheckpointWindow;
    last_end = offset + size;
    if (offset < at || offset + size > at + static_cast<sqlite3_int64>(bytes.size())) {
      if (!forward) return file->ReadFromFile(out, size, offset);
      if (wal_size < 0) {
        if (int rc = file->real->pMethods->xFileSize(file->real, &wal_size); rc != SQLITE_OK) return rc;
      }
      const sqlite3_int64 length = std::min(kCheckpointWindow, wal_size - offset);
      if (length < size) return file->ReadFromFile(out, size, offset);
      bytes.resize(static_cast<size_t>(length));
      if (int rc = file->ReadFromFile(bytes.data(), static_cast<int>(length), offset); rc != SQLITE_OK) {
        bytes.clear();
        return rc;
      }
      at = offset;
    }
    std::memcpy(out, bytes.data() + (offset - at), static_cast<size_t>(size));
    return SQLITE_OK;
  }
};
thread_local CheckpointWindow checkpoint_window;

void Vfs::WriteOutAll() {
  if (gathered_bytes.load() == 0) return;
  std::lock_guard lock(wal_files_mutex);
  for (File* file : wal_files) file->WriteOutLocked();  // a failure stays gathered (see the header)
}

File* Of(sqlite3_file* file) { return reinterpret_cast<File*>(file); }
sqlite3_file* RealOf(sqlite3_file* file) { return Of(file)->real; }
const sqlite3_io_methods& RealMethods(sqlite3_file* file) { return *RealOf(file)->pMethods; }

// ---- File methods: each writes out what WAL files gathered, then does the platform's work ----

int Close(sqlite3_file* f) {
  File* file = Of(f);
  if (file->wal) {
    std::lock_guard lock(file->vfs->wal_files_mutex);
    std::erase(file->vfs->wal_files, file);
  }
  int rc = file->WriteOutLocked();
  if (file->wal && rc != SQLITE_OK) {  // the bytes are lost with the file: forget them
    file->vfs->gathered_bytes.fetch_sub(static_cast<int64_t>(file->gathered.size()));
  }
  const int close_rc = RealMethods(f).xClose(file->real);
  file->~File();
  return rc != SQLITE_OK ? rc : close_rc;
}

// The platform's method, once what the WAL file gathered is written out.
template <auto method, typename... Args>
int WrittenOutThen(sqlite3_file* f, Args... args) {
  if (int rc = Of(f)->WriteOutLocked(); rc != SQLITE_OK) return rc;
  return (RealMethods(f).*method)(RealOf(f), args...);
}

// The platform's shared-memory method, once every WAL file's gathered bytes are written out: these
// calls are how SQLite shows other connections what it wrote.
template <auto method, typename... Args>
int AllWrittenOutThen(sqlite3_file* f, Args... args) {
  Of(f)->vfs->WriteOutAll();
  return (RealMethods(f).*method)(RealOf(f), args...);
}

int Read(sqlite3_file* f, void* out, int size, sqlite3_int64 offset) {
  File* file = Of(f);
  if (int rc = file->WriteOutLocked(); rc != SQLITE_OK) return rc;
  if (!file->wal) return RealMethods(f).xRead(file->real, out, size, offset);
  file->vfs->wal_reads.fetch_add(1, std::memory_order_relaxed);
  if (checkpoint_window.active) return checkpoint_window.Read(file, out, size, offset);
  return file->ReadFromFile(out, size, offset);
}

int Write(sqlite3_file* f, const void* data, int size, sqlite3_int64 offset) {
  if (Of(f)->wal) return Of(f)->Append(data, size, offset);
  return RealMethods(f).xWrite(RealOf(f), data, size, offset);
}

int FileControl(sqlite3_file* f, int op, void* arg) {
  if (op == SQLITE_FCNTL_CKPT_START || op == SQLITE_FCNTL_CKPT_DONE) {
    checkpoint_window.Reset(op == SQLITE_FCNTL_CKPT_START);
  }
  return WrittenOutThen<&sqlite3_io_methods::xFileControl>(f, op, arg);
}

int SectorSize(sqlite3_file* f) { return RealMethods(f).xSectorSize(RealOf(f)); }

int DeviceCharacteristics(sqlite3_file* f) { return RealMethods(f).xDeviceCharacteristics(RealOf(f)); }

void ShmBarrier(sqlite3_file* f) {
  Of(f)->vfs->WriteOutAll();
  RealMethods(f).xShmBarrier(RealOf(f));
}

int Unfetch(sqlite3_file* f, sqlite3_int64 offset, void* mapped) {
  return RealMethods(f).xUnfetch(RealOf(f), offset, mapped);
}

constexpr sqlite3_io_methods kMethods = {
    3,
    Close,
    Read,
    Write,
    WrittenOutThen<&sqlite3_io_methods::xTruncate>,
    WrittenOutThen<&sqlite3_io_methods::xSync>,
    WrittenOutThen<&sqlite3_io_methods::xFileSize>,
    WrittenOutThen<&sqlite3_io_methods::xLock>,
    WrittenOutThen<&sqlite3_io_methods::xUnlock>,
    WrittenOutThen<&sqlite3_io_methods::xCheckReservedLock>,
    FileControl,
    SectorSize,
    DeviceCharacteristics,
    AllWrittenOutThen<&sqlite3_io_methods::xShmMap>,
    AllWrittenOutThen<&sqlite3_io_methods::xShmLock>,
    ShmBarrier,
    AllWrittenOutThen<&sqlite3_io_methods::xShmUnmap>,
    WrittenOutThen<&sqlite3_io_methods::xFetch>,
    Unfetch,
};

// ---- VFS methods: xOpen wraps the platform's file, the rest is the platform's ----

sqlite3_vfs* RealVfs(sqlite3_vfs* vfs) { return reinterpret_cast<Vfs*>(vfs)->real; }

int Open(sqlite3_vfs* v, const char* name, sqlite3_file* f, int flags, int* out_flags) {
  Vfs* vfs = reinterpret_cast<Vfs*>(v);
  auto* file = new (f) File{};
  file->real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(f) + sizeof(File));
  file->vfs = vfs;
  file->wal = (flags & SQLITE_OPEN_WAL) != 0;
  int rc = vfs->real->xOpen(vfs->real, name, file->real, flags, out_flags);
  if (file->real->pMethods != nullptr && file->real->pMethods->iVersion < kMethods.iVersion) {
    // Every platform VFS SQLite ships has the shared-memory and memory-map methods forwarded here.
    file->real->pMethods->xClose(file->real);
    file->real->pMethods = nullptr;
    rc = SQLITE_CANTOPEN;
  }
  if (file->real->pMethods == nullptr) {  // nothing to close: SQLite will not call xClose
    file->~File();
    f->pMethods = nullptr;
    return rc;
  }
  f->pMethods = &kMethods;
  if (file->wal) {
    std::lock_guard lock(vfs->wal_files_mutex);
    vfs->wal_files.push_back(file);
  }
  return rc;
}

int Delete(sqlite3_vfs* v, const char* name, int sync_dir) {
  return RealVfs(v)->xDelete(RealVfs(v), name, sync_dir);
}
int Access(sqlite3_vfs* v, const char* name, int flags, int* result) {
  return RealVfs(v)->xAccess(RealVfs(v), name, flags, result);
}
int FullPathname(sqlite3_vfs* v, const char* name, int size, char* out) {
  return RealVfs(v)->xFullPathname(RealVfs(v), name, size, out);
}
void* DlOpen(sqlite3_vfs* v, const char* name) { return RealVfs(v)->xDlOpen(RealVfs(v), name); }
void DlError(sqlite3_vfs* v, int size, char* out) { RealVfs(v)->xDlError(RealVfs(v), size, out); }
void (*DlSym(sqlite3_vfs* v, void* handle, const char* symbol))(void) {
  return RealVfs(v)->xDlSym(RealVfs(v), handle, symbol);
}
void DlClose(sqlite3_vfs* v, void* handle) { RealVfs(v)->xDlClose(RealVfs(v), handle); }
int Randomness(sqlite3_vfs* v, int size, char* out) { return RealVfs(v)->xRandomness(RealVfs(v), size, out); }
int Sleep(sqlite3_vfs* v, int micros) { return RealVfs(v)->xSleep(RealVfs(v), micros); }
int CurrentTime(sqlite3_vfs* v, double* now) { return RealVfs(v)->xCurrentTime(RealVfs(v), now); }
int GetLastError(sqlite3_vfs* v, int size, char* out) {
  return RealVfs(v)->xGetLastError(RealVfs(v), size, out);
}
int CurrentTimeInt64(sqlite3_vfs* v, sqlite3_int64* now) {
  return RealVfs(v)->xCurrentTimeInt64(RealVfs(v), now);
}

Vfs* Register() {
  sqlite3_vfs* real = sqlite3_vfs_find(nullptr);
  auto* vfs = new Vfs;  // never freed: connections may be closed as late as static destruction
  vfs->real = real;
  vfs->base = sqlite3_vfs{};
  vfs->base.iVersion = 2;  // without the system-call overrides, which are for SQLite's own tests
  vfs->base.szOsFile = static_cast<int>(sizeof(File)) + real->szOsFile;
  vfs->base.mxPathname = real->mxPathname;
  vfs->base.zName = kName;
  vfs->base.xOpen = Open;
  vfs->base.xDelete = Delete;
  vfs->base.xAccess = Access;
  vfs->base.xFullPathname = FullPathname;
  vfs->base.xDlOpen = DlOpen;
  vfs->base.xDlError = DlError;
  vfs->base.xDlSym = DlSym;
  vfs->base.xDlClose = DlClose;
  vfs->base.xRandomness = Randomness;
  vfs->base.xSleep = Sleep;
  vfs->base.xCurrentTime = CurrentTime;
  vfs->base.xGetLastError = GetLastError;
  vfs->base.xCurrentTimeInt64 = CurrentTimeInt64;
  sqlite3_vfs_register(&vfs->base, /*makeDflt=*/0);
  return vfs;
}

Vfs& TheVfs() {
  static Vfs* vfs = Register();
  return *vfs;
}

}  // namespace

const char* CoalescingVfsName() {
  TheVfs();
  return kName;
}

CoalescingVfsCounters ReadCoalescingVfsCounters() {
  const Vfs& vfs = TheVfs();
  return {vfs.wal_appends.load(), vfs.wal_writes.load(), vfs.wal_reads.load(), vfs.wal_read_calls.load()};
}

}  // namespace herald::storage::sqlite

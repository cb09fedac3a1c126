// The SQLite VFS every Herald connection is opened with: the platform's own ("unix"), except that it
// writes and checkpoints the WAL with far fewer system calls.
//
// SQLite appends a WAL frame with two writes, its 24-byte header and then the page, so a commit of N
// pages costs 2N pwrite calls; on a virtual machine each is dear (docs/benchmarks.md: a campaign message
// was 14 frames, 28 of its 80 system calls). This VFS gathers back-to-back appends to a WAL file in
// memory and writes them with one pwrite (of up to 64 KiB) as soon as anything else happens.
//
// Why no reader, in this process or another, can miss a gathered byte: SQLite makes frames visible only
// by publishing a new wal-index header in shared memory, and calls xShmBarrier on the database file
// before it does (walIndexWriteHdr); a commit that must be durable calls xSync on the WAL before that.
// Every shared-memory call (map, lock, barrier, unmap) on any file opened through this VFS first writes
// out what every WAL file has gathered, and so does every call on the WAL file itself other than a
// further append or a pure query (sector size, device characteristics). Bytes reach the file in the
// order SQLite wrote them, and a crash loses only bytes SQLite had not synced, which it never relies on.
// Herald runs synchronous=FULL, so a commit's frames are written at its xSync, where a failure is
// reported; a failure while writing out from a shared-memory call (which cannot report one) keeps the
// bytes gathered for the WAL's next call to write or report.
//
// A checkpoint reads each frame it copies with a call of its own. Between SQLITE_FCNTL_CKPT_START and
// SQLITE_FCNTL_CKPT_DONE, the thread copying does nothing else, and every frame it copies was committed
// before it began and stays unchanged until it ends; so there, reads of the WAL that move forward are
// served from a 256 KiB window read with one call.
//
// SQLite's VFS registry is process-wide, so this is the storage module's one piece of global state.
// Thread-safety: as SQLite requires of a VFS; a WAL file's gathered bytes have a mutex of their own,
// since other connections' shared-memory calls write them out from other threads.
#pragma once

#include <cstdint>

namespace herald::storage::sqlite {

// The VFS's name for sqlite3_open_v2; registers it with SQLite on the first call.
const char* CoalescingVfsName();

// What the VFS has done since the process started, for tests and benchmarks.
struct CoalescingVfsCounters {
  uint64_t wal_appends = 0;     // writes SQLite asked for on WAL files
  uint64_t wal_writes = 0;      // writes made to WAL files
  uint64_t wal_reads = 0;       // reads SQLite asked for on WAL files
  uint64_t wal_read_calls = 0;  // reads made of WAL files
};
CoalescingVfsCounters ReadCoalescingVfsCounters();

}  // namespace herald::storage::sqlite

#!/usr/bin/env bash
# The campaign benchmark's system calls a message: Herald runs as in campaign_send.sh while
# bench/trigger_load.cc sends triggers; after a warm-up `perf trace -s` counts Herald's system calls for
# WINDOW seconds, which are divided by the messages stored in that window. System calls are what this
# benchmark's messages cost most on a VM (docs/benchmarks.md), and their count hardly wanders.
# Needs root (perf trace).
#   bench/campaign_syscalls.sh                  # 5 s counted, 32 connections
#   HERALD_BIN=/tmp/herald-old bench/campaign_syscalls.sh
# prints one line a system call: "NAME calls-a-message", most frequent first, then "messages N".
set -euo pipefail
cd "$(dirname "$0")/.."
WINDOW=${WINDOW:-5}
CONNECTIONS=${CONNECTIONS:-32}
PORT=${PORT:-8096}
. bench/campaign_herald.sh
trap 'kill "${load:-}" 2>/dev/null || true; rm -rf "$work"' EXIT

data="$work/data"
start_campaign_herald "$data" "$PORT"
count() { sqlite3 "$data/herald.db" "select count(*) from messages"; }

send_triggers "$CONNECTIONS" $((WINDOW + 6)) >/dev/null &
load=$!
sleep 3  # warm-up: the attachment and the template seen, the WAL past its first checkpoint
before=$(count)
perf trace -s -p "$pid" -o "$work/trace" -- sleep "$WINDOW" >/dev/null 2>&1 || true
messages=$(( $(count) - before ))
wait "$load"
kill -TERM "$pid"
wait "$pid" || true

# perf trace -s prints a table per thread: "syscall calls errors total min avg max stddev"; sum over threads.
awk -v n="$messages" '$1 ~ /^[a-z_0-9]+$/ && $2 ~ /^[0-9]+$/ { calls[$1] += $2 }
  END { for (s in calls) printf "%s %.2f\n", s, calls[s] / n }' "$work/trace" | sort -k2 -nr
echo "messages $messages"

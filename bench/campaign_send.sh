#!/usr/bin/env bash
# Benchmark (issue 6, acceptance 5): campaign triggers through the API — profile upsert, Mustache rendering of a
# 20 KB HTML campaign with 20 variables, the MIME message with a 100 KB attachment, the durable store — in
# messages per second. Capture delivery runs meanwhile (the embedded default), as in bench/api_send.sh.
# Each request is a new recipient, so every message also creates a profile. Afterwards the messages the database
# really holds are counted: "stored/s" is durable throughput, not answered requests.
# The client is bench/trigger_load.cc (one thread, epoll: 40 µs of CPU a request, where a Python client
# took 80 and wrk's Lua most of a core building the 137 KB bodies).
#   bench/campaign_send.sh                  # 3 runs of 30 s, 32 connections
#   REPS=1 DURATION=10 bench/campaign_send.sh
#   ATTACHMENT_KB=0 bench/campaign_send.sh  # the same without the attachment
#   DISTINCT_ATTACHMENTS=1 bench/campaign_send.sh  # a different attachment in every message (invoices)
set -euo pipefail
cd "$(dirname "$0")/.."
REPS=${REPS:-3}
DURATION=${DURATION:-30}
CONNECTIONS=${CONNECTIONS:-32}
PORT=${PORT:-8098}
. bench/campaign_herald.sh

results=()
for rep in $(seq 1 "$REPS"); do
  data="$work/data-$rep"
  start_campaign_herald "$data" "$PORT"

  out=$(send_triggers "$CONNECTIONS" "${DURATION%s}")
  cpu=$(awk '{print $14 + $15}' /proc/$pid/stat)  # utime + stime, clock ticks
  kill -TERM $pid; wait $pid || true
  stored=$(sqlite3 "$data/herald.db" "select count(*) from messages")
  profiles=$(sqlite3 "$data/herald.db" "select count(*) from profiles")
  parts=$(sqlite3 "$data/herald.db" "select count(*) from body_parts")  # attachments kept (once each)
  seconds=$(printf '%s' "$out" | sed -n 's/^seconds //p')
  p50=$(printf '%s' "$out" | sed -n 's/^p50_ms //p')
  p99=$(printf '%s' "$out" | sed -n 's/^p99_ms //p')
  not202=$(printf '%s' "$out" | sed -n 's/^not_202 //p')
  # What a message's body takes in the database: compressed, without the attachment kept once.
  size=$(sqlite3 "$data/herald.db" "select avg(length(raw)) from message_bodies" | awk '{printf "%.0f", $1}')
  stored_kb=$(du -k "$data/herald.db" | awk '{print $1}')
  stored_per_s=$(awk -v n="$stored" -v s="$seconds" 'BEGIN {printf "%.0f", n / s}')
  cpu_us=$(awk -v t="$cpu" -v n="$stored" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.1f", t / hz * 1e6 / n}')
  echo "run $rep: stored $stored ($stored_per_s/s), profiles $profiles, attachments kept $parts, body kept $size B, database ${stored_kb} KiB, not-202 $not202, p50 ${p50} ms, p99 ${p99} ms, herald CPU ${cpu_us} us/msg"
  results+=("$stored_per_s $p99 $p50 $cpu_us")
  rm -rf "$data"
done

printf '%s\n' "${results[@]}" | awk '
  { s[NR]=$1; p99[NR]=$2; p50[NR]=$3; cpu[NR]=$4 }
  function median(a, n,   i, j, t) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
                                     return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
  END { printf "median of %d: stored %.0f msg/s, p50 %.2f ms, p99 %.2f ms, herald CPU %.1f us/msg\n", NR, median(s, NR), median(p50, NR), median(p99, NR), median(cpu, NR) }'

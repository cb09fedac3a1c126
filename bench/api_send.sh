#!/usr/bin/env bash
# Benchmark: POST /v1/messages with capture delivery (DESIGN §5: each 202 is fsynced first).
# Starts Herald on a fresh data directory, drives it with wrk (keep-alive), then counts the messages
# the database really holds. Prints one summary line per run; REPS runs, then the medians.
#   bench/api_send.sh                  # 3 runs of 30 s, 2 wrk threads, 64 connections
#   REPS=1 DURATION=10s bench/api_send.sh
set -euo pipefail
cd "$(dirname "$0")/.."
REPS=${REPS:-3}
DURATION=${DURATION:-30s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-64}
PORT=${PORT:-8099}
herald=${HERALD_BIN:-build/herald}

results=()
for rep in $(seq 1 "$REPS"); do
  data=$(mktemp -d)
  key=$("$herald" init --data-dir "$data" --json | sed -n 's/.*"api_key":"\([^"]*\)".*/\1/p')
  "$herald" serve --data-dir "$data" --set http.listen=127.0.0.1:$PORT --set log.level=warn \
    --set domains.allow_unverified=true 2>"$data/stderr" &
  pid=$!
  for _ in $(seq 1 100); do curl -fsS http://127.0.0.1:$PORT/healthz >/dev/null 2>&1 && break; sleep 0.1; done

  out=$(HERALD_API_KEY=$key wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s bench/post_message.lua \
        http://127.0.0.1:$PORT/v1/messages)
  cpu=$(awk '{print $14 + $15}' /proc/$pid/stat)  # utime + stime, clock ticks
  kill -TERM $pid; wait $pid || true
  stored=$(sqlite3 "$data/herald.db" "select count(*) from messages")
  delivered=$(sqlite3 "$data/herald.db" "select count(*) from messages where status = 'delivered'")
  seconds=$(printf '%s' "$out" | sed -n 's/.*requests in \([0-9.]*\)\(m*s\),.*/\1 \2/p' | awk '{print ($2=="ms") ? $1/1000 : $1}')
  rps=$(printf '%s' "$out" | sed -n 's/^Requests\/sec: *\([0-9.]*\)/\1/p')
  p50=$(printf '%s' "$out" | sed -n 's/^p50_ms //p')
  p99=$(printf '%s' "$out" | sed -n 's/^p99_ms //p')
  not202=$(printf '%s' "$out" | sed -n 's/^not_202 //p')
  stored_per_s=$(awk -v n="$stored" -v s="$seconds" 'BEGIN {printf "%.0f", n / s}')
  cpu_us=$(awk -v t="$cpu" -v n="$stored" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.1f", t / hz * 1e6 / n}')
  echo "run $rep: requests/s $rps, stored $stored ($stored_per_s/s), delivered $delivered, not-202 $not202, p50 ${p50} ms, p99 ${p99} ms, herald CPU ${cpu_us} us/msg"
  results+=("$stored_per_s $p99 $p50 $cpu_us")
  rm -rf "$data"
done

printf '%s\n' "${results[@]}" | awk '
  { s[NR]=$1; p99[NR]=$2; p50[NR]=$3; cpu[NR]=$4 }
  function median(a, n,   i, j, t) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
                                     return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
  END { printf "median of %d: stored %.0f msg/s, p50 %.2f ms, p99 %.2f ms, herald CPU %.1f us/msg\n", NR, median(s, NR), median(p50, NR), median(p99, NR), median(cpu, NR) }'

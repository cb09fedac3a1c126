#!/usr/bin/env bash
# Benchmark: a CSV import of ROWS profiles through `herald profiles import` (issue 6, acceptance 4).
# Each of REPS rounds starts Herald on a fresh data directory, makes a custom profile table (6 typed
# attributes, one of them unique), imports a CSV file of ROWS rows with the CLI while the daemon's RSS
# is sampled every 0.2 s (`create`: every row a new profile), then imports it again (`update`: every
# row changes its profile), and counts the profiles the database holds. The CLI runs under
# /usr/bin/time -v for its peak RSS; its stderr is a pipe, so it prints plain progress lines (run the
# printed command by hand on a terminal to see the bar). Prints each run and the medians, with the
# daemon's CPU time a row (from /proc/PID/stat) and the CLI's (user + system), which machine load
# changes less than the wall-clock rate.
#   bench/profile_import.sh                     # 100,000 rows, 3 rounds
#   ROWS=1000000 REPS=1 bench/profile_import.sh
#   PART_BYTES=262144 bench/profile_import.sh   # the CLI's --part-bytes
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${ROWS:-100000}
REPS=${REPS:-3}
PORT=${PORT:-8098}
PART_BYTES=${PART_BYTES:-}
herald=$(realpath "${HERALD_BIN:-build/herald}")

work=$(mktemp -d)
pid=
stop_daemon() {
  if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  pid=
}
trap 'stop_daemon; rm -rf "$work"' EXIT

csv="$work/customers.csv"
awk -v n="$ROWS" 'BEGIN {
  print "customerId,email,tier,loyalty,birthday,firstName"
  for (i = 0; i < n; i++)
    printf "C%07d,customer%d@example.com,%s,%d,1990-%02d-%02d,\"Person %d, of the %s\"\n", i, i,
           (i % 3 ? "silver" : "gold"), i % 5000, 1 + i % 12, 1 + i % 28, i, (i % 2 ? "north" : "south")
}' >"$csv"
bytes=$(stat -c %s "$csv")
echo "file: $ROWS rows, $(awk -v b="$bytes" 'BEGIN {printf "%.1f MB", b / 1e6}'); $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$pid/status"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }  # the daemon's user + system time
tick=$(getconf CLK_TCK)
results="$work/results"
: >"$results"

# One import of the file into the running daemon. Prints the run's figures and appends to $results
# "kind rows/s daemon_rss_before daemon_rss_peak cli_peak_rss daemon_cpu_us_per_row cli_cpu_us_per_row".
import() {  # $1: the run's name, kind-round
  local samples="$work/rss-$1" timed="$work/time-$1" started ended sampler before cpu_before cpu_after
  ( while kill -0 "$pid" 2>/dev/null; do echo "$(date +%s.%N) $(rss_kib)"; sleep 0.2; done ) >"$samples" &
  sampler=$!
  before=$(rss_kib)
  cpu_before=$(cpu_ticks)
  started=$(date +%s.%N)
  HERALD_API_KEY=$key /usr/bin/time -v -o "$timed" "$herald" profiles import --table customers \
    --url "http://127.0.0.1:$PORT" ${PART_BYTES:+--part-bytes "$PART_BYTES"} "$csv" 2>"$work/progress-$1" || true
  ended=$(date +%s.%N)
  cpu_after=$(cpu_ticks)
  kill "$sampler"; wait "$sampler" 2>/dev/null || true
  sed 's/^/  /' "$work/progress-$1"
  awk -v s="$started" -v e="$ended" -v n="$ROWS" -v run="$1" -v before="$before" -v tick="$tick" \
      -v cpu="$((cpu_after - cpu_before))" \
      -v cli="$(awk '/Maximum resident set size/ {print $NF}' "$timed")" \
      -v cli_cpu="$(awk '/User time|System time/ {t += $NF} END {print t}' "$timed")" \
      -v results="$results" '
    $1 >= s && $1 <= e + 0.2 { if ($2 > max) max = $2 }
    END {
      daemon_us = cpu / tick * 1e6 / n; cli_us = cli_cpu * 1e6 / n
      printf "%s: %d rows in %.2f s wall, %.0f rows/s; daemon RSS %.0f MiB before, peak %.0f MiB, CPU %.0f us a row;" \
             " CLI peak RSS %.1f MiB, CPU %.1f us a row\n", run, n, e - s, n / (e - s), before / 1024, max / 1024,
             daemon_us, cli / 1024, cli_us
      kind = run; sub(/-.*/, "", kind)
      printf "%s %.0f %.1f %.1f %.1f %.0f %.1f\n", kind, n / (e - s), before / 1024, max / 1024, cli / 1024, daemon_us,
             cli_us >>results
    }' "$samples"
}

for rep in $(seq 1 "$REPS"); do
  data="$work/data-$rep"
  mkdir "$data"
  key=$("$herald" init --data-dir "$data" --json | sed -n 's/.*"api_key": *"\([^"]*\)".*/\1/p')
  "$herald" serve --data-dir "$data" --set http.listen=127.0.0.1:$PORT --set log.level=warn 2>"$data/stderr" &
  pid=$!
  for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
  curl -fsS -o /dev/null -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
    "http://127.0.0.1:$PORT/v1/profile-tables" -d '{"name": "customers", "kind": "custom", "key": "customerId",
    "attributes": [{"name": "customerId", "type": "string"}, {"name": "email", "type": "email", "unique": true},
                   {"name": "tier", "type": "enum", "values": ["gold", "silver"]}, {"name": "loyalty", "type": "integer"},
                   {"name": "birthday", "type": "date"}, {"name": "firstName", "type": "string"}]}'
  echo "== round $rep"
  import "create-$rep"
  import "update-$rep"
  echo "  profiles stored: $(sqlite3 "$data/herald.db" "select count(*) from profiles")"
  stop_daemon
  rm -rf "$data"
done

median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2)}'; }
column() { awk -v k="$1" -v c="$2" '$1 == k {print $c}' "$results" | median; }
for kind in create update; do
  echo "median of $REPS, $kind: $(column $kind 2) rows/s; daemon RSS $(column $kind 3) MiB before, peak" \
       "$(column $kind 4) MiB, CPU $(column $kind 6) us a row; CLI peak RSS $(column $kind 5) MiB, CPU" \
       "$(column $kind 7) us a row"
done

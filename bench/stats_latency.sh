#!/usr/bin/env bash
# Benchmark: GET /v1/stats with 10,000,000 events stored (issue 7, acceptance 5).
#
# Makes a fresh data directory (`herald init`), then, with no daemon running, fills its SQLite
# database with sqlite3: MESSAGES messages (default 2,500,000) of one account over the 90 days that end
# yesterday (UTC), spread over 50 campaigns and 5 sending domains, and 4 events a message on average
# (EVENTS = 4 × MESSAGES: queued, sent, delivered or deferred or a hard or soft bounce, opens, clicks,
# complaints; see the template below), with the details Herald writes. The statistics counters
# (stats_daily) are then filled from those events by the very statement of schema migration 7, read
# out of src/storage/sqlite/migrations.cc — the counters Herald would hold had each event gone through
# its own commit. Secondary indexes are dropped during the load and rebuilt after it (sorted builds).
#
# Then it starts `herald serve`, checks the answers (each counter of /v1/stats over the whole period
# and over the default 30 days, against the events counted by type with sqlite3; 91 days, 50
# campaigns and 5 domains as groups, whose sums are the totals), and measures five query shapes with
# wrk: each with 1 connection (latency: p50, p99, requests/s) and with 8 (requests/s), DURATION
# seconds each. Prints the generation time and the database's size on disk.
#
#   scripts/build.sh && bench/stats_latency.sh      # 10,000,000 events: 2.5 minutes of generation on
#                                                   # 2 cores at load 1-2, then 2 minutes of checks and wrk
#   MESSAGES=250000 DURATION=3 bench/stats_latency.sh   # 1,000,000 events: a quick look
#   KEEP=/var/tmp/stats-bench bench/stats_latency.sh    # keep the data directory (reused if it exists)
# Needs sqlite3, wrk, curl, jq and 3.5 GB of free disk in $TMPDIR (or KEEP's directory).
set -euo pipefail
cd "$(dirname "$0")/.."
MESSAGES=${MESSAGES:-2500000}
DURATION=${DURATION:-10}
PORT=${PORT:-8097}
KEEP=${KEEP:-}
herald=$(realpath "${HERALD_BIN:-build/herald}")
source_dir=$(pwd)

work=$(mktemp -d)
data=${KEEP:-$work/data}
pid=
stop_daemon() {
  if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  pid=
}
trap 'stop_daemon; rm -rf "$work"' EXIT

echo "$(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg); $MESSAGES messages, $((MESSAGES * 4)) events"
db=$data/herald.db
day_ms=86400000

if [ -f "$data/key" ]; then
  key=$(cat "$data/key")
  today=$(cat "$data/today")
  first_day=$((today - 90))
  echo "reusing $data (made on $(date -u -d "@$((today * 86400))" +%F))"
else
  today=$(( $(date -u +%s) / 86400 ))
  first_day=$((today - 90))  # the 90 days first_day .. today - 1; late events may fall on today
  mkdir -p "$data"
  echo "$today" >"$data/today"
  key=$("$herald" init --data-dir "$data" --json 2>"$work/init.log" | sed -n 's/.*"api_key": *"\([^"]*\)".*/\1/p')
  echo "$key" >"$data/key"
  account=$(sqlite3 "$db" "SELECT id FROM accounts LIMIT 1")
  # Migration 7's filling of the counters from stored events, as Herald runs it.
  fill_counters=$(sed -n '/^INSERT INTO stats_daily/,/^GROUP BY 1, 2, 3, 4;/p' "$source_dir/src/storage/sqlite/migrations.cc")
  [ -n "$fill_counters" ] || { echo "migration 7's INSERT INTO stats_daily not found" >&2; exit 1; }
  # The secondary indexes of messages and events, dropped for the load and created again after it.
  indexes=$(sqlite3 "$db" "SELECT sql || ';' FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL
                           AND tbl_name IN ('messages', 'events')")
  drops=$(sqlite3 "$db" "SELECT 'DROP INDEX ' || name || ';' FROM sqlite_schema WHERE type = 'index'
                         AND sql IS NOT NULL AND tbl_name IN ('messages', 'events')")
  started=$(date +%s.%N)
  # Message m: created at first_day + 90 days × m / MESSAGES (ids sort as they were created, like
  # Herald's); campaign m % 50, sending domain (m / 50) % 5, so that every pair occurs. Its events
  # follow the template of kind m % 10 (40 events for 10 messages: 4 on average); kind 8 is a hard
  # bounce when m % 100 = 8 and a soft one when m % 100 = 18 (delivered otherwise), kind 9's last
  # event a complaint when m % 100 = 9 (an open otherwise).
  sqlite3 -bail "$db" >/dev/null <<SQL
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
PRAGMA cache_size = -1000000;
PRAGMA temp_store = MEMORY;
BEGIN;
$drops
CREATE TEMP TABLE template (kind INTEGER, seq INTEGER, type TEXT, offset_ms INTEGER, details TEXT,
                            PRIMARY KEY (kind, seq)) WITHOUT ROWID;
INSERT INTO template VALUES
  (0, 0, 'queued', 0, '{"source":"api"}'), (0, 1, 'sent', 800, '{}'), (0, 2, 'delivered', 1500, 'D'),
  (0, 3, 'opened', 600000, 'O'), (0, 4, 'clicked', 660000, 'C'), (0, 5, 'opened', 86000000, 'O'),
  (1, 0, 'queued', 0, '{"source":"api"}'), (1, 1, 'sent', 800, '{}'), (1, 2, 'delivered', 1500, 'D'),
  (1, 3, 'opened', 3600000, 'O'),
  (2, 0, 'queued', 0, '{"source":"smtp"}'), (2, 1, 'sent', 800, '{}'), (2, 2, 'delivered', 1500, 'D'),
  (2, 3, 'opened', 1200000, 'O'), (2, 4, 'clicked', 1300000, 'C'),
  (3, 0, 'queued', 0, '{"source":"api"}'), (3, 1, 'sent', 800, '{}'), (3, 2, 'delivered', 1500, 'D'),
  (4, 0, 'queued', 0, '{"source":"api"}'), (4, 1, 'sent', 800, '{}'), (4, 2, 'delivered', 1500, 'D'),
  (5, 0, 'queued', 0, '{"source":"api"}'), (5, 1, 'sent', 800, '{}'), (5, 2, 'delivered', 1500, 'D'),
  (5, 3, 'opened', 7200000, 'O'),
  (6, 0, 'queued', 0, '{"source":"api"}'), (6, 1, 'sent', 800, '{}'), (6, 2, 'deferred', 1500, 'F'),
  (6, 3, 'delivered', 301500, 'D'),
  (7, 0, 'queued', 0, '{"source":"smtp"}'), (7, 1, 'sent', 800, '{}'), (7, 2, 'delivered', 1500, 'D'),
  (7, 3, 'opened', 40000000, 'O'),
  (8, 0, 'queued', 0, '{"source":"api"}'), (8, 1, 'sent', 800, '{}'), (8, 2, 'delivered', 1500, 'B'),
  (9, 0, 'queued', 0, '{"source":"api"}'), (9, 1, 'sent', 800, '{}'), (9, 2, 'delivered', 1500, 'D'),
  (9, 3, 'opened', 500000, 'X');
CREATE TEMP TABLE detail (code TEXT PRIMARY KEY, json TEXT);
INSERT INTO detail VALUES
  ('D', '{"attempt":1,"remote":{"host":"mx1.example.net:25","code":250,"text":"Ok: queued as 4XkRt1","enhanced_code":"2.0.0"}}'),
  ('F', '{"attempt":1,"remote":{"host":"mx1.example.net:25","code":451,"text":"Greylisted, try again later","enhanced_code":"4.7.1"},"next_attempt_at":"2026-01-01T00:05:00.000Z"}'),
  ('H', '{"attempt":1,"remote":{"host":"mx1.example.net:25","code":550,"text":"<x@example.net>: Recipient address rejected: User unknown","enhanced_code":"5.1.1"},"bounce":{"type":"hard","reason":"user_unknown"}}'),
  ('S', '{"attempt":1,"remote":{"host":"mx1.example.net:25","code":552,"text":"Mailbox full","enhanced_code":"5.2.2"},"bounce":{"type":"soft","reason":"mailbox_full"}}'),
  ('O', '{"user_agent":"Mozilla/5.0 (Windows NT 10.0; Win64; x64)","ip":"203.0.113.0"}'),
  ('C', '{"url":"https://shop0.example/orders?id=1001","user_agent":"Mozilla/5.0 (Windows NT 10.0; Win64; x64)","ip":"203.0.113.0"}'),
  ('A', '{"complaint":{"feedback_type":"abuse"},"report":{"recipient":"x@example.net"}}');

CREATE TEMP TABLE n (m INTEGER PRIMARY KEY, id TEXT, created_at INTEGER, bounce TEXT);
WITH RECURSIVE seq(m) AS (SELECT 0 UNION ALL SELECT m + 1 FROM seq WHERE m + 1 < $MESSAGES)
INSERT INTO n SELECT m, printf('msg_%026d', m), $first_day * $day_ms + m * (90 * $day_ms / $MESSAGES),
                     CASE WHEN m % 100 = 8 THEN 'H' WHEN m % 100 = 18 THEN 'S' ELSE '' END FROM seq;

INSERT INTO messages (id, account_id, status, campaign, mail_from, rcpt_to, from_header, to_header, subject, tags,
                      metadata, idempotency_key, created_at, updated_at, attempts, next_attempt_at, smtputf8,
                      campaign_version, sender_domain)
SELECT id, '$account', CASE bounce WHEN '' THEN 'delivered' ELSE 'bounced' END, printf('campaign-%02d', m % 50),
       printf('bounces+%s@bounces.shop%d.example', substr(id, 5), (m / 50) % 5),
       printf('customer%d@example%d.net', m % 1000003, m % 97),
       printf('Shop %d <orders@shop%d.example>', (m / 50) % 5, (m / 50) % 5), printf('customer%d@example%d.net', m % 1000003, m % 97),
       printf('Your order %d is confirmed', m), '["order-confirmation"]', printf('{"order_id":"%d"}', m), '',
       created_at, created_at + 1500, CASE m % 10 WHEN 6 THEN 2 ELSE 1 END, NULL, 0, 1 + m % 3,
       printf('shop%d.example', (m / 50) % 5)
FROM n ORDER BY m;

INSERT INTO events (message_id, account_id, type, at, details)
SELECT n.id, '$account',
       CASE WHEN t.details = 'B' AND n.bounce <> '' THEN 'bounced'
            WHEN t.details = 'X' AND n.m % 100 = 9 THEN 'complained' ELSE t.type END,
       n.created_at + t.offset_ms,
       coalesce((SELECT json FROM detail WHERE code = CASE WHEN t.details = 'B' THEN coalesce(nullif(n.bounce, ''), 'D')
                                                           WHEN t.details = 'X' THEN CASE WHEN n.m % 100 = 9 THEN 'A' ELSE 'O' END
                                                           ELSE t.details END), t.details)
FROM n CROSS JOIN template t ON t.kind = n.m % 10
ORDER BY n.m, t.seq;
COMMIT;
SQL
  loaded=$(date +%s.%N)
  sqlite3 -bail "$db" >/dev/null <<SQL
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
PRAGMA cache_size = -1000000;
PRAGMA temp_store = MEMORY;
BEGIN;
$indexes
$fill_counters
COMMIT;
PRAGMA journal_mode = WAL;
ANALYZE;
SQL
  finished=$(date +%s.%N)
  awk -v s="$started" -v l="$loaded" -v f="$finished" 'BEGIN {
    printf "generated in %.0f s: rows %.0f s, indexes and counters %.0f s\n", f - s, l - s, f - l }'
fi
echo "database: $(du -m "$db" | cut -f1) MiB on disk ($(sqlite3 "$db" "SELECT count(*) FROM stats_daily") counter rows)"

"$herald" serve --data-dir "$data" --set "http.listen=127.0.0.1:$PORT" --set log.level=warn 2>"$work/stderr" &
pid=$!
for _ in $(seq 1 300); do curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
url=http://127.0.0.1:$PORT
get() { curl -fsS -H "Authorization: Bearer $key" "$url$1"; }

# The answers first: each counter against the events counted by type (the period's days, in ms).
day() { date -u -d "@$(($1 * 86400))" +%F; }
from=$(day "$first_day")
to=$(day "$today")
expected() {  # $1: the first day counted (the last is today)
  sqlite3 -separator ' ' "$db" "SELECT sum(type = 'sent'), sum(type = 'delivered'), sum(type = 'deferred'),
      sum(type = 'bounced' AND details LIKE '%\"type\":\"soft\"%'), sum(type = 'bounced' AND details LIKE '%\"type\":\"hard\"%'),
      sum(type = 'opened'), count(DISTINCT CASE WHEN type = 'opened' THEN message_id END),
      sum(type = 'clicked'), count(DISTINCT CASE WHEN type = 'clicked' THEN message_id END),
      sum(type = 'complained'), sum(type = 'suppressed')
    FROM events WHERE at >= $1 * $day_ms"
}
counters='[.sent, .delivered, .deferred, .soft_bounced, .hard_bounced, .opened, .unique_opened, .clicked, .unique_clicked, .complained, .suppressed] | map(tostring) | join(" ")'
check() {  # $1: what, $2: expected, $3: got
  if [ "$2" = "$3" ]; then echo "  ok   $1: $3"; else echo "  FAIL $1: expected $2, got $3"; failed=1; fi
}
failed=0
echo "checking the answers (sent delivered deferred soft hard opened unique_opened clicked unique_clicked complained suppressed):"
check "totals $from..$to" "$(expected "$first_day")" "$(get "/v1/stats?from=$from&to=$to" | jq -r ".totals | $counters")"
# Unique opens and clicks count a message on the day of its first open or click, which at a period's
# start is not "messages with an open in the period": the default 30 days are checked on the others.
check "totals, default 30 days" "$(expected $(( $(date -u +%s) / 86400 - 29 )) | cut -d' ' -f1-6,8,10,11)" \
      "$(get "/v1/stats" | jq -r ".totals | $counters" | cut -d' ' -f1-6,8,10,11)"
check "group_by=day: days" "$(sqlite3 "$db" "SELECT count(DISTINCT at / $day_ms) FROM events")" \
      "$(get "/v1/stats?from=$from&to=$to&group_by=day" | jq '.groups | length')"
for group in day campaign domain; do
  check "group_by=$group: sums = totals" "$(get "/v1/stats?from=$from&to=$to" | jq -r ".totals | $counters")" \
        "$(get "/v1/stats?from=$from&to=$to&group_by=$group" | jq -r "[.groups[] | $counters | split(\" \") | map(tonumber)]
          | transpose | map(add | tostring) | join(\" \")")"
done
check "group_by=campaign: groups" 50 "$(get "/v1/stats?from=$from&to=$to&group_by=campaign" | jq '.groups | length')"
check "group_by=domain: groups" 5 "$(get "/v1/stats?from=$from&to=$to&group_by=domain" | jq '.groups | length')"
check "campaign-07: sent" "$(sqlite3 "$db" "SELECT count(*) FROM events e JOIN messages m ON m.id = e.message_id
                                             WHERE m.campaign = 'campaign-07' AND e.type = 'sent'")" \
      "$(get "/v1/stats?from=$from&to=$to&campaign=campaign-07" | jq '.totals.sent')"
[ "$failed" = 0 ] || { echo "wrong answers: not measuring" >&2; exit 1; }

cat >"$work/stats.lua" <<'LUA'
-- GET with the key; counts answers other than 200, prints latency percentiles.
wrk.headers["Authorization"] = "Bearer " .. os.getenv("HERALD_API_KEY")
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) not_ok = 0 end
function response(status, headers, body) if status ~= 200 then not_ok = not_ok + 1 end end
function done(summary, latency, requests)
  local failed = 0
  for _, thread in ipairs(threads) do failed = failed + thread:get("not_ok") end
  io.write(string.format("not_200 %d\np50_ms %.3f\np99_ms %.3f\nrps %.0f\n", failed, latency:percentile(50) / 1000,
                         latency:percentile(99) / 1000, summary.requests / (summary.duration / 1e6)))
end
LUA
shapes=(
  "totals-30-days|/v1/stats"
  "day-90-days|/v1/stats?from=$from&to=$to&group_by=day"
  "campaign-90-days|/v1/stats?from=$from&to=$to&group_by=campaign"
  "domain-90-days|/v1/stats?from=$from&to=$to&group_by=domain"
  "one-campaign-by-day|/v1/stats?from=$from&to=$to&campaign=campaign-07&group_by=day"
)
printf '%-22s %8s %8s %9s %12s %6s\n' shape p50_ms p99_ms rps_c1 rps_c8 bytes
for shape in "${shapes[@]}"; do
  name=${shape%%|*} path=${shape#*|}
  bytes=$(get "$path" | wc -c)
  one=$(HERALD_API_KEY=$key wrk -t1 -c1 -d"${DURATION}s" -s "$work/stats.lua" "$url$path")
  eight=$(HERALD_API_KEY=$key wrk -t2 -c8 -d"${DURATION}s" -s "$work/stats.lua" "$url$path")
  bad=$(( $(echo "$one" | awk '/^not_200/ {print $2}') + $(echo "$eight" | awk '/^not_200/ {print $2}') ))
  [ "$bad" = 0 ] || echo "  $name: $bad answers were not 200" >&2
  printf '%-22s %8s %8s %9s %12s %6s\n' "$name" "$(echo "$one" | awk '/^p50_ms/ {print $2}')" \
    "$(echo "$one" | awk '/^p99_ms/ {print $2}')" "$(echo "$one" | awk '/^rps/ {print $2}')" \
    "$(echo "$eight" | awk '/^rps/ {print $2}')" "$bytes"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

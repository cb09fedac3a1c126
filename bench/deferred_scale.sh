#!/usr/bin/env bash
# Benchmark: Herald holding N (1,000,000) deferred messages — its memory, the scheduler's time per tick,
# and whether the API stays responsive meanwhile (issue 4, acceptance 4).
#
# The recipient domain's DNS fails: NSD (tests/peers/authoritative_dns.py) serves only the zone scale.test
# and answers REFUSED for deferred.example, so MX delivery defers every message (4.4.3) after its
# first attempt, until delivery.retry_initial (6 h) — nothing leaves the machine, and every message takes
# the real path: POST /v1/messages → stored → scheduled → routed → attempted → deferred → scheduled again.
#
#   1. Fresh data directory; herald serve in mx mode; its RSS with an empty queue.
#   2. Before the load: wrk POST /v1/messages and GET /v1/messages/{id} (REPS runs of DURATION each):
#      p50/p99 with an empty queue, for comparison.
#   3. The load: wrk POSTs until N messages are accepted; wait until every one is deferred and back in
#      the scheduled queue (GET /v1/queue: deferred = held).
#   4. Held: RSS; the same wrk runs (REPS each); during each, GET /v1/queue before and after gives the
#      scheduler's ticks and their mean time, and its last and largest tick.
#   5. Restart on the same data directory: the time to read N messages back into the queue, the RSS
#      then (no request has run yet: the queue's own cost), and one more GET run.
# Prints one line per measurement and a summary of medians; raw wrk output goes to $RESULTS_DIR.
#
#   bench/deferred_scale.sh                      # N=1000000, REPS=3, DURATION=30s (about 15 minutes)
#   N=100000 REPS=1 DURATION=10s bench/deferred_scale.sh
# Knobs: N REPS DURATION THREADS CONNECTIONS PORT RESULTS_DIR HERALD_BIN.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-1000000}
REPS=${REPS:-3}
DURATION=${DURATION:-30s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-64}
PORT=${PORT:-8097}
RESULTS_DIR=${RESULTS_DIR:-/tmp/herald-bench-results}
herald=${HERALD_BIN:-build/herald}
PY=/usr/bin/python3

for c in wrk curl /usr/sbin/nsd "$PY"; do
  command -v "$c" >/dev/null || { echo "missing $c (Debian: wrk, curl, nsd)" >&2; exit 1; }
done
mkdir -p "$RESULTS_DIR"
work=$(mktemp -d /tmp/herald-deferred-scale-XXXXXX)
raw="$RESULTS_DIR/deferred-scale-$(date +%Y%m%d-%H%M%S).txt"
log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" | tee -a "$raw" >&2; }

dns_pid="" herald_pid=""
cleanup() {
  [ -n "$herald_pid" ] && kill -TERM "$herald_pid" 2>/dev/null && wait "$herald_pid" 2>/dev/null || true
  [ -n "$dns_pid" ] && kill -TERM "$dns_pid" 2>/dev/null && wait "$dns_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# ---- the wrk scripts
cat >"$work/post.lua" <<'EOF'
-- POST /v1/messages to the domain whose DNS fails; counts answers that are not 202. With QUOTA set, each
-- thread stops after QUOTA answers (the load phase); otherwise wrk's duration ends the run.
local key, quota = os.getenv("HERALD_API_KEY"), tonumber(os.getenv("QUOTA") or "0")
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. key
wrk.body = [[{"from": "Shop <orders@shop.example>", "to": {"email": "jane.doe@deferred.example", "name": "Jane Doe"},
  "subject": "Your order 1001 is confirmed",
  "html": "<html><body><h1>Thank you for your order</h1><p>Order 1001: 2 items, 59.90 EUR.</p></body></html>",
  "text": "Thank you for your order.\nOrder 1001: 2 items, 59.90 EUR.",
  "tags": ["order-confirmation"], "metadata": {"order_id": "1001"}}]]
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) answers, failed = 0, 0 end
function response(status, headers, body)
  answers = answers + 1
  if status ~= 202 then failed = failed + 1 end
  if quota > 0 and answers >= quota then wrk.thread:stop() end
end
function done(summary, latency, requests)
  local failed_all = 0
  for _, t in ipairs(threads) do failed_all = failed_all + t:get("failed") end
  io.write(string.format("failed %d\np50_ms %.2f\np99_ms %.2f\n", failed_all,
                         latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
EOF
cat >"$work/get.lua" <<'EOF'
-- GET one message (the URL names it); counts answers that are not 200.
wrk.headers["Authorization"] = "Bearer " .. os.getenv("HERALD_API_KEY")
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) failed = 0 end
function response(status, headers, body) if status ~= 200 then failed = failed + 1 end end
function done(summary, latency, requests)
  local failed_all = 0
  for _, t in ipairs(threads) do failed_all = failed_all + t:get("failed") end
  io.write(string.format("failed %d\np50_ms %.2f\np99_ms %.2f\n", failed_all,
                         latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
EOF

# ---- DNS: a zone that does not hold deferred.example, so NSD refuses to answer for it
printf '@ IN SOA ns.scale.test. hostmaster.scale.test. 1 3600 600 86400 300\n@ IN NS ns.scale.test.\nns IN A 127.0.0.1\n' \
  >"$work/zone"
"$PY" tests/peers/authoritative_dns.py scale.test "$work/zone" >"$work/dns.out" 2>&1 &
dns_pid=$!
for _ in $(seq 1 100); do grep -q "^serving" "$work/dns.out" && break; sleep 0.1; done
nameserver=$(sed -n 's/^serving scale.test on \([0-9.:]*\);.*/\1/p' "$work/dns.out")
[ -n "$nameserver" ] || { cat "$work/dns.out" >&2; exit 1; }

data="$work/data"
key=$("$herald" init --data-dir "$data" --json 2>/dev/null | sed -n 's/.*"api_key":"\([^"]*\)".*/\1/p')
export HERALD_API_KEY=$key
api="http://127.0.0.1:$PORT"

start_herald() {
  local started=$(date +%s.%N)
  "$herald" serve --data-dir "$data" --set http.listen=127.0.0.1:$PORT --set log.level=warn \
    --set smtp.submission.listen= --set smtp.submissions.listen= \
    --set delivery.mode=mx --set dns.nameservers="$nameserver" --set delivery.smtp_port=25 \
    --set delivery.retry_initial=6h --set delivery.retry_max=12h \
    --set delivery.concurrency=256 --set delivery.site_concurrency=256 \
    --set domains.allow_unverified=true 2>>"$work/herald.log" &
  herald_pid=$!
  for _ in $(seq 1 6000); do curl -fsS "$api/healthz" >/dev/null 2>&1 && break; sleep 0.05; done
  curl -fsS "$api/healthz" >/dev/null || { tail "$work/herald.log" >&2; exit 1; }
  startup_s=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')
}
rss_mib() { awk '/^VmRSS/ {printf "%.0f", $2 / 1024}' /proc/$herald_pid/status; }
queue() { curl -fsS "$api/v1/queue?limit=5" -H "Authorization: Bearer $key"; }
field() { "$PY" -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

# Runs wrk ($1: post|get, $2: URL) for DURATION; prints "p50 p99 requests/s failed mean_tick_us max_tick_us
# ticks" and keeps the raw output.
measure() {
  local kind=$1 url=$2 before after out
  before=$(queue)
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$work/$kind.lua" "$url")
  after=$(queue)
  printf '%s\n' "$out" >>"$raw"
  local p50 p99 rps failed ticks tick_us
  p50=$(printf '%s' "$out" | sed -n 's/^p50_ms //p')
  p99=$(printf '%s' "$out" | sed -n 's/^p99_ms //p')
  rps=$(printf '%s' "$out" | sed -n 's/^Requests\/sec: *\([0-9.]*\)/\1/p')
  failed=$(printf '%s' "$out" | sed -n 's/^failed //p')
  ticks=$(( $(echo "$after" | field 'd["scheduler"]["ticks"]') - $(echo "$before" | field 'd["scheduler"]["ticks"]') ))
  tick_us=$(( $(echo "$after" | field 'd["scheduler"]["total_tick_us"]') - $(echo "$before" | field 'd["scheduler"]["total_tick_us"]') ))
  echo "$p50 $p99 $rps $failed $(awk -v t="$tick_us" -v n="$ticks" 'BEGIN {printf "%.1f", n ? t / n : 0}') $(echo "$after" | field 'd["scheduler"]["max_tick_us"]') $ticks"
}
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

# Sets results_<label>_{post,get} from REPS runs each.
run_api() {
  local label=$1 post=() get=() line
  for rep in $(seq 1 "$REPS"); do
    line=$(measure post "$api/v1/messages"); post+=("$line"); log "$label POST run $rep: p50 p99 req/s failed mean_tick_us max_tick_us ticks = $line"
    line=$(measure get "$api/v1/messages/$probe"); get+=("$line"); log "$label GET run $rep: p50 p99 req/s failed mean_tick_us max_tick_us ticks = $line"
  done
  for kind in post get; do
    local -n runs=$kind
    local summary=""
    for col in 1 2 3 4 5; do summary+="$(printf '%s\n' "${runs[@]}" | awk -v c=$col '{print $c}' | median) "; done
    log "$label $kind medians (p50 ms, p99 ms, req/s, failed, mean tick us): $summary"
  done
}

wait_all_deferred() {
  local want=$1 snapshot held deferred
  for _ in $(seq 1 7200); do
    snapshot=$(queue)
    held=$(echo "$snapshot" | field 'd["scheduler"]["held"]')
    deferred=$(echo "$snapshot" | field 'd["total"]["deferred"]')
    [ "$deferred" -ge "$want" ] && [ "$deferred" = "$held" ] && { echo "$snapshot"; return 0; }
    sleep 1
  done
  echo "not all deferred: $snapshot" >&2; return 1
}

log "machine: $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), load average $(cut -d' ' -f1-3 /proc/loadavg)"
start_herald
rss_empty=$(rss_mib)
log "empty: RSS $rss_empty MiB"
probe=$(curl -fsS "$api/v1/messages" -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
  -d '{"from": "orders@shop.example", "to": "probe@deferred.example", "subject": "probe", "text": "probe"}' |
  field 'd["id"]')
run_api "empty queue:"

already=$(queue | field 'd["scheduler"]["held"]')
load_started=$(date +%s.%N)
if [ "$already" -lt "$N" ]; then
  # Each wrk thread stops after its quota, but wrk itself waits out its duration: stop it once the
  # quotas are in (it runs in the background, where SIGINT is ignored, so TERM).
  QUOTA=$(( (N - already + THREADS - 1) / THREADS )) \
    wrk -t"$THREADS" -c"$CONNECTIONS" -d3600s -s "$work/post.lua" "$api/v1/messages" >>"$raw" &
  wrk_pid=$!
  while kill -0 "$wrk_pid" 2>/dev/null && [ "$(queue | field 'd["scheduler"]["held"]')" -lt "$N" ]; do sleep 1; done
  kill -TERM "$wrk_pid" 2>/dev/null || true
  wait "$wrk_pid" 2>/dev/null || true
fi
held_snapshot=$(wait_all_deferred "$N")
load_s=$(awk -v a="$load_started" -v b="$(date +%s.%N)" 'BEGIN {printf "%.0f", b - a}')
held=$(echo "$held_snapshot" | field 'd["scheduler"]["held"]')
rss_held=$(rss_mib)
log "loaded: $held deferred messages held after $load_s s; RSS $rss_held MiB; queue structures $(echo "$held_snapshot" | field 'd["scheduler"]["queue_bytes"] // 1048576') MiB; scheduler: $(echo "$held_snapshot" | field 'd["scheduler"]')"
run_api "$held held:"
after_snapshot=$(queue)
log "after the runs: $(echo "$after_snapshot" | field 'd["scheduler"]')"

kill -TERM "$herald_pid"; wait "$herald_pid" || true
start_herald
held=$(queue | field 'd["scheduler"]["held"]')
rss_restart=$(rss_mib)
restart_snapshot=$(queue)
log "restarted: $held messages read back into the queue in $startup_s s; RSS $rss_restart MiB ($(awk -v a="$rss_restart" -v b="$rss_empty" -v n="$held" 'BEGIN {printf "%.0f", (a - b) * 1048576 / n}') bytes per message over the empty daemon); queue structures $(echo "$restart_snapshot" | field 'd["scheduler"]["queue_bytes"]') bytes ($(echo "$restart_snapshot" | field 'round(d["scheduler"]["queue_bytes"] / d["scheduler"]["held"])') per message)"
line=$(measure get "$api/v1/messages/$probe")
log "restarted GET: p50 p99 req/s failed mean_tick_us max_tick_us ticks = $line"
log "raw output: $raw"

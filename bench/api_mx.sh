#!/usr/bin/env bash
# Benchmark: Herald delivering by MX (delivery.mode = mx) against Postfix on this machine, in one invocation.
# Herald finds the recipients' MX host through a real DNS server on loopback (NSD serving example.net:
# MX 10 mx.example.net, mx.example.net A 127.0.0.1; bench/mx_load.py dns) and delivers to Postfix's
# smtp-sink on 127.0.0.1:SINK_PORT (delivery.smtp_port). Postfix cannot be pointed at a loopback DNS
# server without changing the system resolver, so it relays to the same sink as its relayhost
# ([127.0.0.1]:SINK_PORT, no DNS lookup). Two parts, each interleaving Herald's and Postfix's runs:
#
#   smtp  the shared harness (../shared/bench/anchor_postfix.sh): smtp-source sends HARNESS_N messages over
#         20 reused sessions to Postfix (scenario relay) and to Herald's SMTP relay (scenario external), both
#         delivering to the harness's smtp-sink; delivered msg/s end to end.
#   api   bench/mx_load.py: N messages POSTed to Herald's /v1/messages on CONCURRENCY keep-alive connections,
#         and the same number of messages of the same size over CONCURRENCY SMTP sessions to Postfix; an
#         smtp-sink that dumps each message to tmpfs; per message the time from its request's first byte to
#         the sink's receipt (the dump file's modification time), p50/p99, and delivered msg/s from the first
#         request to the last receipt. First as fast as each MTA accepts (closed loop), then paced at RATE/s.
#
#   bench/api_mx.sh                          # both parts, 3 repetitions each (about 10 minutes)
#   PARTS=api REPS=1 N=1000 bench/api_mx.sh  # a quick look; the figures mean little
# Knobs: PARTS REPS N CONCURRENCY SIZE RATE RATE_N HARNESS_N HTTP_PORT SMTP_PORT PF_PORT SINK_PORT
# RESULTS_DIR; any knob of the harness passes through to it. Run as root (smtp-sink -u, Postfix).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=/usr/bin/python3
LOAD="$PY bench/mx_load.py"
HARNESS=${HARNESS:-../shared/bench/anchor_postfix.sh}
PARTS=${PARTS:-"smtp api"}
REPS=${REPS:-3}
N=${N:-5000}
CONCURRENCY=${CONCURRENCY:-20}
SIZE=${SIZE:-5120}
RATE=${RATE:-200}
RATE_N=${RATE_N:-2000}
HARNESS_N=${HARNESS_N:-20000}
HTTP_PORT=${HTTP_PORT:-8096}
SMTP_PORT=${SMTP_PORT:-2535}
PF_PORT=${PF_PORT:-2545}
SINK_PORT=${SINK_PORT:-2546}
RESULTS_DIR=${RESULTS_DIR:-/tmp/herald-bench-results}
herald=${HERALD_BIN:-build/herald}

[ "$(id -u)" = 0 ] || { echo "run as root (smtp-sink -u postfix, Postfix)" >&2; exit 1; }
for c in smtp-sink smtp-source postfix postconf ss curl sqlite3 /usr/sbin/nsd; do
  command -v "$c" >/dev/null || { echo "missing $c (Debian: postfix, nsd, curl, sqlite3)" >&2; exit 1; }
done
mkdir -p "$RESULTS_DIR"
stamp=$(date +%Y%m%d-%H%M%S)
results="$RESULTS_DIR/api-mx-$stamp.jsonl"
: >"$results"

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
port_free() { ! ss -Htln "sport = :$1" | grep -q .; }
wait_port() { for _ in $(seq 1 200); do port_free "$1" || return 0; sleep 0.05; done; return 1; }
stop_pid() {  # TERM one process we started, wait for it
  [ -n "${1:-}" ] || return 0
  kill -TERM "$1" 2>/dev/null || true
  for _ in $(seq 1 300); do kill -0 "$1" 2>/dev/null || break; sleep 0.05; done
  wait "$1" 2>/dev/null || true
}

dns_pid="" herald_pid="" herald_data="" sink_pid="" pf_master="" work="" dump=""
cleanup() {
  set +e
  stop_pid "$herald_pid"
  [ -n "$pf_master" ] && postfix -c "$work/pf/etc" stop >/dev/null 2>&1
  stop_pid "$sink_pid"
  stop_pid "$dns_pid"
  [ -n "$herald_data" ] && rm -rf "$herald_data"
  [ -n "$work" ] && rm -rf "$work"
  [ -n "$dump" ] && rm -rf "$dump"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The test DNS: one nsd for the whole invocation.
$LOAD dns --origin example.net >"$RESULTS_DIR/api-mx-$stamp.dns" 2>&1 &
dns_pid=$!
for _ in $(seq 1 100); do grep -q '^nameserver' "$RESULTS_DIR/api-mx-$stamp.dns" && break; sleep 0.1; done
nameserver=$(sed -n 's/^nameserver //p' "$RESULTS_DIR/api-mx-$stamp.dns")
[ -n "$nameserver" ] || { cat "$RESULTS_DIR/api-mx-$stamp.dns" >&2; exit 1; }
log "nsd serves example.net (MX 10 mx.example.net, A 127.0.0.1) on $nameserver"

start_herald() {  # extra --set arguments...
  herald_data=$(mktemp -d)
  key=$("$herald" init --data-dir "$herald_data" --json 2>"$herald_data/init.log" | sed -n 's/.*"api_key":"\([^"]*\)".*/\1/p')
  port_free "$HTTP_PORT" || { echo "127.0.0.1:$HTTP_PORT is in use" >&2; exit 1; }
  "$herald" serve --data-dir "$herald_data" --set http.listen=127.0.0.1:$HTTP_PORT \
    --set delivery.mode=mx --set dns.nameservers="$nameserver" --set delivery.smtp_port="$SINK_PORT" \
    --set delivery.concurrency="$CONCURRENCY" --set delivery.site_concurrency="$CONCURRENCY" \
    --set smtp.submissions.listen= --set log.level=warn --set domains.allow_unverified=true "$@" \
    2>"$herald_data/stderr" &
  herald_pid=$!
  for _ in $(seq 1 100); do curl -fsS http://127.0.0.1:$HTTP_PORT/healthz >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "herald did not start: $(cat "$herald_data/stderr")" >&2
  exit 1
}

stop_herald() {
  local bad
  stop_pid "$herald_pid"
  herald_pid=""
  bad=$(sqlite3 "$herald_data/herald.db" "select status, count(*) from messages where status != 'delivered' group by status")
  [ -z "$bad" ] || log "WARNING: messages Herald did not deliver: $bad"
  rm -rf "$herald_data"
  herald_data=""
}

# ---------------------------------------------------------------- part smtp: the shared harness
part_smtp() {
  log "=== part smtp: $HARNESS, scenarios baseline relay external, $HARNESS_N messages, $REPS repetitions"
  start_herald --set smtp.submission.listen=127.0.0.1:$SMTP_PORT
  # smtp-source speaks plain SMTP without AUTH from loopback, as sender@example.com: a trusted network.
  curl -fsS -X POST http://127.0.0.1:$HTTP_PORT/v1/smtp-connections -H "Authorization: Bearer $key" \
    -H 'Content-Type: application/json' \
    -d '{"name": "bench", "domains": ["example.com"], "trusted_networks": ["127.0.0.1/32"], "require_tls": false}' \
    >/dev/null
  # smtp-source's recipient is always rcpt@example.net: the test DNS serves example.net.
  N=$HARNESS_N REPS=$REPS SCENARIOS=${SCENARIOS:-"baseline relay external"} MODES=${MODES:-reuse} SPEED=${SPEED:-0} \
    CONCURRENCY=$CONCURRENCY SESSIONS=${SESSIONS:-$CONCURRENCY} SIZE=$SIZE RESULTS_DIR=$RESULTS_DIR \
    MTA_PORT=$PF_PORT SINK_PORT=$SINK_PORT EXTERNAL_PORT=$SMTP_PORT EXTERNAL_PID=$herald_pid "$HARNESS" \
    | tee "$RESULTS_DIR/api-mx-$stamp.txt"
  stop_herald
  # The harness names its results by its own start time: the newest is this invocation's.
  $LOAD harness-ratio "$(ls -t "$RESULTS_DIR"/anchor-*.jsonl | head -1)" | tee -a "$RESULTS_DIR/api-mx-$stamp.txt"
}

# ---------------------------------------------------------------- part api: mx_load.py
start_sink() {
  dump=$(mktemp -d /dev/shm/herald-api-mx-dump.XXXXXX)
  chown postfix "$dump"
  port_free "$SINK_PORT" || { echo "127.0.0.1:$SINK_PORT is in use" >&2; exit 1; }
  # -c: counters (how completion is seen); -d: one file per message, closed when its dot arrives.
  smtp-sink -u postfix -4 -c -d "$dump/%H%M%S." "127.0.0.1:$SINK_PORT" 1024 >"$work/sink.count" 2>"$work/sink.err" &
  sink_pid=$!
  wait_port "$SINK_PORT" || { cat "$work/sink.err" >&2; exit 1; }
}

# Postfix 3.7 as the harness configures it for its scenario relay (Debian defaults, no TLS, no local delivery,
# concurrency limit CONCURRENCY), listening on PF_PORT and relaying to the sink.
start_postfix() {
  local dir="$work/pf"
  mkdir -p "$dir/etc" "$dir/spool" "$dir/data" "$dir/log"
  chown postfix:postfix "$dir/data"
  cat >"$dir/etc/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $dir/spool
data_directory = $dir/data
mail_owner = postfix
setgid_group = postdrop
myhostname = mta.bench.example
mydomain = bench.example
myorigin = \$myhostname
mydestination =
local_recipient_maps =
local_transport = error:local delivery is disabled
alias_maps =
alias_database =
relay_domains =
relayhost = [127.0.0.1]:$SINK_PORT
mynetworks = 127.0.0.0/8
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
default_destination_concurrency_limit = $CONCURRENCY
smtp_destination_concurrency_limit = $CONCURRENCY
smtp_tls_security_level = none
smtpd_tls_security_level = none
biff = no
maillog_file = $dir/log/maillog
EOF
  cat >"$dir/etc/master.cf" <<EOF
127.0.0.1:$PF_PORT inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOF
  port_free "$PF_PORT" || { echo "127.0.0.1:$PF_PORT is in use" >&2; exit 1; }
  postfix -c "$dir/etc" check >&2
  postfix -c "$dir/etc" start >&2
  pf_master=$(awk '{print $1; exit}' "$dir/spool/pid/master.pid")
  wait_port "$PF_PORT" || { tail "$dir/log/maillog" >&2; exit 1; }
}

load() {  # herald|postfix rep extra-args...
  local who=$1 rep=$2 line
  shift 2
  local args=(run --label "$who" --rep "$rep" --dump-dir "$dump" --sink-log "$work/sink.count" --sink-pid "$sink_pid"
    --concurrency "$CONCURRENCY" --size "$SIZE")
  if [ "$who" = herald ]; then args+=(--via api --target 127.0.0.1:$HTTP_PORT --key "$key" --mta-pid "$herald_pid")
  else args+=(--via smtp --target 127.0.0.1:$PF_PORT --mta-pid "$pf_master" --mta-tree); fi
  line=$($LOAD "${args[@]}" "$@") || true
  [ -n "$line" ] || { echo "mx_load.py printed nothing" >&2; exit 1; }
  printf '%s\n' "$line" | $PY -c '
import json, sys
r = json.loads(sys.stdin.read()); l = r["latency_ms"]
print("  %-8s %-14s accepted/s=%-8s delivered/s=%-8s p50=%s p99=%s max=%s ms  MTA CPU ms/msg=%s util=%s%% ok=%s %s" % (
  r["label"], r["mode"], r["accepted_per_s"], r["delivered_per_s"], l["p50"], l["p99"], l["max"],
  r.get("mta_cpu_ms_per_msg"), r["machine_util_pct"], r["ok"], r["error"]))' >&2
  printf '%s\n' "$line"
}

part_api() {
  log "=== part api: $N messages per closed-loop run, $RATE_N at $RATE/s per paced run, concurrency $CONCURRENCY, $REPS repetitions"
  work=$(mktemp -d /var/lib/herald-api-mx.XXXXXX)
  chmod 755 "$work"
  start_sink
  start_postfix
  start_herald --set smtp.submission.listen=
  log "sink $sink_pid on 127.0.0.1:$SINK_PORT (dump $dump), postfix master $pf_master on $PF_PORT, herald $herald_pid"
  for who in herald postfix; do load "$who" 0 --n 500 >/dev/null; done  # warm-up, unrecorded
  sleep 3
  local rep order who
  for ((rep = 1; rep <= REPS; rep++)); do
    log "--- repetition $rep/$REPS"
    # Alternate who goes first so that a slow spell of the machine does not always hit the same one.
    if ((rep % 2)); then order="herald postfix"; else order="postfix herald"; fi
    for who in $order; do load "$who" "$rep" --n "$N" >>"$results"; sleep 3; done
    if [ "$RATE" != 0 ]; then
      for who in $order; do load "$who" "$rep" --n "$RATE_N" --rate "$RATE" >>"$results"; sleep 3; done
    fi
  done
  stop_herald
  postfix -c "$work/pf/etc" stop >&2
  pf_master=""
  {
    echo "# bench/api_mx.sh $stamp, part api"
    echo "host: $(nproc) CPU ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), kernel $(uname -r), load average before: $load_before"
    echo "load: N=$N (closed loop), $RATE_N at $RATE/s (paced), concurrency $CONCURRENCY, ${SIZE} B text, reps $REPS"
    $LOAD report "$results"
    echo "raw: $results"
  } | tee -a "$RESULTS_DIR/api-mx-$stamp.txt"
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
log "load average before: $load_before"
for part in $PARTS; do
  case $part in
    smtp) part_smtp ;;
    api) part_api ;;
    *) echo "unknown part $part (smtp, api)" >&2; exit 1 ;;
  esac
done
log "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

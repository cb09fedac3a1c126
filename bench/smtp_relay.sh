#!/usr/bin/env bash
# Benchmark: Herald's SMTP relay against Postfix on this machine, with the shared harness
# (../shared/bench/anchor_postfix.sh; read its README): smtp-source → relay → smtp-sink on loopback,
# 20 sessions, 5 KB messages, 20,000 messages per run, runs interleaved with Postfix's so that machine
# noise hits both alike. Herald runs in relay mode to the harness's sink; each 250 it gives is fsynced first.
#
#   bench/smtp_relay.sh                       # 3 repetitions: baseline, Postfix relay, Herald
#   REPS=1 N=5000 bench/smtp_relay.sh         # a quick look; the figures mean little
# Any knob of the harness (N SESSIONS SIZE REPS MODES SCENARIOS …) passes through. Run as root.
set -euo pipefail
cd "$(dirname "$0")/.."
HARNESS=${HARNESS:-../shared/bench/anchor_postfix.sh}
SMTP_PORT=${SMTP_PORT:-2535}
HTTP_PORT=${HTTP_PORT:-8097}
SINK_PORT=${SINK_PORT:-2526}
herald=${HERALD_BIN:-build/herald}

data=$(mktemp -d)
key=$("$herald" init --data-dir "$data" --json | sed -n 's/.*"api_key":"\([^"]*\)".*/\1/p')
"$herald" serve --data-dir "$data" --set http.listen=127.0.0.1:$HTTP_PORT \
  --set smtp.submission.listen=127.0.0.1:$SMTP_PORT --set smtp.submissions.listen= \
  --set delivery.mode=relay --set delivery.relay=127.0.0.1:$SINK_PORT \
  --set delivery.concurrency="${DELIVERY_CONCURRENCY:-20}" --set log.level=warn \
  --set domains.allow_unverified=true 2>"$data/stderr" &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 100); do curl -fsS http://127.0.0.1:$HTTP_PORT/healthz >/dev/null 2>&1 && break; sleep 0.1; done

# smtp-source speaks plain SMTP without AUTH from loopback, as sender@example.com: a trusted network.
curl -fsS -X POST http://127.0.0.1:$HTTP_PORT/v1/smtp-connections -H "Authorization: Bearer $key" \
  -H 'Content-Type: application/json' \
  -d '{"name": "bench", "domains": ["example.com"], "trusted_networks": ["127.0.0.1/32"], "require_tls": false}' \
  >/dev/null

SCENARIOS=${SCENARIOS:-"baseline relay external"} MODES=${MODES:-reuse} SPEED=${SPEED:-0} \
  RESULTS_DIR=${RESULTS_DIR:-/tmp/herald-bench-results} SINK_PORT=$SINK_PORT EXTERNAL_PORT=$SMTP_PORT EXTERNAL_PID=$pid \
  "$HARNESS"

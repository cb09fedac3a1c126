#!/usr/bin/env bash
# Benchmark: webhook events per second through Herald's webhook pipeline — events in the store, matched
# against a webhook, queued with its cursor in one commit, signed, POSTed to a local receiver
# (build/webhook_receiver, which answers 204 at once), each attempt logged in one commit with others.
#
# Herald runs in capture delivery. MODE=backlog (the default): messages are sent first with wrk for
# SEND_DURATION (3 events each: queued, sent, delivered) to an account whose webhook is disabled, so
# its cursor waits before them; then the webhook is enabled, and the time is taken until the receiver
# has answered every event and the delivery log holds each as delivered. MODE=live: the webhook is
# enabled from the start, so events are delivered while wrk sends; the line then also says the
# messages stored per second and how long after wrk stopped the last event was delivered. Prints one
# line per run; REPS runs, then the medians.
#   bench/webhook_events.sh                    # 3 runs, messages sent for 10 s
#   REPS=1 SEND_DURATION=5s bench/webhook_events.sh
#   MODE=live bench/webhook_events.sh
set -euo pipefail
cd "$(dirname "$0")/.."
REPS=${REPS:-3}
SEND_DURATION=${SEND_DURATION:-10s}
PORT=${PORT:-8097}
CONCURRENCY=${CONCURRENCY:-8}
MODE=${MODE:-backlog}
herald=${HERALD_BIN:-build/herald}
receiver_bin=${RECEIVER_BIN:-build/bench/webhook_receiver}

now() { date +%s.%N; }
results=()
for rep in $(seq 1 "$REPS"); do
  data=$(mktemp -d)
  key=$("$herald" init --data-dir "$data" --json 2>/dev/null | sed -n 's/.*"api_key":"\([^"]*\)".*/\1/p')
  "$receiver_bin" 0 >"$data/receiver.port" 2>"$data/receiver.err" &
  receiver=$!
  for _ in $(seq 1 50); do [ -s "$data/receiver.port" ] && break; sleep 0.1; done
  rport=$(head -1 "$data/receiver.port")
  "$herald" serve --data-dir "$data" --set http.listen=127.0.0.1:$PORT --set log.level=warn \
    --set domains.allow_unverified=true --set webhooks.allow_private_networks=true \
    --set smtp.submission.listen= --set smtp.submissions.listen= \
    --set webhooks.concurrency="$CONCURRENCY" 2>"$data/stderr" &
  pid=$!
  for _ in $(seq 1 100); do curl -fsS http://127.0.0.1:$PORT/healthz >/dev/null 2>&1 && break; sleep 0.1; done
  api() { curl -fsS -H "Authorization: Bearer $key" -H 'Content-Type: application/json' "$@"; }
  enabled=$([ "$MODE" = live ] && echo true || echo false)
  hook=$(api -X POST http://127.0.0.1:$PORT/v1/webhooks \
         -d "{\"url\": \"http://127.0.0.1:$rport/hooks\", \"events\": [\"*\"], \"enabled\": $enabled}" |
         sed -n 's/.*"id":"\([^"]*\)".*/\1/p')

  cpu0=$(awk '{print $14 + $15}' /proc/$pid/stat)
  t0=$(now)
  out=$(HERALD_API_KEY=$key wrk -t2 -c32 -d"$SEND_DURATION" -s bench/post_message.lua \
        http://127.0.0.1:$PORT/v1/messages)
  sent_end=$(now)
  sent_seconds=$(printf '%s' "$out" | sed -n 's/.*requests in \([0-9.]*\)\(m*s\),.*/\1 \2/p' | awk '{print ($2=="ms") ? $1/1000 : $1}')
  messages=$(sqlite3 "$data/herald.db" "select count(*) from messages")
  for _ in $(seq 1 600); do
    [ "$(sqlite3 "$data/herald.db" "select count(*) from messages where status = 'delivered'")" = "$messages" ] && break
    sleep 0.2
  done
  events=$(sqlite3 "$data/herald.db" "select count(*) from events")
  if [ "$MODE" != live ]; then
    cpu0=$(awk '{print $14 + $15}' /proc/$pid/stat)
    t0=$(now)
    api -X PATCH http://127.0.0.1:$PORT/v1/webhooks/$hook -d '{"enabled": true}' >/dev/null
  fi
  for _ in $(seq 1 6000); do
    answered=$(curl -fsS http://127.0.0.1:$rport/count)
    if [ "$answered" -ge "$events" ]; then
      logged=$(sqlite3 "$data/herald.db" "select count(*) from webhook_attempts where outcome = 'delivered'")
      [ "$logged" -ge "$events" ] && break
    fi
    sleep 0.05
  done
  t1=$(now)
  cpu1=$(awk '{print $14 + $15}' /proc/$pid/stat)
  failed=$(sqlite3 "$data/herald.db" "select count(*) from webhook_attempts where outcome <> 'delivered'")
  kill -TERM $pid; wait $pid || true
  kill -TERM $receiver; wait $receiver || true

  seconds=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", b - a}')
  rate=$(awk -v n="$events" -v s="$seconds" 'BEGIN {printf "%.0f", n / s}')
  cpu_us=$(awk -v t="$((cpu1 - cpu0))" -v n="$events" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.1f", t / hz * 1e6 / n}')
  stored=$(awk -v n="$messages" -v s="$sent_seconds" 'BEGIN {printf "%.0f", n / s}')
  if [ "$MODE" = live ]; then
    lag=$(awk -v a="$sent_end" -v b="$t1" 'BEGIN {printf "%.2f", b - a}')
    echo "run $rep: $messages messages stored ($stored/s while webhooks ran), $events events delivered in $seconds s:" \
         "$rate events/s, the last $lag s after wrk stopped; receiver answered $answered POSTs" \
         "(duplicates $((answered - events))), failed attempts $failed, herald CPU ${cpu_us} us/event (all work)"
  else
    echo "run $rep: $messages messages ($stored/s stored, the webhook disabled), $events events delivered" \
         "in $seconds s: $rate events/s," \
         "receiver answered $answered POSTs (duplicates $((answered - events))), failed attempts $failed," \
         "herald CPU ${cpu_us} us/event"
  fi
  results+=("$rate $cpu_us")
  rm -rf "$data"
done

printf '%s\n' "${results[@]}" | awk '
  { r[NR]=$1; cpu[NR]=$2 }
  function median(a, n,   i, j, t) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
                                     return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
  END { printf "median of %d: %.0f webhook events/s, herald CPU %.1f us/event\n", NR, median(r, NR), median(cpu, NR) }'

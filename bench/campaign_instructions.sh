#!/usr/bin/env bash
# The campaign benchmark's work counted in instructions rather than time: Herald runs under callgrind,
# which counts every instruction it executes, while bench/trigger_load.cc sends the campaign_send.sh
# triggers (shared attachment unless told otherwise). Counting starts after a warm-up (the attachment
# and the template seen once) and stops 2 s after the load, so the figure is Herald's instructions in
# that window divided by the messages stored in it. Wall-clock rates on a shared VM wander by ±15 %;
# on an idle machine this count moved by 0.2 % between runs, so it shows a change of a few per cent
# that timing cannot. Compare runs made alike: fewer messages in the window (a loaded machine) put more
# of the idle work on each.
# Instructions are not time (a 137 KB memcpy is 137,000 of them under callgrind), so use it to compare
# two builds, not as a throughput.
#   bench/campaign_instructions.sh                       # 20 s of load, 8 connections
#   HERALD_BIN=/tmp/herald-old bench/campaign_instructions.sh
#   SECONDS_OF_LOAD=40 ATTACHMENT_KB=0 bench/campaign_instructions.sh
# prints: "messages N, instructions I, per message M"; the callgrind file ($OUT) stays for callgrind_annotate.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_OF_LOAD=${SECONDS_OF_LOAD:-20}
CONNECTIONS=${CONNECTIONS:-8}
PORT=${PORT:-8097}
OUT=${OUT:-${TMPDIR:-/tmp}/herald-campaign.callgrind}
. bench/campaign_herald.sh

data="$work/data"
start_campaign_herald "$data" "$PORT" valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$OUT"
count() { sqlite3 "$data/herald.db" "select count(*) from messages"; }

send_triggers 4 2 >/dev/null  # warm-up, not counted
before=$(count)
callgrind_control --instr=on "$pid" >/dev/null 2>&1
send_triggers "$CONNECTIONS" "$SECONDS_OF_LOAD" >/dev/null
sleep 2  # capture delivery of the last messages
callgrind_control --instr=off "$pid" >/dev/null 2>&1
kill -TERM "$pid"
wait "$pid" || true
messages=$(( $(count) - before ))
instructions=$(callgrind_annotate "$OUT" 2>/dev/null | sed -n 's/^ *\([0-9,]*\) .*PROGRAM TOTALS.*/\1/p' | tr -d ,)
echo "messages $messages, instructions $instructions, per message $((instructions / messages))"

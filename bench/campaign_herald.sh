# Sourced by the campaign benchmarks (campaign_send.sh, campaign_instructions.sh, campaign_syscalls.sh):
# a fresh Herald with the benchmark's profile table and campaign, and the load client. Sets $herald (the
# binary: HERALD_BIN or build/herald), $PY and $work, a scratch directory removed on exit.
#   start_campaign_herald DATA_DIR PORT [WRAPPER...]  # WRAPPER: e.g. valgrind and its options
# sets $key (the operator's API key), $port and $pid (the daemon, or its wrapper).
#   send_triggers CONNECTIONS SECONDS  # bench/trigger_load.cc (build/bench/trigger_load) against it

herald=${HERALD_BIN:-build/herald}
PY=/usr/bin/python3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

start_campaign_herald() {
  local data=$1
  port=$2
  shift 2
  key=$("$herald" init --data-dir "$data" --json | sed -n 's/.*"api_key":"\([^"]*\)".*/\1/p')
  "$@" "$herald" serve --data-dir "$data" --set http.listen=127.0.0.1:$port --set log.level=warn \
    --set smtp.submission.listen= --set smtp.submissions.listen= --set domains.allow_unverified=true \
    2>"$data/stderr" &
  pid=$!
  for _ in $(seq 1 300); do curl -fsS http://127.0.0.1:$port/healthz >/dev/null 2>&1 && break; sleep 0.1; done
  $PY bench/campaign_fixture.py campaign >"$work/campaign.json"
  printf '%s' '{"name": "contacts", "attributes": [{"name": "firstName", "type": "string"},
    {"name": "lastName", "type": "string"}, {"name": "customerId", "type": "integer"}]}' >"$work/table.json"
  local path
  for path in profile-tables:table campaigns:campaign; do
    curl -fsS "http://127.0.0.1:$port/v1/${path%%:*}" -H "Authorization: Bearer $key" \
      -H 'Content-Type: application/json' -d "@$work/${path#*:}.json" >/dev/null
  done
}

send_triggers() {
  [ -f "$work/trigger.json" ] || $PY bench/campaign_fixture.py trigger >"$work/trigger.json"
  "${LOAD_BIN:-build/bench/trigger_load}" "$port" "$key" "$1" "$2" "$work/trigger.json"
}

#!/usr/bin/env bash
# Quick start: installs what is missing, builds, initialises a data directory (SQLite) on first
# use, and runs Herald with capture delivery (messages stay in the sandbox), printing the API URL
# and an API key. Ctrl-C stops it. HERALD_DATA_DIR and HERALD_LISTEN change where and on what.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
BUILD_TARGETS=herald scripts/build.sh

data_dir=${HERALD_DATA_DIR:-data}
listen=${HERALD_LISTEN:-127.0.0.1:8025}
if [ -f "$data_dir/herald.db" ]; then
  created=$(build/herald api-keys create --data-dir "$data_dir" --name quickstart --json)
else
  created=$(build/herald init --data-dir "$data_dir" --json)
fi
api_key=$(printf '%s' "$created" | sed -n 's/.*"api_key":"\([^"]*\)".*/\1/p')

# The quick start sends from shop.example, which nobody has verified: domains.allow_unverified lets it
# (development only; a real deployment registers and verifies its domains, see docs/operations.md).
build/herald serve --data-dir "$data_dir" --set delivery.mode=capture --set http.listen="$listen" \
  --set domains.allow_unverified=true &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid' INT TERM
for _ in $(seq 1 100); do
  curl -fsS "http://$listen/healthz" >/dev/null 2>&1 && break
  kill -0 $pid 2>/dev/null || { wait $pid; exit 1; }
  sleep 0.1
done

cat <<MSG

Herald is running: http://$listen  (delivery: capture — messages stay in the sandbox)
API key (shown once; Herald keeps only its hash): $api_key

In another terminal:
  export HERALD_API_KEY=$api_key
and try the curl example in README.md. Ctrl-C stops Herald.

MSG
wait $pid

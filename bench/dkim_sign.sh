#!/usr/bin/env bash
# Benchmark: DKIM signing (src/dkim, bench/dkim_sign.cc) against OpenSSL's raw signing rate on the same machine,
# all on a single core (one thread each; `openssl speed` without -multi).
#
# Each repetition runs `openssl speed -seconds 5 rsa2048 ed25519` and `openssl speed -evp sha256`, then
# build/bench/dkim_bench with its cases interleaved at random in short slices (10 of MIN_TIME seconds each),
# so that machine noise hits DKIM and its in-process OpenSSL baselines alike. Prints the medians: messages
# signed per second for a 5 KB and a 100 KB message with RSA-2048, with Ed25519 and with both keys (what
# Herald does per message), and each as a share of
#   - `openssl speed`'s signing rate (for both keys: 1 / (1/rsa + 1/ed25519), the two signatures alone),
#   - the same rate measured inside dkim_bench with the same keys (BM_RawSign), and
#   - the ceiling: that rate with the SHA-256 of the body added (BM_Sha256), the most any signer that
#     hashes the body could reach.
#   bench/dkim_sign.sh                 # 3 repetitions
#   REPS=1 MIN_TIME=0.1 bench/dkim_sign.sh
set -euo pipefail
cd "$(dirname "$0")/.."
REPS=${REPS:-3}
MIN_TIME=${MIN_TIME:-0.3}
bench=${DKIM_BENCH_BIN:-build/bench/dkim_bench}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

echo "$(date -u '+%Y-%m-%d %H:%M') UTC; $(nproc) CPUs ($(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1));" \
     "$(openssl version); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for rep in $(seq 1 "$REPS"); do
  openssl speed -seconds 5 rsa2048 ed25519 >"$out/openssl.$rep" 2>/dev/null
  openssl speed -seconds 3 -evp sha256 -bytes 16384 >"$out/sha256.$rep" 2>/dev/null
  "$bench" --benchmark_min_time="$MIN_TIME" --benchmark_repetitions=10 --benchmark_enable_random_interleaving=true \
           --benchmark_report_aggregates_only=true --benchmark_format=json >"$out/dkim.$rep.json" 2>/dev/null
  echo "rep $rep done; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
done

/usr/bin/python3 - "$out" "$REPS" <<'PYTHON'
import json, re, statistics, sys
out, reps = sys.argv[1], int(sys.argv[2])
runs = {}  # name -> one rate per repetition: per second, or bytes per second for the hashes
body_bytes = {}
for rep in range(1, reps + 1):
    speed = open(f'{out}/openssl.{rep}').read()
    runs.setdefault('speed_rsa2048', []).append(
        float(re.search(r'^rsa 2048 bits\s+\S+\s+\S+\s+([\d.]+)', speed, re.M).group(1)))
    runs.setdefault('speed_ed25519', []).append(
        float(re.search(r'EdDSA \(Ed25519\)\s+\S+\s+\S+\s+([\d.]+)', speed).group(1)))
    sha256 = open(f'{out}/sha256.{rep}').read()
    runs.setdefault('speed_sha256', []).append(float(re.search(r'^sha256\s+([\d.]+)k', sha256, re.M).group(1)) * 1000)
    for case in json.load(open(f'{out}/dkim.{rep}.json'))['benchmarks']:
        if case.get('aggregate_name') != 'median':
            continue
        name = case['run_name'].split('/', 1)[1]
        rate = case.get('messages/s') or case.get('signatures/s') or case['bytes_per_second']
        runs.setdefault(name, []).append(rate)
        body_bytes[name] = case.get('body_bytes', 0)
median = {name: statistics.median(rates) for name, rates in runs.items()}


def pair(rsa, ed25519):  # the rate of making both signatures, one after the other
    return 1 / (1 / rsa + 1 / ed25519)


speed = {'rsa2048': median['speed_rsa2048'], 'ed25519': median['speed_ed25519'],
         'both': pair(median['speed_rsa2048'], median['speed_ed25519'])}
raw = {'rsa2048': median['rsa2048'], 'ed25519': median['ed25519'], 'both': pair(median['rsa2048'], median['ed25519'])}
print(f"openssl speed (median of {reps}): rsa2048 {speed['rsa2048']:,.0f} sign/s, ed25519 {speed['ed25519']:,.0f} sign/s,"
      f" sha256 {median['speed_sha256'] / 1e6:,.0f} MB/s")
print(f"in dkim_bench: rsa2048 {raw['rsa2048']:,.0f} sign/s, ed25519 {raw['ed25519']:,.0f} sign/s,"
      f" sha256 {median['body_100KB'] / 1e6:,.0f} MB/s, relaxed body hash {median['relaxed_100KB'] / 1e6:,.0f} MB/s")
print(f"{'keys':<9}{'size':>6}{'DKIM msg/s':>12}{'of speed':>10}{'of raw':>8}{'of ceiling':>12}   DKIM runs")
for keys in ('rsa2048', 'ed25519', 'both'):
    for size in ('5KB', '100KB'):
        name = f'{keys}_{size}'
        ceiling = 1 / (1 / raw[keys] + body_bytes[name] / median['body_100KB'])
        print(f"{keys:<9}{size:>6}{median[name]:>12,.0f}{median[name] / speed[keys]:>10.1%}"
              f"{median[name] / raw[keys]:>8.1%}{median[name] / ceiling:>12.1%}   "
              + ' / '.join(f'{r:,.0f}' for r in runs[name]))
PYTHON

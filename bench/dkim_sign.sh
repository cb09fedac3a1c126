#!/usr/bin/env bash
# Benchmark: DKIM signing (src/dkim, bench/dkim_sign.cc) against OpenSSL's raw signing rate on the same machine.
# Each repetition runs `openssl speed -seconds 5 rsa2048 ed25519` and then build/bench/dkim_bench, both on a
# single core (one thread each, no -multi), so machine noise hits both alike. Prints the medians: messages
# signed per second for a 5 KB and a 100 KB message with RSA-2048, with Ed25519 and with both keys (what Herald
# does per message), and each as a share of OpenSSL's raw rate for the same keys (for both keys:
# 1 / (1/rsa + 1/ed25519), the rate of making the two signatures alone). A third figure adds to OpenSSL's
# signing the SHA-256 of the body at `openssl speed -evp sha256`'s rate: the most any signer that hashes the
# body could reach (the ceiling), and DKIM's share of that.
#   bench/dkim_sign.sh                 # 3 repetitions, 3 s per benchmark case
#   REPS=1 MIN_TIME=1 bench/dkim_sign.sh
set -euo pipefail
cd "$(dirname "$0")/.."
REPS=${REPS:-3}
MIN_TIME=${MIN_TIME:-3}
bench=${DKIM_BENCH_BIN:-build/bench/dkim_bench}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

echo "$(date -u '+%Y-%m-%d %H:%M') UTC; $(nproc) CPUs ($(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1));" \
     "$(openssl version); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for rep in $(seq 1 "$REPS"); do
  openssl speed -seconds 5 rsa2048 ed25519 >"$out/openssl.$rep" 2>/dev/null
  openssl speed -seconds 3 -evp sha256 -bytes 16384 >"$out/sha256.$rep" 2>/dev/null
  "$bench" --benchmark_min_time="$MIN_TIME" --benchmark_format=json >"$out/dkim.$rep.json" 2>/dev/null
  echo "rep $rep done; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
done

/usr/bin/python3 - "$out" "$REPS" <<'PYTHON'
import json, re, statistics, sys
out, reps = sys.argv[1], int(sys.argv[2])
openssl = {'rsa': [], 'ed25519': [], 'sha256': []}
body_bytes = {}
dkim = {}
for rep in range(1, reps + 1):
    text = open(f'{out}/openssl.{rep}').read()
    openssl['rsa'].append(float(re.search(r'^rsa 2048 bits\s+\S+\s+\S+\s+([\d.]+)', text, re.M).group(1)))
    openssl['ed25519'].append(float(re.search(r'EdDSA \(Ed25519\)\s+\S+\s+\S+\s+([\d.]+)', text).group(1)))
    sha256 = open(f'{out}/sha256.{rep}').read()
    openssl['sha256'].append(float(re.search(r'^sha256\s+([\d.]+)k', sha256, re.M).group(1)) * 1000)  # bytes/s
    for case in json.load(open(f'{out}/dkim.{rep}.json'))['benchmarks']:
        rate = case.get('messages/s') or case['bytes_per_second'] / 2**20
        dkim.setdefault(case['name'].split('/', 1)[1], []).append(rate)
        if 'body_bytes' in case:
            body_bytes[case['name'].split('/', 1)[1]] = case['body_bytes']

median = {name: statistics.median(rates) for name, rates in {**openssl, **dkim}.items()}
raw = {'rsa2048': median['rsa'], 'ed25519': median['ed25519'],
       'both': 1 / (1 / median['rsa'] + 1 / median['ed25519'])}

def runs(rates):
    return ' / '.join(f'{r:,.0f}' for r in rates)

print(f"openssl speed, median of {reps}: rsa2048 {median['rsa']:,.0f} sign/s ({runs(openssl['rsa'])}),"
      f" ed25519 {median['ed25519']:,.0f} sign/s ({runs(openssl['ed25519'])}),"
      f" sha256 {median['sha256'] / 1e6:,.0f} MB/s")
print(f"{'keys':<9}{'size':>6}{'DKIM msg/s':>12}{'raw sign/s':>12}{'share':>8}{'ceiling/s':>11}{'share':>8}   DKIM runs")
for keys in ('rsa2048', 'ed25519', 'both'):
    for size in ('5KB', '100KB'):
        name = f'{keys}_{size}'
        ceiling = 1 / (1 / raw[keys] + body_bytes[name] / median['sha256'])
        print(f"{keys:<9}{size:>6}{median[name]:>12,.0f}{raw[keys]:>12,.0f}{median[name] / raw[keys]:>8.1%}"
              f"{ceiling:>11,.0f}{median[name] / ceiling:>8.1%}   {runs(dkim[name])}")
print(f"relaxed body hash alone (100 KB body): {median['relaxed_100KB']:,.0f} MiB/s")
PYTHON

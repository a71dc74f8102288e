#!/usr/bin/env bash
# Matching benchmark (DESIGN.md section 8: >= 1 GB/s per core on Suricata EVE JSON with
# 1,000,000 indicators, scaling with threads; <= 64 bytes of index per exact-value indicator).
#
# Logs: the real Stratosphere Suricata EVE log and the WRCCDC 2018 Zeek dns.log from
# ../shared/data/logs, each repeated to LOG_MB megabytes (Zeek: header once). Indicators:
# N per run (10k, 1M, 10M by default) as STIX JSON lines, 300 of them values that occur in the
# log (so hits are real), the rest generated IPv4 / IPv6 / domain / URL / SHA-256 / MD5 values
# (bench/gen_match_data.py).
#
# For each log and N: `kongsi match --indicators ... --output-format none` with -j 1 and -j 2
# (the matching time and rate it reports for the log itself; index build time apart), then the
# same values with `grep -F -c -f` (counts lines holding any value as a substring: wrong hits
# included) and bench/match_baseline.py (Python json + set over the obvious fields), each
# timed, with their hit counts. grep and Python run only up to 1M values (grep -F with 10M
# patterns needs many GB of memory).
#
#   bench/match_bench.sh [KONGSI_BIN] [LOG_MB] [N...]
#   defaults: build/release/kongsi 1000 10000 1000000 10000000
# Prints figures, never pass/fail. Data in a temporary folder (KEEP_TMP=1 keeps it).
set -euo pipefail

KONGSI=$(realpath "${1:-build/release/kongsi}")
LOG_MB=${2:-1000}
shift $(( $# > 2 ? 2 : $# ))
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(10000 1000000 10000000)
HERE=$(cd "$(dirname "$0")" && pwd)
LOGS="$HERE/../../shared/data/logs"
EVE_SRC="$LOGS/suricata/slips/test6-malicious.suricata.json"
ZEEK_SRC="$LOGS/zeek/wrccdc-2018-tsv/dns.log.gz"
if [ ! -f "$EVE_SRC" ] || [ ! -f "$ZEEK_SRC" ]; then
  echo "match_bench: the real logs are absent ($LOGS): skipped" >&2
  exit 0
fi
TMP=$(mktemp -d /tmp/kongsi-match-bench-XXXXXX)
cleanup() { if [ -n "${KEEP_TMP:-}" ]; then echo "kept $TMP" >&2; else rm -rf "$TMP"; fi; }
trap cleanup EXIT

python3 "$HERE/gen_match_data.py" repeat "$EVE_SRC" "$LOG_MB" > "$TMP/eve.json"
python3 "$HERE/gen_match_data.py" repeat "$ZEEK_SRC" "$LOG_MB" > "$TMP/dns.log"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "logs: eve.json $(du -m "$TMP/eve.json" | cut -f1) MB ($(wc -l < "$TMP/eve.json") lines)," \
     "dns.log $(du -m "$TMP/dns.log" | cut -f1) MB ($(wc -l < "$TMP/dns.log") lines)"

secs() { python3 -c "import time; print(time.monotonic())"; }
rate() { python3 -c "import sys; b=$1; t=$2; print('%.0f MB/s' % (b/1e6/t) if t > 0 else '-')"; }

for n in "${SIZES[@]}"; do
  for log in eve.json dns.log; do
    src=$EVE_SRC; [ "$log" = dns.log ] && src=$ZEEK_SRC
    python3 "$HERE/gen_match_data.py" indicators "$src" "$n" "$TMP/ind"
    bytes=$(stat -c %s "$TMP/$log")
    cat "$TMP/$log" > /dev/null  # page cache warm for every contender
    echo "== $log, $n indicators"
    for j in 1 2; do
      /usr/bin/time -f "%M" -o "$TMP/rss" "$KONGSI" --data-dir "$TMP/none" match \
        --indicators "$TMP/ind.jsonl" "$TMP/$log" -j "$j" --validity now \
        --output-format none 2> "$TMP/err" || { cat "$TMP/err"; exit 1; }
      idx=$(grep '^indicators:' "$TMP/err")
      line=$(grep "$log: " "$TMP/err")
      echo "  kongsi -j$j: ${line#*: }; peak RSS $(( $(cat "$TMP/rss") / 1024 )) MB"
      [ "$j" = 1 ] && echo "  index: ${idx#indicators: }"
    done
    if [ "$n" -le 1000000 ]; then
      t0=$(secs); g=$(LC_ALL=C grep -F -c -f "$TMP/ind.values" "$TMP/$log" || true); t1=$(secs)
      t=$(python3 -c "print($t1-$t0)")
      echo "  grep -F -c -f: $g matching lines in $(printf %.2f "$t") s ($(rate "$bytes" "$t"))"
      t0=$(secs); p=$(python3 "$HERE/match_baseline.py" "$TMP/ind.values" "$TMP/$log"); t1=$(secs)
      t=$(python3 -c "print($t1-$t0)")
      echo "  python json+set: $p in $(printf %.2f "$t") s ($(rate "$bytes" "$t"))"
    fi
  done
done

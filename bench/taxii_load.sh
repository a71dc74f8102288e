#!/usr/bin/env bash
# TAXII server load benchmark (DESIGN.md section 8: GET objects page of 100, loopback,
# 64 connections: >= 20,000 req/s, p99 < 5 ms). Builds a node in a temporary directory with N
# generated indicators in one collection, starts `kongsi serve` on 127.0.0.1 (ephemeral
# port), and runs wrk against GET .../objects/?limit=100 at random positions of the
# collection (each request starts after a random date_added, so pages come from everywhere).
#
#   bench/taxii_load.sh [KONGSI_BIN] [OBJECTS] [CONNECTIONS] [SECONDS] [POSITIONS]
#   defaults: build/release/kongsi 100000 64 10 1000
# POSITIONS is how many different page starts the requests use, spread over the collection:
# 1000 pages (~130 MB of rows) do not fit the server's 64 MiB page cache, so most requests
# read SQLite; 10 is what many clients polling the same feed look like (pages from memory).
# POLICY=1 in the environment runs the same load with the sharing policy at work: the token
# belongs to a constituent (bank-a) that receives the collection through a community
# agreement among several, and 10 % of the objects carry a granular TLP:AMBER+STRICT marking on
# their description, which the policy removes from what bank-a receives (redaction). Without
# it the token belongs to the node's own organisation (no agreement to evaluate, nothing to
# redact).
# Prints wrk's report and one summary line. Talks only to 127.0.0.1.
set -euo pipefail

KONGSI=${1:-build/release/kongsi}
OBJECTS=${2:-100000}
CONNECTIONS=${3:-64}
SECONDS_=${4:-10}
POSITIONS=${5:-1000}
HERE=$(cd "$(dirname "$0")" && pwd)

command -v wrk >/dev/null || { echo "wrk is missing: make deps" >&2; exit 2; }
TMP=$(mktemp -d /tmp/kongsi-taxii-load-XXXXXX)
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$TMP"
}
trap cleanup EXIT

"$KONGSI" -q --data-dir "$TMP/node" init >/dev/null
COLLECTION=$("$KONGSI" --data-dir "$TMP/node" collections create "load test")
if [ "${POLICY:-0}" = 1 ]; then
  python3 "$HERE/gen_indicators.py" "$OBJECTS" 10 > "$TMP/objects.json"
  cat > "$TMP/node/kongsi.toml" <<TOML
[policy]
drop_properties = ["x_internal_*"]
[[organisation]]
name = "bank-a"
[[organisation]]
name = "bank-b"
[[organisation]]
name = "sg-cert"
[[organisation]]
name = "th-cert"
[[community]]
name = "finance"
members = ["bank-a", "bank-b"]
[[community]]
name = "asean-cert"
members = ["sg-cert", "th-cert"]
[[agreement]]
name = "asean"
with = ["asean-cert"]
collections = ["*"]
max_tlp = "amber"
[[agreement]]
name = "sg-bilateral"
with = ["sg-cert"]
collections = ["*"]
max_tlp = "amber+strict"
[[agreement]]
name = "finance-sector"
with = ["finance"]
collections = ["$COLLECTION"]
max_tlp = "amber"
drop_properties = ["x_*"]
strip_reference_hosts = ["*.corp.example"]
[[agreement]]
name = "finance-old"
with = ["finance"]
collections = ["$COLLECTION"]
max_tlp = "green"
expires = 2026-01-01
TOML
  ORG_ARGS=(--org bank-a)
else
  python3 "$HERE/gen_indicators.py" "$OBJECTS" > "$TMP/objects.json"
  ORG_ARGS=()
fi
"$KONGSI" -q --data-dir "$TMP/node" ingest -c "$COLLECTION" "$TMP/objects.json"
TOKEN=$("$KONGSI" -q --data-dir "$TMP/node" token create --name load --read "$COLLECTION" "${ORG_ARGS[@]}")

"$KONGSI" -q --data-dir "$TMP/node" serve --listen 127.0.0.1:0 > "$TMP/serve.out" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
  grep -q 'serving TAXII' "$TMP/serve.out" && break
  sleep 0.1
done
BASE=$(grep -o 'http://[^ ]*/taxii2/' "$TMP/serve.out" | sed 's|/taxii2/$||')
[ -n "$BASE" ] || { echo "server did not start:" >&2; cat "$TMP/serve.out" >&2; exit 1; }
OBJECTS_PATH="/api1/collections/$COLLECTION/objects/"

# Page start positions: the date_added of every 100th object, from a walk of the manifest.
python3 - "$BASE$OBJECTS_PATH" "$TOKEN" "$POSITIONS" > "$TMP/positions.lua" <<'PY'
import datetime, json, sys, urllib.request
url, token, wanted = sys.argv[1].replace("/objects/", "/manifest/"), sys.argv[2], int(sys.argv[3])
def micros(ts):
    t = datetime.datetime.strptime(ts, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
    return int(t.timestamp()) * 1000000 + t.microsecond
positions, nxt = [], None
for _ in range(100000):
    req = urllib.request.Request(url + "?limit=1000" + ("&next=" + nxt if nxt else ""), headers={
        "Accept": "application/taxii+json;version=2.1", "Authorization": "Bearer " + token})
    page = json.load(urllib.request.urlopen(req))
    positions += [micros(o["date_added"]) for o in page.get("objects", [])]
    if not page.get("more"):
        break
    nxt = page["next"]
usable = positions[:-100] or positions[:1]  # every start leaves a full page after it
sample = usable[::max(1, len(usable) // wanted)][:wanted]
print("positions = {" + ",".join('"%d"' % p for p in sample) + "}")  # strings: Lua numbers are doubles
PY

{
  echo 'wrk.headers["Accept"] = "application/taxii+json;version=2.1"'
  echo "wrk.headers[\"Authorization\"] = \"Bearer $TOKEN\""
  cat "$TMP/positions.lua"
  echo 'request = function()'
  echo "  return wrk.format(\"GET\", \"$OBJECTS_PATH?limit=100&next=\" .. positions[math.random(#positions)])"
  echo 'end'
} > "$TMP/page.lua"

echo "== kongsi TAXII: $OBJECTS objects, GET page of 100 from $POSITIONS positions, $CONNECTIONS connections, $SECONDS_ s, policy=${POLICY:-0}"
# One page to check the response is a full page of objects.
curl -s -H 'Accept: application/taxii+json;version=2.1' -H "Authorization: Bearer $TOKEN" "$BASE$OBJECTS_PATH?limit=100" | python3 -c "import json,sys; d=json.load(sys.stdin); o=d.get('objects', []); print('page check: %d objects, more=%s, %d with a description' % (len(o), d.get('more'), sum('description' in x for x in o)))"
wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_}s" --latency -s "$TMP/page.lua" "$BASE" | tee "$TMP/wrk.out"
RPS=$(grep '^Requests/sec' "$TMP/wrk.out" | awk '{print $2}')
P99=$(grep -E '^ +99%' "$TMP/wrk.out" | awk '{print $2}')
echo "summary: policy=${POLICY:-0} objects=$OBJECTS positions=$POSITIONS connections=$CONNECTIONS requests_per_second=$RPS p99=$P99"

#!/usr/bin/env bash
# Federation benchmarks (DESIGN.md section 8: initial sync of 100,000 objects over loopback
# < 10 s; propagation of a new object to a peer < 1 s with peer notification). Two nodes in a
# temporary directory, both on 127.0.0.1:
#
#   P  holds OBJECTS generated indicators (TLP:GREEN) in collection `feed` and serves them;
#      its sharing policy lets node-q (a [[principal]] of kind "peer", organisation org-q)
#      read `feed` up to GREEN.
#   Q  starts empty and pulls P's `feed` into its own `feed` ([[peer]] node-p, interval 600s,
#      so that only the start, `sync run` and notifications make it pull).
#
# 1a. Initial sync with the CLI: `kongsi sync run --peer node-p` on Q (Q not serving), timed
#     with /usr/bin/time. A new Q and a freshly started P for every round.
# 1b. Initial sync inside `kongsi serve`: Q's server is started with the peer configured; the
#     time is from launching it until its worker logs the end of the pull ("pulled collection
#     ...: N new"; the log's timestamps are in milliseconds, the script only reads the log
#     file every 20 ms to know when to stop, which does not enter the figure). Q's server
#     is not polled over HTTP meanwhile.
# 2.  Propagation: P serves with a [[peer]] for Q (no pull or push: notifications only), Q
#     serves with its pull link from P (the Q of the last 1b round, already holding OBJECTS).
#     NEW_OBJECTS indicators are added to P one at a time (POST .../objects/, one object per
#     request, over a keep-alive connection), with a pause of 200-400 ms (random, fixed seed)
#     between them; for each, the time from P's 202 answer to the object being readable on Q
#     (GET .../objects/{id}/ on Q every 5 ms with a token Q issued, keep-alive). The pause is
#     random because P looks for changed collections every 200 ms: a fixed pause locks the
#     posts to one phase of that cycle. Both servers write access logs, from which the delay
#     is split into: 202 -> Q receives P's notification; notification -> Q's GET on P;
#     Q's GET -> readable on Q.
#
#   bench/federation_bench.sh [KONGSI_BIN] [OBJECTS] [ROUNDS] [NEW_OBJECTS]
#   defaults: build/release/kongsi 100000 3 100
# Prints figures, never pass/fail: per round the wall time, objects/s, the CPU time and peak
# RSS of P and Q, and, to tell a quiet machine from a busy one, the load average before it and
# the CPU time everything else used meanwhile (other_cpu, from /proc/stat) with the I/O wait.
# KEEP_TMP=1 keeps the temporary directory (data directories, logs, access logs).
set -euo pipefail

KONGSI=$(realpath "${1:-build/release/kongsi}")
OBJECTS=${2:-100000}
ROUNDS=${3:-3}
NEW_OBJECTS=${4:-100}
HERE=$(cd "$(dirname "$0")" && pwd)

[ -x /usr/bin/time ] || { echo "/usr/bin/time is missing (package time)" >&2; exit 2; }
TMP=$(mktemp -d /tmp/kongsi-federation-bench-XXXXXX)
P_PID=""
Q_PID=""
stop() {  # stop PID: SIGTERM, then SIGKILL after 20 s
  local pid=$1
  [ -n "$pid" ] || return 0
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  [ -f "$TMP/q.pid" ] && Q_PID=$(cat "$TMP/q.pid")
  stop "$Q_PID"
  stop "$P_PID"
  if [ -n "${KEEP_TMP:-}" ]; then echo "kept $TMP" >&2; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

load() { echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"; }
machine() {  # CPU seconds all processes have used since boot, and seconds of I/O wait
  awk -v hz="$(getconf CLK_TCK)" '/^cpu / {printf "%.2f %.2f\n", ($2 + $3 + $4 + $7 + $8 + $9) / hz, $6 / hz}' /proc/stat
}
others() {  # others BUSY0 IOWAIT0 OURS: CPU seconds used by everything but OURS since BUSY0,
            # and the I/O wait since IOWAIT0 (on a quiet machine both are near 0)
  local b w
  read -r b w < <(machine)
  awk -v b0="$1" -v w0="$2" -v b="$b" -v w="$w" -v ours="$3" 'BEGIN {
    o = b - b0 - ours; if (o < 0) o = 0; printf "other_cpu=%.2f s iowait=%.2f s", o, w - w0 }'
}
hwm_mb() { awk '/^VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }
cpu_s() {  # user + system CPU seconds of a live process
  awk -v hz="$(getconf CLK_TCK)" '{sub(/.*\) /, ""); printf "%.2f", ($12 + $13) / hz}' "/proc/$1/stat"
}
read -r P_PORT Q_PORT < <(python3 -c '
import socket
socks = [socket.socket() for _ in range(2)]
for s in socks: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in socks])')

# --- node P ---------------------------------------------------------------------------------
python3 "$HERE/gen_indicators.py" "$OBJECTS" > "$TMP/objects.json"
"$KONGSI" -q --data-dir "$TMP/p" init >/dev/null
P_FEED=$("$KONGSI" --data-dir "$TMP/p" collections create "Feed" --alias feed)
"$KONGSI" -q --data-dir "$TMP/p" ingest -c feed "$TMP/objects.json"
rm "$TMP/objects.json"
"$KONGSI" -q --data-dir "$TMP/p" token create --name node-q --org org-q --read feed > "$TMP/q-from-p.token"
WRITER=$("$KONGSI" -q --data-dir "$TMP/p" token create --name bench-writer --write feed)
cat > "$TMP/p.toml" <<TOML
[policy]
organisation = "org-p"

[[organisation]]
name = "org-p"

[[organisation]]
name = "org-q"

[[principal]]
name = "node-q"
organisation = "org-q"
kind = "peer"

[[agreement]]
name = "with-org-q"
with = ["org-q"]
collections = ["feed"]
max_tlp = "green"
TOML

start_p() {  # start_p CONFIG: P's server on P_PORT
  "$KONGSI" --data-dir "$TMP/p" serve --config "$1" --listen "127.0.0.1:$P_PORT" \
    > "$TMP/p.out" 2> "$TMP/p.err" &
  P_PID=$!
  for _ in $(seq 1 100); do grep -q 'serving TAXII' "$TMP/p.out" && return 0; sleep 0.1; done
  echo "P did not start:" >&2; cat "$TMP/p.out" "$TMP/p.err" >&2; exit 1
}
stop_p() { stop "$P_PID"; P_PID=""; }

new_q() {  # new_q DIR: an empty node Q whose kongsi.toml pulls P's feed
  rm -rf "$1"
  "$KONGSI" -q --data-dir "$1" init >/dev/null
  "$KONGSI" -q --data-dir "$1" collections create "Feed" --alias feed >/dev/null
  cat > "$1/kongsi.toml" <<TOML
[[peer]]
name = "node-p"
url = "http://127.0.0.1:$P_PORT/api1/"
token_file = "$TMP/q-from-p.token"
pull = [{ remote = "$P_FEED", into = "feed" }]
interval = "600s"
TOML
}

echo "== kongsi federation: $OBJECTS objects on P, $ROUNDS rounds, $NEW_OBJECTS new objects per propagation round"
echo "CPU: $(nproc) cores; $(load)"

# --- 1a: kongsi sync run ----------------------------------------------------------------------
echo
echo "-- initial sync with the CLI: kongsi sync run --peer node-p on Q (Q not serving)"
for r in $(seq 1 "$ROUNDS"); do
  start_p "$TMP/p.toml"
  p_cpu0=$(cpu_s "$P_PID")
  new_q "$TMP/qa"
  before=$(load)
  read -r busy0 wait0 < <(machine)
  /usr/bin/time -f "%e %U %S %M" -o "$TMP/time.out" \
    "$KONGSI" --data-dir "$TMP/qa" sync run --peer node-p > "$TMP/run.out" 2> "$TMP/run.err" ||
    { cat "$TMP/run.out" "$TMP/run.err" >&2; exit 1; }
  read -r wall user sys rss_kb < "$TMP/time.out"
  p_cpu=$(awk -v a="$p_cpu0" -v b="$(cpu_s "$P_PID")" 'BEGIN {printf "%.2f", b - a}')
  p_rss=$(hwm_mb "$P_PID")
  other=$(others "$busy0" "$wait0" "$(awk -v a="$p_cpu" -v u="$user" -v s="$sys" 'BEGIN {print a + u + s}')")
  stop_p
  echo "round $r ($before): $(cat "$TMP/run.out")"
  awk -v r="$r" -v n="$OBJECTS" -v w="$wall" -v u="$user" -v s="$sys" -v m="$rss_kb" \
      -v pc="$p_cpu" -v pm="$p_rss" 'BEGIN {
    printf "sync_run round=%d wall=%.2f s objects_per_second=%.0f q_cpu=%.2f s q_max_rss=%.0f MB p_cpu=%.2f s p_peak_rss=%d MB ",
      r, w, n / w, u + s, m / 1024, pc, pm }'
  echo "$other"
  rm -rf "$TMP/qa"
done

# --- 1b: kongsi serve on Q --------------------------------------------------------------------
echo
echo "-- initial sync inside kongsi serve on Q: from launching Q's server to its pull's end"
for r in $(seq 1 "$ROUNDS"); do
  start_p "$TMP/p.toml"
  p_cpu0=$(cpu_s "$P_PID")
  new_q "$TMP/qb"
  before=$(load)
  read -r busy0 wait0 < <(machine)
  python3 - "$KONGSI" "$TMP/qb" "$Q_PORT" "$TMP/q.pid" "$OBJECTS" > "$TMP/serve.out" <<'PY'
import datetime, os, re, signal, subprocess, sys, time
kongsi, data_dir, port, pid_file, objects = sys.argv[1:6]
err_path = data_dir + "-serve.err"
t0 = time.time()
q = subprocess.Popen([kongsi, "--data-dir", data_dir, "serve", "--listen", "127.0.0.1:" + port],
                     stdout=subprocess.DEVNULL, stderr=open(err_path, "w"))
with open(pid_file, "w") as f:
    f.write(str(q.pid))
line = None
try:
    while time.time() - t0 < 300 and q.poll() is None:
        m = re.search(r"^(\S+) info peer node-p: pulled collection \S+: (\d+) new.*$",
                      open(err_path).read(), re.M)
        if m:
            line = m
            break
        time.sleep(0.02)
    seen = time.time() - t0
    status = open("/proc/%d/status" % q.pid).read() if q.poll() is None else ""
    stat = open("/proc/%d/stat" % q.pid).read() if q.poll() is None else ""
finally:
    q.send_signal(signal.SIGTERM)
    try:
        q.wait(timeout=30)
    except subprocess.TimeoutExpired:
        q.kill()
        q.wait()
    os.remove(pid_file)
if line is None:
    sys.exit("Q's pull did not end within 300 s:\n" + open(err_path).read()[-3000:])
ended = datetime.datetime.strptime(line.group(1), "%Y-%m-%dT%H:%M:%S.%fZ").replace(
    tzinfo=datetime.timezone.utc).timestamp()
hwm = int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) // 1024
fields = stat.rsplit(")", 1)[1].split()
cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
print("%.3f %s %d %.2f %.2f %s" % (ended - t0, line.group(2), hwm, cpu, seen, line.group(0).split(" info ", 1)[1]))
PY
  read -r took stored q_rss q_cpu _ logline < "$TMP/serve.out"
  p_cpu=$(awk -v a="$p_cpu0" -v b="$(cpu_s "$P_PID")" 'BEGIN {printf "%.2f", b - a}')
  p_rss=$(hwm_mb "$P_PID")
  other=$(others "$busy0" "$wait0" "$(awk -v a="$p_cpu" -v q="$q_cpu" 'BEGIN {print a + q}')")
  stop_p
  objects_in=$("$KONGSI" --data-dir "$TMP/qb" sync status --format json |
               python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["objects_in"])')
  echo "round $r ($before): $logline (sync status: objects_in $objects_in)"
  awk -v r="$r" -v n="$stored" -v t="$took" -v qc="$q_cpu" -v qm="$q_rss" -v pc="$p_cpu" \
      -v pm="$p_rss" 'BEGIN {
    printf "serve round=%d start_to_all_stored=%.2f s objects=%d objects_per_second=%.0f q_cpu=%.2f s q_peak_rss=%d MB p_cpu=%.2f s p_peak_rss=%d MB ",
      r, t, n, n / t, qc, qm, pc, pm }'
  echo "$other"
done

# --- 2: propagation ---------------------------------------------------------------------------
echo
echo "-- propagation: one object at a time to P, time from P's 202 to readable on Q"
"$KONGSI" -q --data-dir "$TMP/qb" token create --name node-p --org org-p > "$TMP/p-from-q.token"
READER=$("$KONGSI" -q --data-dir "$TMP/qb" token create --name bench-reader --read feed)
Q_FEED=$("$KONGSI" --data-dir "$TMP/qb" collections list | awk '$NF == "(feed)" {print $1}')
{
  echo "[server]"
  echo "access_log = \"$TMP/p-access.log\""
  echo
  cat "$TMP/p.toml"
  cat <<TOML

[[peer]]
name = "node-q"
url = "http://127.0.0.1:$Q_PORT/api1/"
token_file = "$TMP/p-from-q.token"
TOML
} > "$TMP/p-notify.toml"
{
  echo "[server]"
  echo "access_log = \"$TMP/q-access.log\""
  echo
  cat "$TMP/qb/kongsi.toml"
} > "$TMP/q-pull.toml"
start_p "$TMP/p-notify.toml"
"$KONGSI" --data-dir "$TMP/qb" serve --config "$TMP/q-pull.toml" --listen "127.0.0.1:$Q_PORT" \
  > "$TMP/q.out" 2> "$TMP/q.err" &
Q_PID=$!
for _ in $(seq 1 100); do grep -q 'serving TAXII' "$TMP/q.out" && break; sleep 0.1; done
grep -q 'serving TAXII' "$TMP/q.out" || { echo "Q did not start:" >&2; cat "$TMP/q.err" >&2; exit 1; }
sleep 1  # Q's start-up pull (nothing new) is over
echo "$(load)"
read -r busy0 wait0 < <(machine)
p_cpu0=$(cpu_s "$P_PID")
q_cpu0=$(cpu_s "$Q_PID")
python3 - "$P_PORT" "$Q_PORT" "$P_FEED" "$Q_FEED" "$WRITER" "$READER" "$NEW_OBJECTS" "$ROUNDS" \
  > "$TMP/propagation.json" <<'PY'
import http.client, json, random, sys, time, uuid
p_port, q_port, p_feed, q_feed, writer, reader = sys.argv[1:7]
n, rounds = int(sys.argv[7]), int(sys.argv[8])
media = "application/taxii+json;version=2.1"
rng = random.Random(5)
post = http.client.HTTPConnection("127.0.0.1", int(p_port), timeout=10)
get = http.client.HTTPConnection("127.0.0.1", int(q_port), timeout=10)
post_headers = {"Accept": media, "Content-Type": media, "Authorization": "Bearer " + writer}
get_headers = {"Accept": media, "Authorization": "Bearer " + reader}
results = []
# Round 0 is one object to warm up (not counted): the first request with each token pays for
# its argon2id check (~90 ms), P's notification to Q and the reader's first GET on Q included.
for r in range(rounds + 1):
    for i in range(n if r else 1):
        ts = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
        o = {"type": "indicator", "spec_version": "2.1", "id": "indicator--%s" % uuid.uuid4(),
             "created": ts, "modified": ts, "name": "propagation %d.%d" % (r, i),
             "pattern": "[ipv4-addr:value = '198.51.100.%d']" % (i % 250 + 1),
             "pattern_type": "stix", "valid_from": ts,
             "object_marking_refs": ["marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"]}
        sent = time.time()
        post.request("POST", "/api1/collections/%s/objects/" % p_feed,
                     json.dumps({"objects": [o]}), post_headers)
        resp = post.getresponse()
        body = resp.read()
        acked = time.time()
        if resp.status != 202 or json.loads(body).get("success_count") != 1:
            sys.exit("POST to P failed: %d %r" % (resp.status, body[:300]))
        seen, polls = None, 0
        while time.time() - acked < 30:
            get.request("GET", "/api1/collections/%s/objects/%s/" % (q_feed, o["id"]),
                        headers=get_headers)
            g = get.getresponse()
            gbody = g.read()
            polls += 1
            if g.status == 200 and json.loads(gbody).get("objects"):
                seen = time.time()
                break
            time.sleep(0.005)
        results.append({"round": r, "id": o["id"], "sent": sent, "acked": acked,
                        "seen": seen, "polls": polls})
        time.sleep(0.2 + rng.random() * 0.2)
json.dump(results, sys.stdout)
PY
p_cpu=$(awk -v a="$p_cpu0" -v b="$(cpu_s "$P_PID")" 'BEGIN {printf "%.2f", b - a}')
q_cpu=$(awk -v a="$q_cpu0" -v b="$(cpu_s "$Q_PID")" 'BEGIN {printf "%.2f", b - a}')
echo "propagation phase: p_cpu=$p_cpu s q_cpu=$q_cpu s" \
  "$(others "$busy0" "$wait0" "$(awk -v a="$p_cpu" -v b="$q_cpu" 'BEGIN {print a + b}')") (other: the prober included)"
stop "$Q_PID"; Q_PID=""
stop_p  # both flush their access logs
python3 - "$TMP/propagation.json" "$TMP/p-access.log" "$TMP/q-access.log" "$P_FEED" <<'PY'
import datetime, json, math, sys
results = json.load(open(sys.argv[1]))
p_log = [json.loads(l) for l in open(sys.argv[2])]
q_log = [json.loads(l) for l in open(sys.argv[3])]
p_feed = sys.argv[4]
def ts(s):
    return datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=datetime.timezone.utc).timestamp()
notifies = sorted(ts(e["time"]) for e in q_log
                  if e["method"] == "POST" and e["target"].startswith("/kongsi/notify"))
pulls = sorted(ts(e["time"]) for e in p_log if e["method"] == "GET" and e["principal"] == "node-q"
               and "/collections/%s/objects/" % p_feed in e["target"])
def pct(values, q):  # nearest rank
    v = sorted(values)
    return v[max(0, math.ceil(q / 100 * len(v)) - 1)]
def line(name, values):
    ms = [x * 1000 for x in values]
    return "%s n=%d p50=%.0f ms p90=%.0f ms p99=%.0f ms max=%.0f ms min=%.0f ms" % (
        name, len(ms), pct(ms, 50), pct(ms, 90), pct(ms, 99), max(ms), min(ms))
lost = [r for r in results if r["seen"] is None]
done = [r for r in results if r["seen"] is not None and r["round"] > 0]
warm = results[0]
print("warm-up object (first notification and first requests with each token, not counted): %s" % (
    "%.0f ms" % ((warm["seen"] - warm["acked"]) * 1000) if warm["seen"] else "not readable in 30 s"))
for rnd in sorted({r["round"] for r in done}):
    print(line("propagation round=%d" % rnd, [r["seen"] - r["acked"] for r in done
                                             if r["round"] == rnd]))
print(line("propagation all rounds", [r["seen"] - r["acked"] for r in done]))
if lost:
    print("not readable on Q within 30 s: %d objects" % len(lost))
# Where the time goes: P's 202 -> Q receives the notification -> Q asks P -> readable on Q.
to_notify, to_pull, to_seen = [], [], []
for r in done:
    n = next((t for t in notifies if t >= r["sent"]), None)
    p = next((t for t in pulls if n is not None and t >= n), None)
    if n is None or p is None or p > r["seen"]:
        continue
    to_notify.append(max(0.0, n - r["acked"]))
    to_pull.append(p - n)
    to_seen.append(r["seen"] - p)
print(line("  202 -> notification received by Q", to_notify))
print(line("  notification -> Q's GET objects on P", to_pull))
print(line("  Q's GET on P -> readable on Q (5 ms polls)", to_seen))
print("notifications received by Q: %d, pulls of P's feed by Q: %d, GET polls on Q: %d" % (
    len(notifies), len(pulls), sum(r["polls"] for r in results)))
PY

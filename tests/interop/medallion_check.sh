#!/usr/bin/env bash
# Interoperability check of kongsi's federation (pull and push, `kongsi sync run`) with
# medallion, the OASIS TAXII 2.1 reference server (https://github.com/oasis-open/cti-taxii-server),
# an independent implementation of the standard. Not part of `make test` nor of CI: medallion is
# not a Debian package. It prints "skipped: ..." and exits 0 when medallion or its dependencies
# are missing.
#
#   git clone https://github.com/oasis-open/cti-taxii-server /tmp/medallion
#   git -C /tmp/medallion checkout v3.0.0          # the release (master works too, see below)
#   apt-get install python3-flask python3-flask-httpauth python3-tz python3-six
#   KONGSI_BIN=build/release/kongsi MEDALLION_DIR=/tmp/medallion tests/interop/medallion_check.sh
#
# medallion's master (after v3.0.0) needs more: the Debian packages python3-attr,
# python3-jsonschema, python3-appdirs, python3-packaging and python3-pkg-resources, and the
# pure-Python environ-config and jsonmerge, which Debian does not package: put their `environ`
# and `jsonmerge` package folders in a directory named by MEDALLION_PYTHONPATH.
#
# What it does, all on 127.0.0.1 (ephemeral ports), in a temporary directory removed at the end:
# starts medallion (memory backend, HTTP Basic, max_page_size 5) with a readable collection of
# 12 STIX 2.1 objects (three versions of one indicator; date_added values with 3, 0 and 6
# fraction digits) and an empty writable one; makes a kongsi node with a [[peer]] that pulls the
# first and pushes a local collection to the second; then checks, one line each:
#   - the first pull pages through `next` (3 pages) and stores every version, byte for byte equal
#     to what medallion serves; a second pull stores nothing new;
#   - objects added to medallion later (one new object, a fourth version; then 7 in one request,
#     sharing one date_added across two pages) arrive, and only they;
#   - a wrong password is an authentication failure, not a crash;
#   - push sends the GREEN and CLEAR objects, not the AMBER one (policy), medallion's status
#     resource is read (medallion answers "complete" at once), and GET objects returns them;
#   - versions medallion already holds, pushed by another node: medallion 3.0.0 reports them
#     as failures (kongsi retries them, at most 5 times), later medallion as successes.
# Exits 1 on the first failed check.
set -u

KONGSI_BIN=${KONGSI_BIN:-build/release/kongsi}
MEDALLION_DIR=${MEDALLION_DIR:-}
PYTHON=${PYTHON:-/usr/bin/python3}

skip() {
  echo "skipped: $*"
  exit 0
}

[ -x "$KONGSI_BIN" ] || skip "no kongsi binary at $KONGSI_BIN (build it, or set KONGSI_BIN)"
[ -x "$PYTHON" ] || skip "no Python at $PYTHON (set PYTHON)"
[ -n "$MEDALLION_DIR" ] || skip "set MEDALLION_DIR to a checkout of oasis-open/cti-taxii-server"
[ -f "$MEDALLION_DIR/medallion/scripts/run.py" ] ||
  skip "$MEDALLION_DIR is not a checkout of oasis-open/cti-taxii-server"
MEDALLION_PATH="$MEDALLION_DIR${MEDALLION_PYTHONPATH:+:$MEDALLION_PYTHONPATH}"
if ! missing=$(PYTHONPATH="$MEDALLION_PATH" "$PYTHON" -c \
  'import medallion.scripts.run' 2>&1 >/dev/null); then
  skip "medallion does not import (${missing##*$'\n'}): install python3-flask" \
    "python3-flask-httpauth python3-tz python3-six (and, for master, see this script's header)"
fi

export KONGSI_BIN MEDALLION_DIR MEDALLION_PATH
exec "$PYTHON" - <<'PY'
import base64
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid

KONGSI = os.path.abspath(os.environ["KONGSI_BIN"])
MEDALLION_DIR = os.environ["MEDALLION_DIR"]
MEDALLION_PATH = os.environ["MEDALLION_PATH"]
USER, PASSWORD = "kongsi", "medallion-pass"
PULL_ID = "0f4c8a4e-6c1e-4f0e-9b0a-6a1e2a3b4c01"  # readable collection, pulled
PUSH_ID = "0f4c8a4e-6c1e-4f0e-9b0a-6a1e2a3b4c02"  # writable collection, pushed to
TLP = {"clear": "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
       "green": "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
       "amber": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"}
TAXII = "application/taxii+json;version=2.1"


def check(label, condition, detail=""):
    print(("ok    " if condition else "FAIL  ") + label)
    if not condition:
        if detail:
            print(detail)
        sys.exit(1)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def medallion_version():
    try:
        return subprocess.run(["git", "-C", MEDALLION_DIR, "describe", "--tags", "--always"],
                              capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        pass
    with open(os.path.join(MEDALLION_DIR, "medallion", "version.py")) as f:
        version = re.search(r'__version__ = "([^"]+)"', f.read()).group(1)
    if os.path.exists(os.path.join(MEDALLION_DIR, "medallion", "config.py")):
        version += " (a later master: its version.py was not bumped after the release)"
    return version


def indicator(name, tlp="green", oid=None, modified="2024-01-01T00:00:00.000Z"):
    return {"type": "indicator", "spec_version": "2.1",
            "id": oid or "indicator--%s" % uuid.uuid4(),
            "created": "2024-01-01T00:00:00.000Z", "modified": modified, "name": name,
            "pattern": "[ipv4-addr:value = '198.51.100.1']", "pattern_type": "stix",
            "valid_from": "2024-01-01T00:00:00Z", "object_marking_refs": [TLP[tlp]]}


def medallion_data(port):
    """The memory backend's data file: discovery, one API root, two collections."""
    objects, manifest = [], []

    def add(o, date_added):
        objects.append(o)
        manifest.append({"id": o["id"], "date_added": date_added, "version": o["modified"],
                         "media_type": "application/stix+json;version=2.1"})

    versioned = "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"
    # Three versions of one object; `modified` with 3, 0 and 1 fraction digits.
    for k, modified in enumerate(["2024-01-01T00:00:00.000Z", "2024-01-02T00:00:00Z",
                                  "2024-01-03T00:00:00.5Z"]):
        add(indicator("v%d" % (k + 1), oid=versioned, modified=modified),
            "2024-02-01T00:00:%02d.000Z" % (k + 1))
    for n in range(9):
        add({"type": "malware", "spec_version": "2.1",
             "id": "malware--3c0ffee0-0000-4000-8000-%012d" % n,
             "created": "2024-01-05T00:00:00.000Z", "modified": "2024-01-05T00:00:00.000Z",
             "name": "family %d" % n, "is_family": True, "object_marking_refs": [TLP["green"]]},
            # date_added with 3, 0 and 6 fraction digits in turn
            ["2024-02-01T00:01:%02d.123Z", "2024-02-01T00:01:%02dZ",
             "2024-02-01T00:01:%02d.654321Z"][n % 3] % n)
    collection = lambda cid, title, objs, man: {
        "id": cid, "title": title, "can_read": True, "can_write": True,
        "media_types": ["application/stix+json;version=2.1"], "objects": objs, "manifest": man}
    root = "http://127.0.0.1:%d/api1/" % port
    return {"/discovery": {"title": "medallion for kongsi", "description": "interop check",
                           "contact": "none", "default": root, "api_roots": [root]},
            "api1": {"information": {"title": "interop", "description": "interop check",
                                     "versions": [TAXII], "max_content_length": 9765625},
                     "status": [],
                     "collections": [collection(PULL_ID, "pulled by kongsi", objects, manifest),
                                     collection(PUSH_ID, "pushed to by kongsi", [], [])]}}


class Medallion:
    def __init__(self, tmp):
        self.port = free_port()
        self.base = "http://127.0.0.1:%d" % self.port
        data = os.path.join(tmp, "medallion-data.json")
        config = os.path.join(tmp, "medallion-config.json")
        with open(data, "w") as f:
            json.dump(medallion_data(self.port), f)
        with open(config, "w") as f:
            json.dump({"backend": {"module": "medallion.backends.memory_backend",
                                   "module_class": "MemoryBackend", "filename": data},
                       "users": {USER: PASSWORD}, "taxii": {"max_page_size": 5}}, f)
        run = os.path.join(MEDALLION_DIR, "medallion", "scripts", "run.py")
        args = [sys.executable, run, "--host", "127.0.0.1", "--port", str(self.port)]
        with open(run) as f:
            if "--no-conf-dir" in f.read():  # master reads a config directory too
                args.append("--no-conf-dir")
        self.log = open(os.path.join(tmp, "medallion.log"), "w")
        env = dict(os.environ, PYTHONPATH=MEDALLION_PATH)
        self.proc = subprocess.Popen(args + [config], stdout=self.log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, env=env, cwd=tmp)
        deadline = time.monotonic() + 20
        while True:
            try:
                self.request("GET", "/api1/")
                return
            except (OSError, urllib.error.URLError):
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    with open(self.log.name) as f:
                        check("medallion starts", False, f.read()[-3000:])
                time.sleep(0.2)

    def request(self, method, path, body=None):
        headers = {"Accept": TAXII, "Authorization": "Basic " + base64.b64encode(
            ("%s:%s" % (USER, PASSWORD)).encode()).decode()}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = TAXII
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        with urllib.request.urlopen(req, timeout=10) as resp:
            text = resp.read().decode()
            return json.loads(text) if text else {}

    def add(self, collection_id, objects):
        return self.request("POST", "/api1/collections/%s/objects/" % collection_id,
                            {"objects": objects})

    def all_objects(self, collection_id):
        """Every version in the collection, following medallion's own `next`."""
        out, query = [], "?match%5Bversion%5D=all&limit=5"
        for _ in range(100):
            page = self.request("GET", "/api1/collections/%s/objects/%s" % (collection_id, query))
            out += page.get("objects", [])
            if not page.get("more"):
                return out
            query = "?match%%5Bversion%%5D=all&limit=5&next=%s" % page["next"]
        check("medallion's own paging ends", False)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.log.close()


class Node:
    def __init__(self, tmp, name, medallion, password_file, push=True):
        self.dir = os.path.join(tmp, name)
        self.cli("init")
        self.cli("collections", "create", "From medallion", "--alias", "from-medallion")
        self.cli("collections", "create", "To medallion", "--alias", "to-medallion")
        with open(os.path.join(self.dir, "kongsi.toml"), "w") as f:
            f.write("""[policy]
organisation = "my-cert"
default_tlp = "amber"

[[organisation]]
name = "my-cert"

[[organisation]]
name = "oasis-ref"

[[principal]]                  # medallion as the sharing policy sees it
name = "medallion"
organisation = "oasis-ref"
kind = "peer"

[[agreement]]
name = "with-oasis-ref"
with = ["oasis-ref"]
collections = ["to-medallion"]
max_tlp = "green"

[[peer]]
name = "medallion"
url = "%s/api1/"
username = "%s"
password_file = "%s"
organisation = "oasis-ref"
principal = "medallion"
notify_url = "none"            # not a kongsi node
pull = [{ remote = "%s", into = "from-medallion" }]
%s""" % (medallion.base, USER, password_file, PULL_ID,
         'push = [{ local = "to-medallion", to = "%s" }]\n' % PUSH_ID if push else ""))

    def cli(self, *args, ok=(0,)):
        r = subprocess.run([KONGSI, "--data-dir", self.dir] + list(args), capture_output=True,
                           text=True, stdin=subprocess.DEVNULL, timeout=120)
        if r.returncode not in ok:
            check("kongsi %s" % " ".join(args), False,
                  "exit %d\n%s\n%s" % (r.returncode, r.stdout, r.stderr[-3000:]))
        return r

    def sync(self, *flags, ok=(0,)):
        return self.cli("sync", "run", "--peer", "medallion", *flags, ok=ok)

    def versions(self, alias="from-medallion"):
        out = self.cli("export", "--collection", alias, "--versions", "all", "--format",
                       "jsonl").stdout
        return [json.loads(line) for line in out.splitlines() if line.strip()]


def counts(output, direction):
    """The numbers of the first `pull ...` or `push ...` line of `kongsi sync run`."""
    for line in output.splitlines():
        if line.startswith(direction + " "):
            return {k: int(v) for v, k in re.findall(r"(\d+) (pages|objects|new|already here|"
                                                     r"invalid|conflicts|sent|accepted|refused|"
                                                     r"given up)", line)}
    check("kongsi sync run prints a %s line" % direction, False, output)


def canonical(objects):
    return sorted(json.dumps(o, sort_keys=True) for o in objects)


def main():
    tmp = tempfile.mkdtemp(prefix="kongsi-medallion-")
    medallion = None
    try:
        version = subprocess.run([KONGSI, "--version"], capture_output=True, text=True).stdout
        print("kongsi: %s; medallion: %s at %s" % (version.strip(), medallion_version(),
                                                   MEDALLION_DIR))
        medallion = Medallion(tmp)
        password_file = os.path.join(tmp, "medallion.password")
        with open(password_file, "w") as f:
            f.write(PASSWORD + "\n")
        node = Node(tmp, "node", medallion, password_file)

        # --- pull ----------------------------------------------------------------------------
        r = node.sync("--pull-only")
        c = counts(r.stdout, "pull")
        check("first pull: %(pages)d pages (medallion's `next`, one token per session), "
              "%(objects)d objects, %(new)d new" % c,
              c["pages"] == 3 and c["objects"] == 12 and c["new"] == 12, r.stdout)
        served = medallion.all_objects(PULL_ID)
        stored = node.versions()
        check("every version stored, equal to what medallion serves (%d)" % len(stored),
              canonical(stored) == canonical(served) and len(served) == 12)
        r = node.sync("--pull-only")
        c = counts(r.stdout, "pull")
        check("second pull: nothing new (%(new)d new, %(already here)d already here)" % c,
              c["new"] == 0 and len(node.versions()) == 12, r.stdout)

        added = [indicator("posted later"),
                 indicator("v4", oid="indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
                           modified="2024-01-04T00:00:00.000Z")]
        medallion.add(PULL_ID, added)
        r = node.sync("--pull-only")
        c = counts(r.stdout, "pull")
        now = node.versions()
        check("after one object and a fourth version were added to medallion: %(new)d new" % c,
              c["new"] == 2 and canonical(now) == canonical(stored + added), r.stdout)
        bulk = [indicator("bulk %d" % i) for i in range(7)]
        bulk_status = medallion.add(PULL_ID, bulk)  # one date_added for all 7, over 2 pages
        r = node.sync("--pull-only")
        c = counts(r.stdout, "pull")
        check("7 objects added in one request (one date_added, two pages): %(new)d new in "
              "%(pages)d pages" % c,
              c["new"] == 7 and c["pages"] == 2 and len(node.versions()) == 21, r.stdout)
        r = node.sync("--pull-only")
        c = counts(r.stdout, "pull")
        check("pull again: %(new)d new, %(already here)d already here (the cursor's instant "
              "is read again)" % c, c["new"] == 0 and len(node.versions()) == 21, r.stdout)
        link = [l for l in json.loads(node.cli("sync", "status", "--peer", "medallion",
                                               "--format", "json").stdout)[0]["links"]
                if l["direction"] == "pull"][0]
        check("pull cursor is medallion's X-TAXII-Date-Added-Last (%s)" % link["cursor"],
              link["cursor"] == bulk_status["request_timestamp"], bulk_status["request_timestamp"])

        with open(password_file, "w") as f:
            f.write("wrong\n")
        r = node.sync("--pull-only", ok=(2,))
        check("wrong password: exit 2, HTTP 401 reported",
              "401" in r.stdout + r.stderr, r.stdout + r.stderr)
        with open(password_file, "w") as f:
            f.write(PASSWORD + "\n")

        # --- push ----------------------------------------------------------------------------
        local = [indicator("local green 1"), indicator("local green 2"),
                 indicator("local clear", "clear"), indicator("local amber", "amber")]
        bundle = os.path.join(tmp, "local.json")
        with open(bundle, "w") as f:
            json.dump({"type": "bundle", "id": "bundle--%s" % uuid.uuid4(), "objects": local}, f)
        node.cli("ingest", "--collection", "to-medallion", bundle)
        r = node.sync("--push-only")
        c = counts(r.stdout, "push")
        check("push: %(sent)d sent, %(accepted)d accepted (status resource read), "
              "%(refused)d refused" % c,
              c["sent"] == 3 and c["accepted"] == 3 and c["refused"] == 0, r.stdout)
        there = medallion.all_objects(PUSH_ID)
        check("medallion's GET objects returns the GREEN and CLEAR objects, not the AMBER one",
              canonical(there) == canonical(local[:3]), json.dumps(there))
        r = node.sync("--push-only")
        c = counts(r.stdout, "push")
        check("push again: nothing sent (%(sent)d)" % c, c["sent"] == 0, r.stdout)
        status = medallion.add(PUSH_ID, [indicator("status probe")])
        check("medallion's status resource: \"%s\" at once, GET status/{id}/ gives it again"
              % status["status"],
              medallion.request("GET", "/api1/status/%s/" % status["id"])["id"] == status["id"])

        # Versions medallion already has, pushed by another node.
        other = Node(tmp, "other", medallion, password_file)
        other.cli("ingest", "--collection", "to-medallion", bundle)
        r = other.sync("--push-only", ok=(0, 1))
        c = counts(r.stdout, "push")
        if c["refused"] == 3:
            print("note  this medallion reports versions it already has as failures "
                  "(\"Unable to process object\", medallion 3.0.0): kongsi keeps them for "
                  "another attempt, at most 5, then reports them as given up")
        check("push of versions medallion already has: %(accepted)d accepted, %(refused)d "
              "refused" % c, c["sent"] == 3 and c["accepted"] + c["refused"] == 3, r.stdout)
        print("all checks passed")
    finally:
        if medallion is not None:
            medallion.stop()
        shutil.rmtree(tmp, ignore_errors=True)


main()
PY

"""Federation end to end: three real nodes (A, B, C), each with its own data directory, port and
sharing policy, started here on 127.0.0.1 and synchronising over TAXII 2.1 with each other.

    A (org-a) --pull by B, notified--> B (org-b) --push, and pull back--> C (org-c)
    A pulls B (sightings come back)      C notifies B of its changes

What a user would check: GREEN goes A -> B -> C; AMBER from A reaches B and stops there
(origin binding); RED never leaves A; a GREEN sighting made at C comes back to A, the
producer, because the agreements say sightings flow; C down for a while catches up; a peer that
answers garbage slowly does not stall the others; `kongsi sync status` tells what happened.
A second class kills a pulling node with SIGKILL in the middle of a 10,000-object pull and
checks that after a restart it holds exactly the right set, once.
"""
import json
import os
import re
import socket
import threading
import time
import unittest
import uuid

from node_case import ServerProcess, ServerTestCase, TaxiiClient, stix_id, stix_indicator

TLP = {
    "clear": "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    "green": "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "amber": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "red": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}
PROPAGATION_TIMEOUT = 60  # seconds a change may take to cross (bounded polls, never a timing test)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def indicator(name, tlp, **extra):
    o = stix_indicator(**extra)
    o["name"] = name
    o["object_marking_refs"] = [TLP[tlp]]
    return o


def policy(own, peers, agreements, orgs=("org-a", "org-b", "org-c")):
    """A policy: organisations `orgs` in one community, `own` this node's, a peer principal per
    (name, organisation) in `peers`, an agreement on `shared` per (organisation, max_tlp)."""
    text = '[policy]\norganisation = "%s"\ndefault_tlp = "amber"\n\n' % own
    for org in orgs:
        text += '[[organisation]]\nname = "%s"\n\n' % org
    text += '[[community]]\nname = "asean"\nmembers = %s\n\n' % json.dumps(list(orgs))
    for name, org in peers:
        text += '[[principal]]\nname = "%s"\norganisation = "%s"\nkind = "peer"\n\n' % (name, org)
    for org, max_tlp in agreements:
        text += ('[[agreement]]\nname = "with-%s"\nwith = ["%s"]\ncollections = ["shared"]\n'
                 'max_tlp = "%s"\nsightings = true\n\n' % (org, org, max_tlp))
    return text


def peer(name, port, token_file, interval="60s", pull=None, push=None, extra=""):
    text = ('[[peer]]\nname = "%s"\nurl = "http://127.0.0.1:%d/api1/"\ntoken_file = "%s"\n'
            'interval = "%s"\n' % (name, port, token_file, interval))
    if pull:
        text += 'pull = [{ remote = "%s", into = "shared" }]\n' % pull
    if push:
        text += 'push = [{ local = "shared", to = "%s" }]\n' % push
    return text + extra + "\n"


class JunkPeer:
    """A peer that answers every request slowly (after `delay` s) with bytes that are not
    TAXII: the node talking to it must report it and carry on with the others."""

    def __init__(self, delay=3.0):
        self.delay = delay
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.stopping = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        self.sock.settimeout(0.5)
        while not self.stopping:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn):
        with conn:
            try:
                conn.settimeout(10)
                conn.recv(65536)
                end = time.monotonic() + self.delay
                while not self.stopping and time.monotonic() < end:
                    time.sleep(0.1)
                body = b"<html>this is not TAXII {{{"
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/taxii+json;"
                             b"version=2.1\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s"
                             % (len(body), body))
            except OSError:
                pass

    def close(self):
        self.stopping = True
        self.sock.close()
        self.thread.join(timeout=5)


class ThreeNodeFederationTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ports = {n: free_port() for n in "abc"}
        cls.dirs = {n: cls.new_node("node " + n) for n in "abc"}
        cls.shared = {n: cls.new_collection(cls.dirs[n], "Shared", alias="shared") for n in "abc"}
        # Tokens each node issues to the peers that call it, written where the caller reads them.
        grants = [("a", "node-b", "org-b", "b_to_a"),   # B pulls A
                  ("b", "node-a", "org-a", "a_to_b"),   # A pulls B, notifies B
                  ("b", "node-c", "org-c", "c_to_b"),   # C notifies B
                  ("c", "node-b", "org-b", "b_to_c")]   # B pushes to C, pulls C
        cls.token_files = {}
        for issuer, name, org, file in grants:
            token = cls.new_token(cls.dirs[issuer], name, read=["shared"], write=["shared"],
                                  org=org)
            path = os.path.join(cls.class_tmp, file + ".token")
            with open(path, "w") as f:
                f.write(token + "\n")
            cls.token_files[file] = path
        cls.reader = cls.new_token(cls.dirs["a"], "analyst-a", read=["shared"], org="org-a")
        cls.junk = JunkPeer()
        cls.addClassCleanup(cls.junk.close)
        p, t, s = cls.ports, cls.token_files, cls.shared
        cls.configs = {
            "a": policy("org-a", [("node-b", "org-b")], [("org-b", "amber")]) +
                 peer("node-b", p["b"], t["a_to_b"], interval="3600s", pull=s["b"]),
            "b": policy("org-b", [("node-a", "org-a"), ("node-c", "org-c")],
                        [("org-a", "amber"), ("org-c", "amber")]) +
                 peer("node-a", p["a"], t["b_to_a"], interval="3600s", pull=s["a"]) +
                 # Named apart from its principal: provenance and loop prevention use the
                 # principal (what C sends is never pushed back to it).
                 peer("c-node", p["c"], t["b_to_c"], interval="1s", pull=s["c"], push=s["c"],
                      extra='principal = "node-c"') +
                 peer("junk", cls.junk.port, t["b_to_a"], interval="1s", pull=s["a"],
                      extra='notify_url = "none"'),
            "c": policy("org-c", [("node-b", "org-b")], [("org-b", "amber")]) +
                 peer("node-b", p["b"], t["c_to_b"]),
        }
        cls.servers = {}
        for n in "abc":
            cls.start_node(n)

    @classmethod
    def start_node(cls, n):
        # In the data directory, where `kongsi sync status` and `sync run` read it too.
        with open(os.path.join(cls.dirs[n], "kongsi.toml"), "w") as f:
            f.write(cls.configs[n])
        server = ServerProcess(cls.dirs[n], listen="127.0.0.1:%d" % cls.ports[n])
        cls.addClassCleanup(server.stop)
        server.start()
        cls.servers[n] = server
        return server

    # --- helpers ----------------------------------------------------------------------------
    def ids_at(self, n):
        """Every object id in node n's `shared` collection (read from its store)."""
        out = self.cli_ok(self.dirs[n], "export", "--collection", "shared", "--format", "jsonl",
                          "--versions", "all")
        return {json.loads(line)["id"] for line in out.splitlines() if line.strip()}

    def versions_at(self, n):
        """(id, modified) of every version in node n's `shared`, as a sorted list."""
        out = self.cli_ok(self.dirs[n], "export", "--collection", "shared", "--format", "jsonl",
                          "--versions", "all")
        return sorted((o["id"], o.get("modified", "")) for o in
                      (json.loads(l) for l in out.splitlines() if l.strip()))

    def objects_at(self, n):
        out = self.cli_ok(self.dirs[n], "export", "--collection", "shared", "--format", "jsonl")
        return {o["id"]: o for o in (json.loads(l) for l in out.splitlines() if l.strip())}

    def wait_until_at(self, n, ids):
        deadline = time.monotonic() + PROPAGATION_TIMEOUT
        while time.monotonic() < deadline:
            if set(ids) <= self.ids_at(n):
                return
            time.sleep(0.2)
        self.fail("objects %s did not reach node %s within %d s; it has %s\n%s" % (
            sorted(set(ids) - self.ids_at(n)), n, PROPAGATION_TIMEOUT, sorted(self.ids_at(n)),
            "\n".join("node %s: %s\n%s" % (m, self.run_cli(self.dirs[m], "sync", "status")
                                              .stdout.decode(), self.servers[m].stderr_text()[-2000:])
                      for m in "abc")))

    def post(self, n, objects):
        """Adds objects to node n's `shared` through its own TAXII server (as its admin)."""
        token = self.new_token(self.dirs[n], "poster-" + uuid.uuid4().hex[:8], write=["shared"])
        client = TaxiiClient(self.servers[n].port, token)
        resp = client.post("/api1/collections/%s/objects/" % self.shared[n],
                           {"objects": objects})
        self.assertEqual(resp.status, 202, str(resp))
        self.assertEqual(resp.json()["success_count"], len(objects), str(resp))

    def sync_status(self, n, peer_name):
        out = self.cli_ok(self.dirs[n], "sync", "status", "--peer", peer_name, "--format", "json")
        return json.loads(out)[0]

    # --- the tests --------------------------------------------------------------------------
    def test_1_green_goes_from_a_through_b_to_c_and_amber_stops_at_b(self):
        green = indicator("green from a", "green")
        clear = indicator("clear from a", "clear")
        amber = indicator("amber from a", "amber")
        self.post("a", [amber, green, clear])
        self.wait_until_at("c", [green["id"], clear["id"]])
        self.wait_until_at("b", [amber["id"]])
        # AMBER received from org-a goes back only to org-a: never pushed to C, although B's
        # agreement with org-c allows AMBER for B's own objects.
        self.assertNotIn(amber["id"], self.ids_at("c"))
        at_b = self.objects_at("b")[green["id"]]
        self.assertEqual(at_b, green, "objects cross unchanged")
        # B stored them as from peer node-a: B's audit log names the disclosure to node-c.
        audit = self.cli_ok(self.dirs["b"], "audit", "--principal", "node-c", "--format", "csv")
        self.assertIn(green["id"], audit)
        self.assertNotIn(amber["id"], audit)
        # B's own AMBER goes to C (the agreement with org-c allows it).
        own_amber = indicator("amber from b", "amber")
        self.post("b", [own_amber])
        self.wait_until_at("c", [own_amber["id"]])
        status = self.sync_status("b", "c-node")
        self.assertGreaterEqual(status["objects_out"], 3, status)

    def test_2_red_never_leaves_its_node(self):
        red = indicator("red for analyst-a", "red", x_kongsi_recipients=["analyst-a"])
        marker = indicator("green marker", "green")
        self.post("a", [red, marker])
        self.wait_until_at("b", [marker["id"]])
        self.wait_until_at("c", [marker["id"]])
        self.assertNotIn(red["id"], self.ids_at("b"))
        self.assertNotIn(red["id"], self.ids_at("c"))
        # Its named recipient reads it at A.
        resp = TaxiiClient(self.servers["a"].port, self.reader).get(
            "/api1/collections/%s/objects/%s/" % (self.shared["a"], red["id"]))
        self.assertEqual(resp.status, 200, str(resp))

    def test_3_sighting_at_c_flows_back_to_the_producer(self):
        produced = indicator("seen later", "green")
        self.post("a", [produced])
        self.wait_until_at("c", [produced["id"]])
        sighting = {"type": "sighting", "spec_version": "2.1", "id": stix_id("sighting"),
                    "created": "2026-02-01T00:00:00.000Z", "modified": "2026-02-01T00:00:00.000Z",
                    "sighting_of_ref": produced["id"], "count": 3,
                    "object_marking_refs": [TLP["green"]]}
        self.post("c", [sighting])
        self.wait_until_at("a", [sighting["id"]])  # C -> B (notified pull) -> A (notified pull)
        # B got it from C, so B never pushed it back to C (its audit log would say so).
        self.cli_ok(self.dirs["b"], "sync", "run", "--peer", "c-node", "--push-only")
        audit = self.cli_ok(self.dirs["b"], "audit", "--principal", "node-c", "--format", "csv")
        self.assertIn(produced["id"], audit)
        self.assertNotIn(sighting["id"], audit)

    def test_4_c_down_for_a_while_catches_up(self):
        stopped_at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        self.servers["c"].stop()
        missed = indicator("sent while c was down", "green")
        self.post("a", [missed])
        self.wait_until_at("b", [missed["id"]])
        deadline = time.monotonic() + PROPAGATION_TIMEOUT
        while True:
            status = self.sync_status("b", "c-node")
            if status["last_error"] and status["last_error_at"] >= stopped_at:
                break
            self.assertLess(time.monotonic(), deadline, "B never noticed C was down")
            time.sleep(0.3)
        self.start_node("c")
        self.wait_until_at("c", [missed["id"]])
        # Nothing doubled: each version once, and a further run has nothing to send.
        versions = self.versions_at("c")
        self.assertEqual(len(versions), len(set(versions)), versions)
        out = self.cli_ok(self.dirs["b"], "sync", "run", "--peer", "c-node", "--push-only")
        self.assertRegex(out, r"push shared -> %s: 0 sent" % self.shared["c"])
        self.assertEqual(self.versions_at("c"), versions)

    def test_5_a_peer_answering_garbage_slowly_does_not_stall_the_others(self):
        # The junk peer has been failing (slowly) since the start; B still moves objects.
        fresh = indicator("while junk answers", "green")
        self.post("a", [fresh])
        self.wait_until_at("c", [fresh["id"]])
        deadline = time.monotonic() + PROPAGATION_TIMEOUT
        while True:
            status = self.sync_status("b", "junk")
            if status["last_error"]:
                break
            self.assertLess(time.monotonic(), deadline, "no error recorded for the junk peer")
            time.sleep(0.3)
        self.assertRegex(status["last_error"], "not JSON|not a TAXII|line 1")
        self.assertEqual(status["objects_in"], 0, status)
        text = self.cli_ok(self.dirs["b"], "sync", "status")
        self.assertIn("peer junk", text)
        self.assertIn("last error", text)

    def test_6_sync_run_reports_each_link(self):
        out = self.cli_ok(self.dirs["b"], "sync", "run", "--peer", "node-a")
        self.assertRegex(out, r"pull %s -> shared: \d+ pages" % self.shared["a"])
        p = self.run_cli(self.dirs["b"], "sync", "run", "--peer", "nobody")
        self.assertEqual(p.returncode, 2)
        self.assertIn("no peer named nobody", p.stderr.decode())


class NotificationEndpointTest(ServerTestCase):
    """POST /kongsi/notify: only configured peers are heard, with a well-formed body."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dir = cls.new_node("notified")
        cls.shared = cls.new_collection(cls.dir, "Shared", alias="shared")
        cls.peer_token = cls.new_token(cls.dir, "node-x", read=["shared"], org="org-x")
        cls.other_token = cls.new_token(cls.dir, "someone", read=["shared"])
        token_file = os.path.join(cls.class_tmp, "x.token")
        with open(token_file, "w") as f:
            f.write(cls.peer_token + "\n")
        config = ('[[peer]]\nname = "node-x"\nurl = "http://127.0.0.1:9/api1/"\n'
                  'token_file = "%s"\npull = [{ remote = "remote-col", into = "shared" }]\n'
                  % token_file)
        cls.server = cls.start_server(cls.dir, config)

    def notify(self, token, body, method="POST"):
        from node_case import http_request
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = "Bearer " + token
        return http_request(self.server.port, method, "/kongsi/notify",
                            body=json.dumps(body).encode() if body is not None else None,
                            headers=headers)

    def test_answers(self):
        self.assertEqual(self.notify(self.peer_token, {"collection": "remote-col"}).status, 202)
        self.assertEqual(self.notify(self.peer_token, {"collection": "other"}).status, 404)
        self.assertEqual(self.notify(self.other_token, {"collection": "remote-col"}).status, 403)
        self.assertEqual(self.notify(None, {"collection": "remote-col"}).status, 401)
        self.assertEqual(self.notify(self.peer_token, {"collections": 1}).status, 400)
        self.assertEqual(self.notify(self.peer_token, None, method="GET").status, 405)
        self.assertEqual(self.notify(self.peer_token, {"collection": "x" * 5000}).status, 413)


class KilledInTheMiddleOfAPullTest(ServerTestCase):
    """Q pulls 10,000 objects from P in pages of 50; Q is killed with SIGKILL part-way, then
    restarted: it ends with exactly P's set, each version once."""

    OBJECTS = 10000

    def test_kill_9_mid_pull_then_restart(self):
        p_dir, q_dir = self.new_node("producer"), self.new_node("puller")
        p_shared = self.new_collection(p_dir, "Shared", alias="shared")
        self.new_collection(q_dir, "Shared", alias="shared")
        objects = [indicator("bulk %d" % i, "green") for i in range(self.OBJECTS)]
        self.ingest_objects(p_dir, p_shared, objects)
        token = self.new_token(p_dir, "node-q", read=["shared"], org="org-q")
        token_file = os.path.join(self.tmp, "q.token")
        with open(token_file, "w") as f:
            f.write(token + "\n")
        p_conf = '[taxii]\nmax_page_size = 50\n\n' + policy(
            "org-p", [("node-q", "org-q")], [("org-q", "green")], orgs=("org-p", "org-q"))
        producer = self.start_server(p_dir, p_conf, cleanup=self.addCleanup)
        q_conf = peer("node-p", producer.port, token_file, pull=p_shared)
        with open(os.path.join(q_dir, "kongsi.toml"), "w") as f:
            f.write(q_conf)
        q = ServerProcess(q_dir)
        self.addCleanup(q.stop)
        q.start()
        # Kill as soon as some objects are stored, well before 200 pages are through.
        deadline = time.monotonic() + PROPAGATION_TIMEOUT
        while True:
            self.assertLess(time.monotonic(), deadline, "the pull never started")
            stats = self.run_cli(q_dir, "stats")
            m = re.search(r"(\d+) versions\s+\S+\s+Shared", stats.stdout.decode())
            if m and int(m.group(1)) > 0:
                break
            time.sleep(0.02)
        q.kill()
        partial = self.stored_ids(q_dir)
        self.assertGreater(len(partial), 0)
        self.assertLess(len(partial), self.OBJECTS, "the kill came after the pull had ended")
        q = ServerProcess(q_dir)
        self.addCleanup(q.stop)
        q.start()
        deadline = time.monotonic() + PROPAGATION_TIMEOUT * 3
        while len(self.stored_ids(q_dir)) < self.OBJECTS:
            self.assertLess(time.monotonic(), deadline, "the pull did not resume")
            time.sleep(0.3)
        q.stop()
        lines = self.cli_ok(q_dir, "export", "--collection", "shared", "--format", "jsonl",
                            "--versions", "all").splitlines()
        ids = [json.loads(l)["id"] for l in lines if l.strip()]
        self.assertEqual(len(ids), len(set(ids)), "a version was stored twice")
        self.assertEqual(set(ids), {o["id"] for o in objects})

    def stored_ids(self, d):
        out = self.cli_ok(d, "export", "--collection", "shared", "--format", "jsonl",
                          "--versions", "all")
        return [json.loads(l)["id"] for l in out.splitlines() if l.strip()]


if __name__ == "__main__":
    unittest.main()

#!/usr/bin/env python3
"""The straightforward way to match a log against a list of values, for comparison with
`kongsi match` (bench/match_bench.sh): Python's json module and a set, over the fields an
analyst would script (EVE: src_ip, dest_ip, dns.rrname, dns answers' rdata, http.hostname,
tls.sni; Zeek TSV: id.orig_h, id.resp_h, query, answers, host, server_name).

    match_baseline.py VALUES_FILE LOG   -> prints "lines=N hits=M"
"""
import json
import sys


def main():
    values = set(l.strip().lower() for l in open(sys.argv[1]) if l.strip())
    lines = hits = 0
    fields = None
    with open(sys.argv[2], errors="replace") as f:
        for line in f:
            lines += 1
            if line.startswith("{"):
                try:
                    e = json.loads(line)
                except ValueError:
                    continue
                found = [e.get("src_ip"), e.get("dest_ip")]
                dns = e.get("dns")
                if dns:
                    found.append(dns.get("rrname"))
                    for a in dns.get("answers", ()) or ():
                        found.append(a.get("rdata"))
                if "http" in e:
                    found.append(e["http"].get("hostname"))
                if "tls" in e:
                    found.append(e["tls"].get("sni"))
            elif line.startswith("#"):
                if line.startswith("#fields"):
                    fields = line.rstrip("\n").split("\t")[1:]
                continue
            else:
                row = dict(zip(fields, line.rstrip("\n").split("\t")))
                found = [row.get("id.orig_h"), row.get("id.resp_h"), row.get("query"),
                         row.get("host"), row.get("server_name")]
                found += (row.get("answers") or "").split(",")
            for v in found:
                if isinstance(v, str) and v.lower().rstrip(".") in values:
                    hits += 1
    print("lines=%d hits=%d" % (lines, hits))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Drives `chiron match --jsonl -` through a pipe, one query at a time, and
times each answer from the moment the query line is written to the moment
its result line is read (so the figure includes parsing the query and
writing the JSON result, and the pipe's round trip).

    bench/latency.py CHIRON DB QUERIES.jsonl [--compacts FILE] [--out RESULTS.jsonl]

Prints one JSON line: queries, p50/p99/max in ms, index build seconds and
resident memory as chiron reported them (--stats on stderr).
"""
import json, subprocess, sys, time, argparse

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("chiron"); ap.add_argument("db"); ap.add_argument("queries")
    ap.add_argument("--compacts"); ap.add_argument("--out")
    a = ap.parse_args()
    cmd = [a.chiron, "match", "--db", a.db, "--jsonl", "--stats"]
    if a.compacts:
        cmd += ["--compacts", a.compacts]
    cmd += ["-"]
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, bufsize=1 << 20)
    stats = {}
    # chiron prints "index: ..." as JSON on stderr once the index is built.
    line = p.stderr.readline()
    try:
        stats = json.loads(line)
    except ValueError:
        sys.exit("chiron did not start: %s %s" % (line, p.stderr.read()[-500:]))
    ready = time.perf_counter() - t0
    out = open(a.out, "w") if a.out else None
    lat = []
    rd = p.stdout
    for q in open(a.queries, "rb"):
        if not q.strip():
            continue
        t = time.perf_counter_ns()
        p.stdin.write(q if q.endswith(b"\n") else q + b"\n")
        p.stdin.flush()
        r = rd.readline()
        lat.append((time.perf_counter_ns() - t) / 1e6)
        if out:
            out.write(r.decode())
    p.stdin.close()
    p.wait()
    # After the last query chiron prints its in-process phase times.
    for extra in p.stderr.read().decode().splitlines():
        try:
            stats.update({"inproc_" + k: v for k, v in json.loads(extra).items() if k != "queries"})
        except ValueError:
            pass
    lat.sort()
    pick = lambda f: lat[min(len(lat) - 1, int(f * len(lat)))]
    res = {"queries": len(lat), "p50_ms": round(pick(0.50), 3), "p99_ms": round(pick(0.99), 3),
           "max_ms": round(lat[-1], 3), "mean_ms": round(sum(lat) / len(lat), 3),
           "startup_s": round(ready, 2)}
    res.update(stats)
    print(json.dumps(res))

if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""match.py: POST every query of a JSON Lines file to /api/v1/match and
compare each answer, byte for byte (but for the trailing newline), with the
line `chiron match --jsonl` printed for the same query.

    match.py PORT QUERIES.jsonl CLI_OUTPUT.jsonl EXPECTED_LOG OUTDIR

Twice: "seq" sends the queries one after another on one keep-alive
connection; "par" sends them from 8 threads at once (a connection each),
so the server's pool of match contexts is shared. After a request times
out no more are sent (and OUTDIR/match_hung says so). For each mode, writes
OUTDIR/match_MODE.out (a summary and the first differences) and, when
every answer is equal, OUTDIR/match_MODE.pass. Every request appends
"POST /api/v1/match STATUS" to EXPECTED_LOG (the access log check counts
them).
"""
import http.client
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

PATH = "/api/v1/match"
hung = threading.Event()  # set when a request timed out: send no more


def run(mode, port, qs, want, log):
    local = threading.local()

    def post(i):
        if hung.is_set():
            return i, None, None, b"not sent: the server stopped answering"
        c = getattr(local, "c", None)
        if c is None:
            c = local.c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            c.request("POST", PATH, qs[i], {"Content-Type": "application/json"})
            r = c.getresponse()
            body = r.read()
        except (OSError, http.client.HTTPException) as e:
            if isinstance(e, TimeoutError):
                hung.set()
            c.close()
            local.c = None
            return i, None, None, str(e).encode()
        if r.will_close:
            c.close()
            local.c = None
        return i, r.status, r.getheader("Content-Type"), body

    if mode == "seq":
        answers = [post(i) for i in range(len(qs))]
    else:
        with ThreadPoolExecutor(max_workers=8) as ex:
            answers = list(ex.map(post, range(len(qs))))

    bad = []
    with open(log, "a") as f:
        for i, status, ctype, body in answers:
            if status is not None:
                f.write(f"POST {PATH} {status}\n")
            got = body[:-1] if body.endswith(b"\n") else body
            is_error = want[i].startswith(b'{"error"')
            if status != (400 if is_error else 200):
                bad.append(f"query {i + 1}: status {status}: {got[:200]!r}")
            elif not (ctype or "").startswith("application/json"):
                bad.append(f"query {i + 1}: Content-Type {ctype}")
            elif got != want[i]:
                k = next((j for j in range(min(len(got), len(want[i])))
                          if got[j] != want[i][j]), min(len(got), len(want[i])))
                bad.append(f"query {i + 1}: differs at byte {k}: API "
                           f"{got[max(0, k - 60):k + 60]!r} CLI {want[i][max(0, k - 60):k + 60]!r}")
    return [f"{mode}: {len(qs) - len(bad)} of {len(qs)} answers equal the CLI's"] + bad[:5], not bad


def main():
    port, queries, cli_out, log, outdir = sys.argv[1:6]
    with open(queries, "rb") as f:
        qs = [line[:-1] if line.endswith(b"\n") else line for line in f if line.strip()]
    with open(cli_out, "rb") as f:
        want = [line[:-1] if line.endswith(b"\n") else line for line in f]
    for mode in ("seq", "par"):
        if len(want) != len(qs):
            lines, good = [f"the CLI printed {len(want)} lines for {len(qs)} queries"], False
        else:
            lines, good = run(mode, int(port), qs, want, log)
        with open(f"{outdir}/match_{mode}.out", "w") as f:
            f.write("\n".join(lines) + "\n")
        if good:
            open(f"{outdir}/match_{mode}.pass", "w").close()
    if hung.is_set():
        open(f"{outdir}/match_hung", "w").close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

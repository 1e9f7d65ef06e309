#!/usr/bin/env python3
"""A storm of writes against a running chiron, and the check that every
write it answered 2xx is still there after the server was killed
(tests/durability.sh).

  storm.py storm BASE PID STATE ROUND AFTER
        Writers (bookings, consultation requests, listing edits) run at
        once, each on its own keep-alive connection, recording every write
        answered 2xx with what it wrote. Once AFTER writes were answered
        (a count, never a time), the server (PID) gets SIGKILL; the
        writers stop at their next failed call. The record of the round
        is added to STATE (JSON).
  storm.py verify BASE STATE
        Every recorded write is looked for through the API: each booking
        in its seeker's appointments, each request's message in its
        seeker's sent requests, each listing's fee the last one answered
        (or the one in flight when the server died).

STATE holds the people (made by durability.sh with `chiron sessions add`
and `chiron user add`) under "seekers" and "editors", and what each round
wrote under "bookings", "requests" and "edits".

Prints "ok NAME" / "not ok NAME" lines.
"""
import http.client, json, os, signal, sys, threading, time

fails = 0


def ok(name, cond, why=""):
    global fails
    if cond:
        print("ok " + name)
    else:
        fails += 1
        print("not ok " + name)
        for line in str(why).splitlines()[:10]:
            print("#   " + line)


class Conn:
    """One keep-alive connection, from a loopback address of its own."""

    def __init__(self, base, src=None):
        host, port = base.split("//")[1].split(":")
        self.host, self.port, self.src = host, int(port), src
        self.c = None

    def call(self, method, path, body=None, who=None):
        if self.c is None:
            self.c = http.client.HTTPConnection(self.host, self.port, timeout=60,
                                                source_address=(self.src, 0) if self.src else None)
        h = {}
        if body is not None:
            h["Content-Type"] = "application/json"
            body = json.dumps(body)
        if who:
            h["Cookie"] = who["cookie"]
            h["X-CSRF-Token"] = who["csrf"]
        try:
            self.c.request(method, path, body=body, headers=h)
            r = self.c.getresponse()
            data = r.read()
        except (OSError, http.client.HTTPException):
            self.c.close()
            self.c = None
            return 0, None
        try:
            return r.status, json.loads(data) if data else None
        except ValueError:
            return r.status, data


def storm(base, pid, state_file, rnd, after):
    st = json.load(open(state_file))
    lock = threading.Lock()
    answered = [0]
    other = []                      # answers neither 2xx nor an expected refusal
    stop = threading.Event()
    killed = threading.Event()
    got = {"bookings": [], "requests": [], "edits": []}
    inflight = {}                   # therapist id -> fee of the last edit sent
    baseline = {}                   # therapist id -> fee when the round began

    def acked(kind, rec):
        with lock:
            got[kind].append(rec)
            answered[0] += 1
            if answered[0] >= after and not killed.is_set():
                os.kill(pid, signal.SIGKILL)
                killed.set()

    def unexpected(what, status, body):
        if not killed.is_set():
            with lock:
                other.append("%s: %s %s" % (what, status, str(body)[:200]))

    def booker(i, who, tid):
        c = Conn(base, "127.0.%d.%d" % (10 + rnd, i + 1))
        s, d = c.call("GET", "/api/v1/therapists/%s/slots?kind=individual&days=60" % tid)
        if s != 200:
            unexpected("slots " + tid, s, d)
            return
        for slot in d["slots"]:
            if stop.is_set():
                return
            s, d = c.call("POST", "/api/v1/appointments",
                          {"therapist_id": tid, "kind": "individual", "start": slot["start"]}, who)
            if s == 201:
                acked("bookings", {"seeker": who["uid"], "therapist_id": tid, "start": slot["start"]})
            elif s == 0:
                return
            elif s != 409:
                unexpected("booking", s, d)

    def asker(i, people):
        n = 0
        for k, who in enumerate(people):
            c = Conn(base, "127.0.%d.%d" % (20 + rnd, 16 * i + k + 1))
            for _ in range(25):     # under the 30 an hour each account may send
                if stop.is_set():
                    return
                msg = "storm round %d asker %d number %d" % (rnd, i, n)
                n += 1
                s, d = c.call("POST", "/api/v1/requests", {"therapist_id": st["ask_tid"], "message": msg}, who)
                if s == 201:
                    acked("requests", {"seeker": who["uid"], "message": msg})
                elif s == 0:
                    return
                else:
                    unexpected("request", s, d)

    def editor(i, who):
        c = Conn(base, "127.0.%d.%d" % (30 + rnd, i + 1))
        s, rec = c.call("GET", "/api/v1/listing/record", who=who)
        if s != 200:
            unexpected("record " + who["tid"], s, rec)
            return
        with lock:
            baseline[who["tid"]] = rec["fee"]["session"]
        fee = 1000 * rnd + 100 * i
        while not stop.is_set():
            fee += 1
            rec["fee"]["session"] = fee
            with lock:
                inflight[who["tid"]] = fee
            s, d = c.call("PUT", "/api/v1/listing/record", rec, who)
            if s == 200:
                acked("edits", {"therapist_id": who["tid"], "fee": fee})
            elif s == 0:
                return
            else:
                unexpected("edit", s, d)

    ts = []
    seekers = st["seekers"][rnd]
    for i in range(6):
        ts.append(threading.Thread(target=booker, args=(i, seekers[i], st["book_tids"][i])))
    for i in range(3):
        ts.append(threading.Thread(target=asker, args=(i, seekers[6 + 4 * i: 10 + 4 * i])))
    for i, who in enumerate(st["editors"]):
        ts.append(threading.Thread(target=editor, args=(i, who)))
    for t in ts:
        t.start()
    # A watchdog of minutes, never a measure.
    killed.wait(300)
    stop.set()
    for t in ts:
        t.join()
    ok("round%d_killed_after_%d_answered" % (rnd, after), killed.is_set(),
       "only %d writes were answered" % answered[0])
    ok("round%d_no_unexpected_answers" % rnd, not other, "\n".join(other[:10]))
    ok("round%d_all_kinds_written" % rnd, all(got[k] for k in got),
       {k: len(v) for k, v in got.items()})
    for k in got:
        st.setdefault(k, []).extend(got[k])
    # The fee each listing may hold: the last answered or the one in flight.
    for tid, fee in inflight.items():
        last = max([e["fee"] for e in got["edits"] if e["therapist_id"] == tid],
                   default=baseline[tid])
        st.setdefault("fees", {})[tid] = [last, fee]
    json.dump(st, open(state_file, "w"))
    print("# round %d: %d bookings, %d requests, %d edits answered before SIGKILL"
          % (rnd, len(got["bookings"]), len(got["requests"]), len(got["edits"])))


def verify(base, state_file):
    st = json.load(open(state_file))
    c = Conn(base)
    people = {}
    for rnd in st["seekers"]:
        for who in rnd:
            people[who["uid"]] = who
    # Bookings: each in its seeker's appointments, booked.
    missing = []
    by_seeker = {}
    for b in st.get("bookings", []):
        by_seeker.setdefault(b["seeker"], []).append(b)
    for uid, bs in by_seeker.items():
        s, d = c.call("GET", "/api/v1/appointments", who=people[uid])
        have = {(a["therapist_id"], a["start"]) for a in (d or {}).get("appointments", [])
                if a["status"] == "booked"} if s == 200 else set()
        missing += ["booking %s %s" % (b["therapist_id"], b["start"]) for b in bs
                    if (b["therapist_id"], b["start"]) not in have]
    ok("every_answered_booking_kept", not missing,
       "%d of %d missing: %s" % (len(missing), len(st.get("bookings", [])), missing[:5]))
    # Requests: each message in its seeker's sent list.
    missing = []
    by_seeker = {}
    for r in st.get("requests", []):
        by_seeker.setdefault(r["seeker"], []).append(r)
    for uid, rs in by_seeker.items():
        s, d = c.call("GET", "/api/v1/requests", who=people[uid])
        have = {x["message"] for x in (d or {}).get("sent", [])} if s == 200 else set()
        missing += [r["message"] for r in rs if r["message"] not in have]
    ok("every_answered_request_kept", not missing,
       "%d of %d missing: %s" % (len(missing), len(st.get("requests", [])), missing[:5]))
    # Edits: the public record holds the last answered fee (or the next).
    wrong = []
    for tid, (last, flying) in st.get("fees", {}).items():
        s, d = c.call("GET", "/api/v1/therapists/" + tid)
        fee = d.get("fee", {}).get("session") if s == 200 and isinstance(d, dict) else None
        if fee not in (last, flying):
            wrong.append("%s: fee %s, answered %s, in flight %s" % (tid, fee, last, flying))
    ok("every_answered_edit_kept", not wrong and st.get("fees"), "\n".join(wrong) or "no edits")


def setup(base, state_file, rounds_file, editors):
    """STATE from the seekers of each round (ROUNDS: one file of `chiron
    sessions add` lines per round, space-separated) and the editors
    (HANDLE:PASSWORD:TID, signed in here through the API)."""
    st = {"seekers": [], "editors": [], "book_tids": ["t-900000%d" % i for i in range(1, 7)],
          "ask_tid": "t-9000007"}
    for f in rounds_file.split():
        rnd = []
        for line in open(f):
            uid, tok, csrf = line.split()
            rnd.append({"uid": int(uid), "cookie": "chiron_session=" + tok, "csrf": csrf})
        st["seekers"].append(rnd)
    c = Conn(base)
    # The editors are therapists: their second factor's code goes with the
    # password (tests/lib/totp.py, the suite's clock and steps given).
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
    import totp
    codes = totp.Codes(os.path.dirname(os.path.abspath(state_file)))
    for e in editors:
        handle, pw, tid = e.split(":")
        conn = http.client.HTTPConnection(c.host, c.port, timeout=60)
        conn.request("POST", "/api/v1/session", body=json.dumps({"login": handle, "password": pw,
                                                                 "code": codes.code(handle)}),
                     headers={"Content-Type": "application/json"})
        r = conn.getresponse()
        d = json.loads(r.read())
        cookie = [v.split(";")[0] for k, v in r.getheaders() if k.lower() == "set-cookie"][0]
        conn.close()
        ok("editor_%s_signed_in" % handle, r.status == 200, r.status)
        st["editors"].append({"tid": tid, "cookie": cookie, "csrf": d["csrf"]})
    json.dump(st, open(state_file, "w"))


def main():
    if sys.argv[1] == "setup":
        setup(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:])
    elif sys.argv[1] == "storm":
        storm(sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5]), int(sys.argv[6]))
    else:
        verify(sys.argv[2], sys.argv[3])
    sys.exit(1 if fails else 0)


if __name__ == "__main__":
    main()

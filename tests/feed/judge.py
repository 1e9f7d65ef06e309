#!/usr/bin/python3
"""judge.py: a calendar feed, as one parser read it, against what the
store holds. Standard library only (zoneinfo): the expected events are
worked out here from the appointments and series as the store gives them
back (the hidden `chiron appointment list`, `series show`, `account show`
of $CHIRON_BIN: never the database's tables), not by chiron's feed code.

    judge.py DB DIRECTORY VIEW HANDLE FEED.ics PARSED.json PREFIX

VIEW is "seeker" (HANDLE's appointments, "Therapy with" the listing's
name) or "therapist" (the appointments of HANDLE's listing, "Session
with" the seeker's pseudonym). PARSED is read_icalendar.py's or
read_icaljs.mjs's output for FEED. Prints one line per check, named
PREFIX_CHECK: "PASS NAME" or "FAIL NAME<TAB>why".

What a feed must be, from the rows:
  - every booked appointment is one occurrence: its UID (series-ID@chiron
    for a series' row, else appt-ID@chiron), its start and end, its zone
    as TZID, its wall time in that zone, the summary of the view, status
    CONFIRMED; a single cancelled within 30 days is there as CANCELLED;
    nothing else is;
  - a series is ONE event with RRULE FREQ=WEEKLY, its interval and count,
    DTSTART at its wall time on its first day; its EXDATEs are exactly
    the occurrences not booked; a booked row away from every occurrence
    was moved: from the occurrence it was first booked at (orig_start)
    when no row holds that one, else from the nearest occurrence that no
    row holds (the earlier on a tie), and is an override whose
    RECURRENCE-ID is that occurrence;
  - the occurrences that were not moved keep the series' wall time, and a
    series that crosses a change of offset shows both offsets in UTC;
  - every TZID has its VTIMEZONE; no email and no organization is written.
"""
import datetime
import json
import re
import os
import subprocess
import sys
import time
from collections import Counter
from zoneinfo import ZoneInfo

CANCELLED_SHOWN = 30 * 86400
EPOCH = datetime.date(1970, 1, 1)


def wall(t, zone):
    return datetime.datetime.fromtimestamp(t, ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M:%S")


def slot_of(series, i):
    """Occurrence i of a series: (wall time text, UTC instant)."""
    day = EPOCH + datetime.timedelta(days=series["first_day"] + 7 * series["interval_weeks"] * i)
    local = datetime.datetime.combine(day, datetime.time(series["minute"] // 60, series["minute"] % 60))
    t = int(local.replace(tzinfo=ZoneInfo(series["zone"])).timestamp())
    return local.strftime("%Y-%m-%dT%H:%M:%S"), t


def chiron(db, *args):
    """Lines of a hidden chiron command on the store db, split in fields."""
    r = subprocess.run([os.environ["CHIRON_BIN"], args[0], args[1], "--db", db] + list(args[2:]),
                       capture_output=True, text=True)
    if r.returncode:
        raise SystemExit(f"judge.py: chiron {' '.join(args)}: {r.stderr.strip()}")
    return [line.split(" ") for line in r.stdout.splitlines()]


APPT = ("id", "therapist_id", "seeker_id", "kind", "start_utc", "end_utc", "status", "late",
        "series_id", "orig_start", "created_at", "updated_at", "zone")
SERIES = ("id", "therapist_id", "seeker_id", "kind", "zone", "first_day", "minute", "minutes",
          "interval_weeks", "count", "status")


def record(names, fields):
    return {k: (v if k in ("therapist_id", "kind", "status", "zone") else int(v))
            for k, v in zip(names, fields)}


def load(db, directory, view, handle):
    uid, _, tid, email = chiron(db, "account", "show", handle)[0]
    if view == "seeker":
        rows = chiron(db, "appointment", "list", "--seeker", handle, "--from", "0")
    else:
        rows = chiron(db, "appointment", "list", "--therapist", tid, "--from", "0", "--to", str(1 << 40))
    rows = [record(APPT, r) for r in rows]
    series = {sid: record(SERIES, chiron(db, "series", "show", str(sid))[0])
              for sid in {r["series_id"] for r in rows if r["series_id"]}}
    people = {int(uid): (handle, email)}
    for sid in {r["seeker_id"] for r in rows} - set(people):
        _, h, _, e = chiron(db, "account", "show", str(sid))[0]
        people[sid] = (h, e)
    handles = {k: v[0] for k, v in people.items()}
    emails = [v[1] for v in people.values()]
    names = {}
    with open(directory) as f:
        for line in f:
            rec = json.loads(line)
            if rec.get("type") == "therapist":
                names[rec["id"]] = rec["name"]
    return rows, series, handles, emails, names


def summary(view, row, handles, names):
    if view == "seeker":
        return f"Therapy with {names[row['therapist_id']]}"
    return f"Session with {handles[row['seeker_id']]}"


def uid_of(row, series):
    sid = row["series_id"]
    return f"series-{sid}@chiron" if sid and sid in series else f"appt-{row['id']}@chiron"


def occ_key(o):
    return (o["uid"], o["summary"], o["status"], o["tzid"], o["start_local"], o["start"], o["end"])


def expected_occurrences(view, rows, series, handles, names, now):
    out = []
    for r in rows:
        booked = r["status"] == "booked"
        recent = not r["series_id"] and r["updated_at"] >= now - CANCELLED_SHOWN
        if not booked and not recent:
            continue
        out.append({
            "uid": uid_of(r, series), "summary": summary(view, r, handles, names),
            "status": "CONFIRMED" if booked else "CANCELLED", "tzid": r["zone"],
            "start_local": wall(r["start_utc"], r["zone"]), "start": r["start_utc"], "end": r["end_utc"],
        })
    return out


def expected_series(sr, rows):
    """(exdates, overrides {rid: row}) of series sr from its rows (see above)."""
    slots = [slot_of(sr, i) for i in range(sr["count"])]
    at = {t: i for i, (_, t) in enumerate(slots)}
    held = set()                     # occurrences some row starts at
    booked = set()
    overrides = {}
    moved = []
    for r in sorted(rows, key=lambda r: (r["start_utc"], r["id"])):
        i = at.get(r["start_utc"])
        if i is None:
            moved.append(r)
            continue
        held.add(i)
        if r["status"] == "booked" and i not in booked:
            booked.add(i)
            if r["end_utc"] - r["start_utc"] != sr["minutes"] * 60:
                overrides[slots[i][0]] = r
    for r in moved:
        free = [i for i in range(len(slots)) if i not in held]
        if not free:
            continue
        orig = at.get(r["orig_start"]) if "orig_start" in r.keys() and r["orig_start"] else None
        i = orig if orig in free else min(free, key=lambda i: (abs(slots[i][1] - r["start_utc"]), i))
        held.add(i)
        if r["status"] == "booked":
            booked.add(i)
            overrides[slots[i][0]] = r
    exdates = sorted(slots[i][0] for i in range(len(slots)) if i not in booked)
    return exdates, overrides, slots


def judge(db, directory, view, handle, feed, parsed, prefix):
    rows, series, handles, emails, names = load(db, directory, view, handle)
    with open(parsed) as f:
        d = json.load(f)
    with open(feed, encoding="utf-8") as f:
        raw = f.read()
    now = int(time.time())
    results = []

    def check(name, why):
        results.append((f"{prefix}_{name}", why))

    # The calendar's frame.
    c = d["calendar"]
    why = []
    if c.get("version") != "2.0":
        why.append(f"VERSION {c.get('version')!r}")
    if c.get("method") != "PUBLISH":
        why.append(f"METHOD {c.get('method')!r}")
    if c.get("calscale") not in (None, "GREGORIAN"):
        why.append(f"CALSCALE {c.get('calscale')!r}")
    if not c.get("calname"):
        why.append("no X-WR-CALNAME")
    if not str(c.get("prodid", "")).startswith("-//chiron//"):
        why.append(f"PRODID {c.get('prodid')!r}")
    check("calendar", "; ".join(why))

    # Every occurrence, as the parser expanded them, against the rows.
    want = Counter(occ_key(o) for o in expected_occurrences(view, rows, series, handles, names, now))
    got = Counter(occ_key(o) for o in d["occurrences"])
    missing, extra = want - got, got - want
    check("occurrences", "" if not missing and not extra else
          f"missing {sorted(missing.elements())[:6]}; unexpected {sorted(extra.elements())[:6]}")

    # Each series: one event with RRULE, its EXDATEs and overrides.
    why_series, why_wall = [], []
    by_series = {}
    for r in rows:
        if r["series_id"] in series:
            by_series.setdefault(r["series_id"], []).append(r)
    for sid, srows in sorted(by_series.items()):
        sr = series[sid]
        uid = f"series-{sid}@chiron"
        evs = [e for e in d["events"] if e["uid"] == uid]
        masters = [e for e in evs if e["recurrence_id"] is None]
        if not any(r["status"] == "booked" for r in srows):
            if evs:
                why_series.append(f"{uid}: written, though nothing of it is booked")
            continue
        if len(masters) != 1:
            why_series.append(f"{uid}: {len(masters)} events without RECURRENCE-ID, not one")
            continue
        m = masters[0]
        exdates, overrides, slots = expected_series(sr, srows)
        if m["rrule"] != {"freq": "WEEKLY", "interval": sr["interval_weeks"], "count": sr["count"]}:
            why_series.append(f"{uid}: RRULE {m['rrule']}")
        if (m["tzid"], m["start_local"]) != (sr["zone"], slots[0][0]):
            why_series.append(f"{uid}: DTSTART {m['tzid']} {m['start_local']}, not {sr['zone']} {slots[0][0]}")
        if m["end"] - m["start"] != sr["minutes"] * 60:
            why_series.append(f"{uid}: lasts {m['end'] - m['start']} s")
        if m["exdates"] != exdates:
            why_series.append(f"{uid}: EXDATE {m['exdates']}, expected {exdates}")
        if any(t != sr["zone"] for t in m["exdate_tzids"]):
            why_series.append(f"{uid}: EXDATE TZIDs {m['exdate_tzids']}")
        got_over = {e["recurrence_id"]: e for e in evs if e["recurrence_id"] is not None}
        if sorted(got_over) != sorted(overrides):
            why_series.append(f"{uid}: RECURRENCE-IDs {sorted(got_over)}, expected {sorted(overrides)}")
        for rid, r in overrides.items():
            e = got_over.get(rid)
            if e and (e["start"], e["end"], e["tzid"]) != (r["start_utc"], r["end_utc"], r["zone"]):
                why_series.append(f"{uid}: the override of {rid} is {e['start']}..{e['end']} {e['tzid']}")
        # The wall time holds across daylight saving.
        hhmm = f"T{sr['minute'] // 60:02d}:{sr['minute'] % 60:02d}:00"
        moved_starts = {r["start_utc"] for r in overrides.values()}
        plain = [o for o in d["occurrences"] if o["uid"] == uid and o["start"] not in moved_starts]
        off = lambda o: int(datetime.datetime.fromisoformat(o["start_local"]).replace(
            tzinfo=datetime.timezone.utc).timestamp()) - o["start"]
        wrong = [o["start_local"] for o in plain if not o["start_local"].endswith(hhmm)]
        if wrong or not plain:
            why_wall.append(f"{uid}: not at {hhmm[1:]}: {wrong or 'no occurrences'}")
        want_offsets = {t - int(datetime.datetime.fromisoformat(w).replace(
            tzinfo=datetime.timezone.utc).timestamp()) for w, t in slots}
        got_offsets = {-off(o) for o in plain}
        if len(want_offsets) > 1 and len(got_offsets) < 2:
            why_wall.append(f"{uid}: crosses a change of offset but shows only {got_offsets}")
    check("series", "; ".join(why_series))
    check("wall_time_across_dst", "; ".join(why_wall))

    # Zones: each TZID used has a VTIMEZONE of that name.
    used = {e["tzid"] for e in d["events"]} - {"UTC"}
    tz = set(d["timezones"])
    check("timezones", "" if used <= tz and "floating" not in used else
          f"TZIDs {sorted(used)}, VTIMEZONEs {sorted(tz)}")

    # Nothing private: no email, no organization, no "@" but in UIDs.
    leaks = [e for e in emails if e and e in raw]
    leaks += re.findall(r"org-\d{6}", raw)
    leaks += [line for line in raw.splitlines() if "@" in line and not re.fullmatch(
        r"UID:(appt|series)-\d+@chiron", line.strip())]
    check("private", "" if not leaks else f"found {leaks[:5]}")
    for name, why in results:
        print(f"PASS {name}" if not why else f"FAIL {name}\t{why}")


if __name__ == "__main__":
    judge(*sys.argv[1:8])

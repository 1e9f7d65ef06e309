#!/usr/bin/python3
"""read_icalendar.py: a calendar read by Debian's python3-icalendar, its
recurrences expanded by python3-recurring-ical-events, printed as the JSON
that tests/feed/judge.py compares with the database (the same shape as
read_icaljs.mjs prints). icalendar resolves a TZID by its IANA name (pytz),
not by the calendar's VTIMEZONE: a second, independent reading of every
wall time.

    /usr/bin/python3 read_icalendar.py FILE.ics > FILE.icalendar.json
"""
import datetime
import json
import sys

import icalendar
import recurring_ical_events


def tzid(dt):
    """The IANA name of an aware datetime's zone, "UTC", or "floating"."""
    tz = dt.tzinfo
    if tz is None:
        return "floating"
    name = getattr(tz, "zone", None) or getattr(tz, "key", None) or str(tz)
    return "UTC" if name in ("UTC", "Etc/UTC") else name


def wall(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%S")


def stamp(dt):
    if dt.tzinfo is None:
        raise ValueError(f"a floating time: {dt}")
    return int(dt.timestamp())


def text(v):
    return None if v is None else str(v)


def rrule_of(ev):
    r = ev.get("RRULE")
    if r is None:
        return None
    one = lambda k: r.get(k, [None])[0]
    return {"freq": one("FREQ"), "interval": one("INTERVAL") or 1, "count": one("COUNT")}


def exdates_of(ev):
    ex = ev.get("EXDATE")
    if ex is None:
        return [], []
    ex = ex if isinstance(ex, list) else [ex]
    dates = sorted(wall(d.dt) for e in ex for d in e.dts)
    tzids = [e.params.get("TZID", "UTC") for e in ex]
    return dates, tzids


def event_json(ev):
    s, e = ev["DTSTART"].dt, ev["DTEND"].dt
    rid = ev.get("RECURRENCE-ID")
    exdates, ex_tzids = exdates_of(ev)
    return {
        "uid": text(ev.get("UID")),
        "summary": text(ev.get("SUMMARY")),
        "status": text(ev.get("STATUS")),
        "tzid": tzid(s),
        "start_local": wall(s),
        "start": stamp(s),
        "end": stamp(e),
        "rrule": rrule_of(ev),
        "exdates": exdates,
        "exdate_tzids": ex_tzids,
        "recurrence_id": wall(rid.dt) if rid is not None else None,
    }


def main(path):
    with open(path, "rb") as f:
        cal = icalendar.Calendar.from_ical(f.read())
    events = [event_json(ev) for ev in cal.walk("VEVENT")]
    occurrences = []
    lo = datetime.datetime(1970, 1, 2, tzinfo=datetime.timezone.utc)
    hi = datetime.datetime(2100, 1, 1, tzinfo=datetime.timezone.utc)
    for ev in recurring_ical_events.of(cal).between(lo, hi):
        s, e = ev["DTSTART"].dt, ev["DTEND"].dt
        rid = ev.get("RECURRENCE-ID")
        occurrences.append({
            "uid": text(ev.get("UID")),
            "summary": text(ev.get("SUMMARY")),
            "status": text(ev.get("STATUS")),
            "tzid": tzid(s),
            "start_local": wall(s),
            "start": stamp(s),
            "end": stamp(e),
            "recurrence_id": wall(rid.dt) if rid is not None else None,
        })
    occurrences.sort(key=lambda o: (o["start"], o["uid"]))
    json.dump({
        "parser": f"icalendar {icalendar.__version__}",
        "calendar": {
            "version": text(cal.get("VERSION")),
            "prodid": text(cal.get("PRODID")),
            "method": text(cal.get("METHOD")),
            "calscale": text(cal.get("CALSCALE")),
            "calname": text(cal.get("X-WR-CALNAME")),
        },
        "timezones": [text(tz.get("TZID")) for tz in cal.walk("VTIMEZONE")],
        "events": events,
        "occurrences": occurrences,
    }, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])

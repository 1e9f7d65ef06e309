#!/usr/bin/env python3
"""Writes the fuzzers' seed corpora, tests/fuzz/corpus/NAME/, from the test
suites' own examples: the conformance directory and queries, the .ics
calendars of tests/test_ics_busy.c and tests/calendar.sh, the forms the
pages send. Run it from the repository's root after changing those; the
seeds are committed, so a run of the fuzzers needs nothing but the repo.
Usage: tests/fuzz/seeds.py [CONFORMANCE_DIR]   (default ../shared/conformance)
"""
import hashlib, json, os, re, sys

root = os.path.dirname(os.path.abspath(__file__))
conf = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "..", "..", "..", "shared", "conformance")
if not os.path.isdir(conf):
    conf = "/work/shared/conformance"

def put(name, data):
    if isinstance(data, str):
        data = data.encode()
    d = os.path.join(root, "corpus", name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()[:16]), "wb") as f:
        f.write(data)

def lines(fn, n, step=1):
    with open(os.path.join(conf, fn)) as f:
        return [l for i, l in enumerate(f) if i % step == 0][:n]

# ---- import: single lines and small files of lines
directory = open(os.path.join(conf, "directory.jsonl")).read().splitlines(True)
orgs = [l for l in directory if '"type":"org"' in l]
ther = [l for l in directory if '"type":"therapist"' in l]
for l in orgs[:6] + ther[:0:1] + ther[::250][:12]:
    put("import", l)
put("import", "".join(orgs[6:9] + ther[1:4]) + "\n  \n")
put("import", '{"type":"delete","id":"t-0000001"}\n')
put("import", '{"type":"delete","id":"org-000001"}\r\n{"type":"org","id":"o.1:x-y_z","name":"N","kind":"clinic"}')
# A therapist with every optional field, and the edges of its values.
t = json.loads(ther[0])
t.update({"availability": [{"day": "mon", "start": "00:00", "end": "24:00"},
                           {"day": "sun", "start": "23:59", "end": "24:00"}],
          "fee": {"currency": "USD", "session": 0, "sliding_min": 0, "clinician_discount_pct": 100, "group": 1}})
put("import", json.dumps(t, separators=(",", ":"), ensure_ascii=False) + "\n")
t2 = dict(t, name="Zo\u00eb \u00c5ngstr\u00f6m \U0001F600", office=None)
put("import", json.dumps(t2, ensure_ascii=True) + "\n")

# ---- query
qs = lines("queries.jsonl", 150)
for l in qs[::6]:
    put("query", l.rstrip("\n"))
put("query", '{"jurisdiction":"US-NY"}')
put("query", '{"jurisdiction":"US-CA","limit":0,"budget":99.5,"modality":"in_person","location":{"lat":37.7,"lon":-122.4},"max_distance_km":1e2,"min_distance_km":0}')
put("query", '{"jurisdiction":"US-MI","timezone":"Europe/London","week_of":"2026-03-30","free":[{"day":"mon","start":"00:00","end":"24:00"}],"require_overlap":true,"exclude":["t-0000001"],"npi":"2836031270","limit":200}')

# ---- json: the lines above, and the grammar's corners
for l in qs[::25] + [orgs[0], ther[0]]:
    put("json", l.rstrip("\n"))
for s in ['0', '-0', '1.5e-3', '-12345678901234567890', '9223372036854775807', '9223372036854775808',
          '1E+308', '"\\u00e9\\ud83d\\ude00\\n\\t\\"\\\\\\/"', '"caf\xc3\xa9"', '[]', '{}', 'null',
          '[true,false,null,[{}],{"a":[1,2,{"b":"c"}]}]', ' \t\r\n{"a" : 1 , "b":[ ] }\n',
          '[' * 31 + ']' * 31, '{"a":{"a":{"a":{"a":{"a":0}}}}}',
          '{"a":"x","languages":["en","es"],"b":-5}', '{"a":12.25,"b":true}', '{"a":["telehealth","in_person"]}']:
    put("json", s)

# ---- form: urlencoded bodies and profiles
for s in ["a=1&b=x%20y", "timezone=America%2FNew_York&free_day1=tue", "q=a+b%zz%4&&=x&k",
          "csrf=0123abcd&hours=1&timezone=America%2FNew_York&work_mon_start=08%3A00&work_mon_end=18%3A00",
          "jurisdiction=US-NY&modality=telehealth&budget=120&orientations=cbt&orientations=act&languages=en",
          "name=Zo%C3%AB+%C3%85ngstr%C3%B6m&email=a%40b.example", "%41%4a%4F%7e+%2B%25", "x=%", "=", "&&&", "a==b=c"]:
    put("form", s)

# ---- url: every route's address, with a query or an encoded segment
import_routes = open(os.path.join(root, "..", "..", "src", "web", "routes.c")).read()
paths = sorted(set(re.findall(r'^\s*\{"[A-Z]+",\s*"([^"]+)"', import_routes, re.M)))
for p in paths[::2]:
    put("url", p.replace("{id}", "t-0000001"))
for s in ["/search?jurisdiction=US-NY&modality=telehealth&languages=en&languages=es",
          "/therapists/t%2D0000001", "/feed/abc%2Fdef?x", "/api/v1/therapists/t-0000001/slots?from=2026-03-02&weeks=2",
          "/reset/%00token", "/appointments/12/move?when=2026-03-02T10%3A00", "//", "/api/v1/me/busy?", "/%ZZ%41?a=%"]:
    put("url", s)

# ---- multipart: Content-Type line, then the body (as fuzz_multipart.c reads it)
def part(b, headers, data):
    return b"--" + b + b"\r\n" + headers + b"\r\n\r\n" + data + b"\r\n"
cal = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nDTSTART:20261020T140000Z\r\nDTEND:20261020T150000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
for ct, b in [(b'multipart/form-data; boundary="b0und;ary"', b"b0und;ary"),
              (b"multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW", b"----WebKitFormBoundary7MA4YWxkTrZu0gW")]:
    body = (part(b, b'Content-Disposition: form-data; name="csrf"', b"0123abcd") +
            part(b, b'Content-Disposition: form-data; name="hours"', b"1") +
            part(b, b'Content-Disposition: form-data; name="calendar"; filename="a; name=\\"csrf\\".ics"\r\nContent-Type: text/calendar', cal) +
            b"--" + b + b"--\r\n")
    put("multipart", ct + b"\n" + body)
    put("multipart", ct + b"\n" + body[: len(body) // 2])
    put("multipart", ct + b"\npreamble\r\n" + body)
put("multipart", b"multipart/form-data; boundary=x\n--x\r\ncontent-disposition: form-data; name=a; filename*=UTF-8''b.ics\r\n\r\n\r\n--x--")
put("multipart", b"multipart/form-data; charset=utf-8; boundary=z\n--z\r\n\r\nno headers\r\n--z--\r\n")
put("multipart", b"multipart/form-data\n--x\r\n")

# ---- ics: the calendars of tests/test_ics_busy.c and tests/calendar.sh
src = open(os.path.join(root, "..", "test_ics_busy.c")).read()
lit = re.compile(r'"((?:[^"\\]|\\.)*)"')
def c_string(s):
    return "".join(m.group(1) for m in lit.finditer(s)).encode().decode("unicode_escape").encode("latin-1")
head = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
for m in re.finditer(r"\bCAL\(", src):
    i, depth = m.end(), 1
    while depth:
        depth += {"(": 1, ")": -1}.get(src[i], 0)
        i += 1
    body = c_string(src[m.end():i - 1])
    # The known stall (FREQ=MINUTELY with BYMONTH/BYMONTHDAY that never
    # meet) waits for its fix; its regression seed comes with it.
    if re.search(rb"FREQ=(MINUTELY|SECONDLY|HOURLY)", body):
        continue
    put("ics", head + body + b"END:VCALENDAR\r\n")
vtz = (b"BEGIN:VTIMEZONE\r\nTZID:Eastern Standard Time\r\nBEGIN:STANDARD\r\nDTSTART:16010101T020000\r\n"
       b"TZOFFSETFROM:-0400\r\nTZOFFSETTO:-0500\r\nRRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11\r\nEND:STANDARD\r\n"
       b"BEGIN:DAYLIGHT\r\nDTSTART:16010101T020000\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400\r\n"
       b"RRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n")
ev = b"""BEGIN:VEVENT
UID:mornings@practice.example
SUMMARY:Session
LOCATION:Room 7B\\, Marigold Counseling
ATTENDEE;CN=Z Q:mailto:z@client.example
DTSTART;TZID=America/New_York:20260817T090000
DTEND;TZID=America/New_York:20260817T120000
RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR
END:VEVENT
BEGIN:VEVENT
UID:tuesdays@practice.example
DTSTART;TZID=Eastern Standard Time:20261013T130000
DTEND;TZID=Eastern Standard Time:20261013T140000
RRULE:FREQ=WEEKLY
EXDATE;TZID=Eastern Standard Time:20261027T130000
END:VEVENT
BEGIN:VEVENT
UID:wednesdays@practice.example
DTSTART;TZID=America/New_York:20261014T130000
DTEND;TZID=America/New_York:20261014T150000
RRULE:FREQ=WEEKLY;COUNT=20
END:VEVENT
BEGIN:VEVENT
UID:wednesdays@practice.example
RECURRENCE-ID;TZID=America/New_York:20261104T130000
DTSTART;TZID=America/New_York:20261105T130000
DTEND;TZID=America/New_York:20261105T150000
END:VEVENT
BEGIN:VEVENT
UID:conference@practice.example
DTSTART;VALUE=DATE:20261030
DTEND;VALUE=DATE:20261031
END:VEVENT
BEGIN:VEVENT
UID:free@practice.example
DTSTART:20260817T150000
DTEND:20260817T170000
RRULE:FREQ=WEEKLY
TRANSP:TRANSPARENT
END:VEVENT
BEGIN:VEVENT
UID:cancelled@practice.example
DTSTART:20261020T150000
DTEND:20261020T170000
RRULE:FREQ=WEEKLY;COUNT=4
STATUS:CANCELLED
END:VEVENT""".replace(b"\n", b"\r\n")
put("ics", b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Practice//EN\r\n" + vtz + ev + b"\r\nEND:VCALENDAR\r\n")
put("ics", b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nSUMMARY:x\r\nDTSTART:2026-13-45\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")

# ---- places: "Where you are" (first byte: state and count, see fuzz_places.c)
for i, t in enumerate(["98101", "98101-1234", "02134 0001", "seattle", "Seattle, WA", "St. Louis, MO",
                       "Saint Louis", "new york city", "Portland Oregon", "O'Fallon, IL", "Ft. Worth",
                       "Mt Vernon, Washington", "Kansas City", "Atlantis", "47.6,-122.3", ", WA", ""]):
    put("places", bytes([(i * 9) % 256]) + t.encode())

# ---- orgname: organization names as typed
for t in ["Seattle VA Medical Center", "St. Mary's Hosp.", "Univ. of Washington", "UW", "U.W. Medicine",
          "The Counseling Ctr", "Johnson & Community Mental Health", "Dept. of Psychiatry",
          "Washington State Psych. Assn.", "Saint Mary\u2019s", "the the", "of and the", "VA Clinic Chicago"]:
    put("orgname", t)
# an apostrophe between the bytes of a U+2019 (a finding: normalizing twice differed)
put("orgname", b"\x06sa\xe2'\x80\x99sth \x9c!y\xe2\x80\x99.\xd5sesa")
# letters in a row that spell an abbreviation once joined ("C=o" is "co", then "company")
put("orgname", "Tho C=o Conuselintr")

# ---- checkpoint: lines of a server's log, the audit trail's checkpoints among them
put("checkpoint", "chiron: audit checkpoint 1234 " + "0123456789abcdef" * 4 + "\n")
put("checkpoint", "2026-12-02T09:00:00Z host chiron: audit checkpoint 1 " + "f" * 64)
put("checkpoint", "chiron: audit checkpoint 0 " + "0" * 64)
put("checkpoint", "chiron: audit checkpoint 12 " + "0" * 63 + "G\r\n")
put("checkpoint", "chiron: serving http://127.0.0.1:8080/ (Ctrl-C or SIGTERM to stop)\n")
put("checkpoint", "chiron: audit checkpoint 999999999999999999 " + "ab" * 32)

#!/usr/bin/env python3
"""client.py BASE_URL WORKDIR: one long-lived HTTP client for a shell suite.

A suite starts it once (tests/lib/suite.sh, as a bash coprocess) and asks
it for every request and every check of an answer, so a check costs a
line on a pipe, not a process (curl, python3 -c) per check.

Protocol, on stdin: a command is a count of arguments on one line, then
each argument as its length in bytes on one line, its bytes, and a
newline. The reply on stdout is a count of lines on one line, then those
lines. Arguments are bytes; replies are UTF-8 text.

Commands (the last answer is the one of the last `req` or `form`):

  req USER METHOD PATH [BODY [HEADER: VALUE ...]]
        USER names a cookie jar ("-": none, and nothing kept). PATH may
        be a whole http://HOST:PORT/... URL, for a second server. A body that
        starts with { or [ is sent as application/json, any other as a
        urlencoded form, unless a Content-Type header is given. Redirects
        are not followed. Replies with the status (000 when the
        connection failed). The body is also written to WORKDIR/body.
  form USER PATH [KEY=VALUE ...]
        POSTs a form with the csrf token USER was last given on a page
        (an input named csrf) added first; values are urlencoded here.
  api USER METHOD PATH [BODY [HEADER: VALUE ...]]
        req, with X-CSRF-Token set to the csrf USER last got from the JSON
        API (a top-level "csrf" field).
  fields USER PATH    the inputs of the first form on PATH as a browser
        would send them, urlencoded; with KEY VALUE: data with KEY set
  with DATA KEY VALUE DATA with KEY set to VALUE (added when missing)
  status | body | header NAME     of the last answer ("" when missing)
  headers NAME        every value of header NAME, one a line
  save NAME           writes the last answer to WORKDIR/NAME.s (status),
        NAME.h (headers, "Name: value" lines) and NAME.b (body)
  batch DIR SPEC      tests/http/check.py's batch of checks, in this process
  load FILE           FILE's bytes become the last answer (status 000),
        for the checks below on a file (a CLI's output)
  json PATH           the value at PATH in the last answer's JSON (a.b.0.c;
        "" for the whole): strings as they are, anything else as JSON;
        "<missing>" when PATH is not there, "<not json>" when no JSON
  jsonpy EXPR         a Python expression over d (the last answer's JSON),
        its value printed as json does (json, re, time, datetime there)
  answer OPENAPI STATUS [FIELD]   "" when the last answer has STATUS, as the
        OpenAPI document (a file) declares it for the request's operation:
        its body fits the schema, its headers are there, an error names
        FIELD (tests/http/check.py check_answer); else why not
  holds EXPR          "" when the Python EXPR holds of d, the last JSON; else why
  utf8                1 or 0: the last body is UTF-8 and holds no NUL
  has TEXT | lacks TEXT           1 or 0: the last body holds TEXT
  grep REGEX          the first match of REGEX in the last body, group 1
        when it has one, "" when none
  csrf USER           the form csrf USER was last given
  cookie USER NAME    a cookie of USER's jar
  setcookie USER NAME VALUE       sets one ("" forgets it)
  forget USER         empties USER's jar
  mail DIR            every .eml in DIR, oldest id first, as text:
        ---, to: ADDRESS, subject: SUBJECT, a blank line, the body
  totp WHO [SECRET]   a fresh code of account WHO's authenticator app
        (tests/lib/totp.py: at the server's clock, never one already given
        for WHO); SECRET (base32) is remembered for WHO, else the suites'
        TEST_SECRET
  ping                pong
"""
import email
import email.policy
import html.parser
import http.client
import json
import os
import re
import sys
import time
import datetime
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "http"))
import check                    # tests/http/check.py: the OpenAPI checks
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import totp                     # tests/lib/totp.py: authenticator codes


class Form(html.parser.HTMLParser):
    """The fields of the first form, as a browser sends them."""

    def __init__(self):
        super().__init__()
        self.out, self.sel, self.ta, self.done, self.inform = [], None, None, False, False

    def handle_starttag(self, tag, a):
        a = dict(a)
        if self.done:
            return
        if tag == "form":
            self.inform = True
        elif tag == "input" and a.get("name"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            if a.get("type") in ("submit", "button"):
                return
            self.out.append((a["name"], a.get("value", "") or ""))
        elif tag == "select":
            self.sel, self.first, self.chosen = a.get("name"), None, None
        elif tag == "option" and self.sel:
            if self.first is None:
                self.first = a.get("value", "")
            if "selected" in a:
                self.chosen = a.get("value", "")
        elif tag == "textarea":
            self.ta, self.tv = a.get("name"), ""

    def handle_data(self, d):
        if self.ta:
            self.tv += d

    def handle_endtag(self, tag):
        if tag == "select" and self.sel:
            self.out.append((self.sel, self.chosen if self.chosen is not None else self.first))
            self.sel = None
        elif tag == "textarea" and self.ta:
            self.out.append((self.ta, self.tv))
            self.ta = None


def with_(data, k, v):
    d = urllib.parse.parse_qsl(data, keep_blank_values=True)
    d = [(a, v if a == k else b) for a, b in d] + ([] if any(a == k for a, _ in d) else [(k, v)])
    return urllib.parse.urlencode(d)


class Client:
    def __init__(self, base, work):
        u = urllib.parse.urlsplit(base)
        self.host, self.port = u.hostname, u.port or 80
        self.work = work
        self.jars = {}          # user -> {name: value}
        self.form_csrf = {}     # user -> the last csrf input seen
        self.api_csrf = {}      # user -> the last "csrf" of a JSON answer
        self.conns = {}         # (host, port) -> a kept connection
        self.status, self.headers, self.body = 0, [], b""
        self.method, self.path = "", ""
        self.codes, self.secrets = {}, {}     # account -> totp.Codes, its secret

    def request(self, user, method, path, body=b"", headers=()):
        hs = {}
        for h in headers:
            k, _, v = h.partition(":")
            v = v.strip()
            try:
                v.encode("latin-1")
            except UnicodeEncodeError:     # bytes that are not text, sent as they came
                v = v.encode("utf-8", "surrogateescape")
            hs[k.strip()] = v
        if body and not any(k.lower() == "content-type" for k in hs):
            hs["Content-Type"] = ("application/json" if body[:1] in (b"{", b"[")
                                  else "application/x-www-form-urlencoded")
        jar = self.jars.setdefault(user, {}) if user != "-" else {}
        if jar and not any(k.lower() == "cookie" for k in hs):
            hs["Cookie"] = "; ".join("%s=%s" % kv for kv in jar.items())
        self.method, self.path = method, path
        where = (self.host, self.port)
        if path.startswith("http://"):
            u = urllib.parse.urlsplit(path)
            where = (u.hostname, u.port or 80)
            path = urllib.parse.urlunsplit(("", "", u.path or "/", u.query, ""))
        for attempt in (0, 1):
            try:
                if where not in self.conns:
                    self.conns[where] = http.client.HTTPConnection(*where, timeout=300)
                conn = self.conns[where]
                conn.request(method, path, body=body or None, headers=hs)
                r = conn.getresponse()
                data = r.read()
                break
            except (OSError, http.client.HTTPException):
                conn = self.conns.pop(where, None)
                if conn:
                    conn.close()
                if attempt:
                    self.status, self.headers, self.body = 0, [], b""
                    return "000"
        self.status, self.headers, self.body = r.status, r.getheaders(), data
        if r.getheader("Connection", "").lower() == "close" or r.will_close:
            self.conns.pop(where).close()
        if user != "-":
            for k, v in self.headers:
                if k.lower() != "set-cookie":
                    continue
                name, _, rest = v.partition("=")
                value = rest.split(";", 1)[0]
                gone = re.search(r"(?i)max-age=0\b|expires=thu, 01 jan 1970", v)
                if gone or value == "":
                    jar.pop(name.strip(), None)
                else:
                    jar[name.strip()] = value
            m = re.search(rb'name="csrf" value="([^"]*)"', data)
            if m:
                self.form_csrf[user] = m.group(1).decode()
            if data[:1] == b"{":
                try:
                    j = json.loads(data)
                    if isinstance(j, dict) and isinstance(j.get("csrf"), str):
                        self.api_csrf[user] = j["csrf"]
                except ValueError:
                    pass
        with open(os.path.join(self.work, "body"), "wb") as f:
            f.write(data)
        return "%03d" % self.status

    def save(self, base):
        for ext, data in ((".s", b"%03d" % self.status), (".b", self.body),
                          (".h", "".join("%s: %s\n" % kv for kv in self.headers).encode("latin-1"))):
            with open(base + ext, "wb") as f:
                f.write(data)

    def text(self):
        return self.body.decode("utf-8", "replace")

    def json_at(self, path):
        try:
            v = json.loads(self.body)
        except ValueError:
            return "<not json>"
        for p in [p for p in path.split(".") if p != ""]:
            if isinstance(v, list) and re.fullmatch(r"-?\d+", p) and -len(v) <= int(p) < len(v):
                v = v[int(p)]
            elif isinstance(v, dict) and p in v:
                v = v[p]
            else:
                return "<missing>"
        return show(v)


def show(v):
    if isinstance(v, str):
        return v
    return json.dumps(v, ensure_ascii=False, separators=(",", ":"))


def mail(d):
    names = sorted((f for f in os.listdir(d) if f.endswith(".eml")) if os.path.isdir(d) else [],
                   key=lambda f: int(f[:-4]))
    out = []
    for f in names:
        with open(os.path.join(d, f), "rb") as fh:
            m = email.message_from_bytes(fh.read(), policy=email.policy.default)
        body = m.get_content().replace("\r\n", "\n").rstrip("\n")
        out.append("---\nto: %s\nsubject: %s\n\n%s" % (m["To"], m["Subject"], body))
    return "\n".join(out)


def read_args(inp):
    line = inp.readline()
    if not line:
        return None
    args = []
    for _ in range(int(line)):
        n = int(inp.readline())
        args.append(inp.read(n))
        inp.read(1)
    return args


def main():
    c = Client(sys.argv[1], sys.argv[2])
    inp, out = sys.stdin.buffer, sys.stdout
    while True:
        a = read_args(inp)
        if a is None:
            return
        cmd, a = a[0].decode(), a[1:]
        s = lambda i: a[i].decode("utf-8", "surrogateescape")
        try:
            if cmd == "req":
                r = c.request(s(0), s(1), s(2), a[3] if len(a) > 3 else b"",
                              [s(i) for i in range(4, len(a))])
            elif cmd == "api":
                user = s(0)
                hs = [s(i) for i in range(4, len(a))]
                if user in c.api_csrf:
                    hs.append("X-CSRF-Token: " + c.api_csrf[user])
                r = c.request(user, s(1), s(2), a[3] if len(a) > 3 else b"", hs)
            elif cmd == "form":
                user = s(0)
                pairs = [("csrf", c.form_csrf.get(user, ""))]
                for i in range(2, len(a)):
                    k, _, v = s(i).partition("=")
                    pairs.append((k, v))
                r = c.request(user, "POST", s(1), urllib.parse.urlencode(pairs).encode())
            elif cmd == "fields":
                c.request(s(0), "GET", s(1))
                f = Form()
                f.feed(c.text())
                r = urllib.parse.urlencode(f.out)
            elif cmd == "with":
                r = with_(s(0), s(1), s(2))
            elif cmd == "status":
                r = "%03d" % c.status
            elif cmd == "body":
                r = c.text()
            elif cmd == "header":
                r = next((v for k, v in c.headers if k.lower() == s(0).lower()), "")
            elif cmd == "headers":
                r = "\n".join(v for k, v in c.headers if k.lower() == s(0).lower())
            elif cmd == "load":
                with open(s(0), "rb") as f:
                    c.status, c.headers, c.body = 0, [], f.read()
                r = ""
            elif cmd == "json":
                r = c.json_at(s(0))
            elif cmd == "jsonpy":
                try:
                    d = json.loads(c.body)
                except ValueError:
                    d = None
                try:
                    r = show(eval(s(0), {"json": json, "re": re, "time": time, "datetime": datetime},
                                  {"d": d}))
                except Exception as e:
                    r = "<error %s>" % type(e).__name__
            elif cmd == "save":
                c.save(os.path.join(c.work, s(0)))
                r = ""
            elif cmd == "batch":
                import contextlib, io
                with contextlib.redirect_stdout(io.StringIO()):
                    check.batch(s(0), s(1))
                r = ""
            elif cmd == "answer":
                base = os.path.join(c.work, "last")
                c.save(base)
                try:
                    check.check_answer(s(0), c.method, c.path, s(1), base, *[s(i) for i in range(2, len(a))])
                    r = ""
                except check.Fail as e:
                    r = str(e)
            elif cmd == "holds":
                try:
                    d = json.loads(c.body)
                    r = "" if eval(s(0), {"d": d}) else "%s does not hold of %s" % (s(0), json.dumps(d)[:300])
                except Exception as e:
                    r = "%s: %s: %s" % (s(0), type(e).__name__, e)
            elif cmd == "utf8":
                try:
                    r = "1" if "\0" not in c.body.decode("utf-8") else "0"
                except UnicodeDecodeError:
                    r = "0"
            elif cmd in ("has", "lacks"):
                r = "1" if (a[0] in c.body) == (cmd == "has") else "0"
            elif cmd == "grep":
                m = re.search(a[0], c.body)
                r = "" if not m else (m.group(1) if m.groups() else m.group(0)).decode("utf-8", "replace")
            elif cmd == "csrf":
                r = c.form_csrf.get(s(0), "")
            elif cmd == "cookie":
                r = c.jars.get(s(0), {}).get(s(1), "")
            elif cmd == "setcookie":
                jar = c.jars.setdefault(s(0), {})
                if s(2):
                    jar[s(1)] = s(2)
                else:
                    jar.pop(s(1), None)
                r = ""
            elif cmd == "forget":
                c.jars.pop(s(0), None)
                c.form_csrf.pop(s(0), None)
                c.api_csrf.pop(s(0), None)
                r = ""
            elif cmd == "mail":
                r = mail(s(0))
            elif cmd == "totp":
                who = s(0).lower().split("@")[0]
                if len(a) > 1:
                    c.secrets[who] = s(1).replace(" ", "")
                codes = c.codes.setdefault(who, totp.Codes(c.work, c.secrets.get(who, totp.TEST_SECRET)))
                codes.secret = c.secrets.get(who, totp.TEST_SECRET)
                r = codes.code(who) or ""
            elif cmd == "ping":
                r = "pong"
            else:
                r = "<unknown command %s>" % cmd
        except Exception as e:      # a broken check is a failed check, not a dead suite
            r = "<error %s: %s>" % (type(e).__name__, e)
        lines = r.split("\n") if r != "" else []
        out.write("%d\n" % len(lines))
        for line in lines:
            out.write(line + "\n")
        out.flush()


main()

#!/usr/bin/env python3
"""check.py: the JSON and HTML checks of tests/http.sh, one subcommand each.

    check.py error FIELD FILE [REGEX]   FILE is {"error":{"field":FIELD,"message":M}}
                                        and nothing else; M matches REGEX
    check.py taxonomy CORE FILE         every list of taxonomy-core.json, codes with labels
    check.py orgs Q DIRECTORY FILE      the organizations whose names hold Q, at most 20
    check.py openapi ROUTES_C FILE      the document's operations are the /api/ routes
    check.py therapist DIRECTORY ID FILE  the public listing of ID, without affiliations
    check.py hrefs FILE                 prints every href of an HTML page, unescaped
    check.py headers DIR                the headers of every answer listed in DIR/fetched
                                        ("NAME PATH" lines; headers in DIR/NAME.h)
    check.py batch DIR SPEC             runs every check of SPEC, one a line: CHECK, then
                                        a subcommand and its arguments, tab-separated;
                                        writes DIR/CHECK.pass, or DIR/CHECK.why with the
                                        reason (hrefs and headers write DIR/CHECK.out)

Each check exits 0 when it holds, or prints why not and exits 1. Starting
Python costs more than any check, so tests/http.sh runs them all in one
batch.
"""
import contextlib
import io
import json
import re
import sys
from html.parser import HTMLParser


class Fail(Exception):
    pass


def need(cond, why):
    if not cond:
        raise Fail(why)


def load_json(path):
    with open(path, "rb") as f:
        raw = f.read()
    try:
        return json.loads(raw)
    except ValueError as e:
        raise Fail(f"not JSON ({e}): {raw[:200]!r}")


def check_error(field, path, regex=None):
    d = load_json(path)
    need(isinstance(d, dict) and list(d) == ["error"], f"not an error object: {d!r:.300}")
    e = d["error"]
    need(isinstance(e, dict) and sorted(e) == ["field", "message"],
         f"error should have exactly field and message: {e!r:.300}")
    need(field == "*" or e["field"] == field, f"field is {e['field']!r}, expected {field!r}")
    need(isinstance(e["message"], str) and e["message"], "empty message")
    if regex:
        need(re.search(regex, e["message"]), f"message {e['message']!r} does not match {regex!r}")


def check_taxonomy(core_path, path):
    core = load_json(core_path)
    d = load_json(path)
    need(isinstance(d, dict), "not an object")
    for key, codes in core.items():
        if key.startswith("_"):
            continue
        need(key in d, f"no list {key!r}")
        items = d[key]
        need(isinstance(items, list), f"{key} is not a list")
        got = {}
        for it in items:
            need(isinstance(it, dict) and isinstance(it.get("code"), str) and
                 isinstance(it.get("label"), str) and it["label"].strip(),
                 f"{key}: item without a code and a label: {it!r}")
            got[it["code"]] = it["label"]
        missing = [c for c in codes if c not in got]
        need(not missing, f"{key}: missing codes {missing}")


def check_orgs(q, directory, path):
    orgs = {}
    with open(directory) as f:
        for line in f:
            r = json.loads(line)
            if r.get("type") == "org":
                orgs[r["id"]] = r
    d = load_json(path)
    need(isinstance(d, dict) and isinstance(d.get("orgs"), list), f"no orgs list: {d!r:.200}")
    got = d["orgs"]
    need(len(got) <= 20, f"{len(got)} organizations, more than 20")
    seen = set()
    for o in got:
        need(isinstance(o, dict) and o.get("id") in orgs, f"not a known organization: {o!r}")
        need(o["id"] not in seen, f"{o['id']} twice")
        seen.add(o["id"])
        need(o.get("name") == orgs[o["id"]]["name"], f"{o['id']}: name {o.get('name')!r}")
        need(o.get("kind") == orgs[o["id"]]["kind"], f"{o['id']}: kind {o.get('kind')!r}")
        need(q.lower() in o["name"].lower(), f"{o['name']!r} does not contain {q!r}")
    n = sum(1 for o in orgs.values() if q.lower() in o["name"].lower())
    need(len(got) == min(20, n), f"{len(got)} organizations; the directory has {n} that match")


def route_table(routes_c):
    with open(routes_c) as f:
        src = f.read()
    m = re.search(r"routes\[\]\s*=\s*\{(.*?)\n\};", src, re.S)
    need(m, f"no routes[] table in {routes_c}")
    body = re.sub(r"/\*.*?\*/", "", m.group(1), flags=re.S)
    table = re.findall(r'\{\s*"([A-Z]+)"\s*,\s*"([^"]+)"\s*,', body)
    need(table, f"no routes parsed from {routes_c}")
    return table


def template(p):
    return re.sub(r"\{[^}/]+\}", "{}", p)


def check_openapi(routes_c, path):
    d = load_json(path)
    need(isinstance(d, dict), "not an object")
    need(str(d.get("openapi", "")).startswith("3.1"), f"openapi is {d.get('openapi')!r}, not 3.1")
    need(isinstance(d.get("info"), dict), "no info object")
    paths = d.get("paths")
    need(isinstance(paths, dict) and paths, "no paths")
    verbs = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
    doc = set()
    for p, item in paths.items():
        for verb, op in item.items():
            if verb in verbs:
                need(isinstance(op, dict) and op.get("responses"), f"{verb} {p}: no responses")
                doc.add((verb.upper(), template(p)))
    code = {(m, template(p)) for m, p in route_table(routes_c) if p.startswith("/api/")}
    undocumented = sorted(code - doc)
    unrouted = sorted(doc - code)
    need(not undocumented and not unrouted,
         f"routes not in the document: {undocumented}; documented but not routed: {unrouted}")


def check_therapist(directory, tid, path):
    rec = None
    with open(directory) as f:
        for line in f:
            r = json.loads(line)
            if r.get("id") == tid:
                rec = r
    need(rec, f"{tid} is not in {directory}")
    d = load_json(path)
    need(isinstance(d, dict), "not an object")
    for k in ("id", "name", "credentials", "profession", "timezone"):
        need(d.get(k) == rec[k], f"{k} is {d.get(k)!r}, the record says {rec[k]!r}")
    need(d.get("affiliations") == [], f"affiliations: {d.get('affiliations')!r}, expected []")
    with open(path) as f:
        raw = f.read()
    for a in rec.get("affiliations", []):
        ref = a.get("org") or a.get("person")
        need(ref not in raw, f"{ref} (an affiliation) is in the answer")


class Hrefs(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        for k, v in attrs:
            if k in ("href", "action", "src", "formaction") and v is not None:
                self.hrefs.append(v)


def hrefs(path):
    p = Hrefs()
    with open(path, encoding="utf-8", errors="replace") as f:
        p.feed(f.read())
    for h in p.hrefs:
        print(h)


def headers(d):
    """Security headers on every answer, Cache-Control: no-store on all (but static files and the public taxonomy)
    but /static/ ones, and at most one Cache-Control. Prints one line per
    kind of failure: "security PATHS", "no-store PATHS", "cache-control
    PATH (VALUES)"; nothing when all hold."""
    bad = {"security": [], "no-store": [], "cache-control": []}
    with open(f"{d}/fetched") as f:
        answers = [line.split(" ", 1) for line in f.read().splitlines()]
    for name, path in answers:
        h = {}
        with open(f"{d}/{name}.h", encoding="latin-1") as f:
            for line in f.read().splitlines():
                if ":" in line and not line.startswith("HTTP/"):
                    k, v = line.split(":", 1)
                    h.setdefault(k.strip().lower(), []).append(v.strip())
        one = lambda k: h.get(k, [""])[-1]
        if ("frame-ancestors 'none'" not in one("content-security-policy") or
                one("x-content-type-options") != "nosniff" or one("referrer-policy") != "no-referrer"):
            bad["security"].append(path)
        cc = h.get("cache-control", [])
        if not path.startswith(("/static/", "/api/v1/taxonomy")) and not any("no-store" in v for v in cc):
            bad["no-store"].append(path)
        if len(cc) > 1:
            bad["cache-control"].append(f"{path} ({' | '.join(cc)})")
    for k, v in bad.items():
        if v:
            print(k, " ".join(v))


def batch(d, spec):
    with open(spec) as f:
        lines = [line.rstrip("\n").split("\t") for line in f if line.strip()]
    for check, *cmd in lines:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            rc = run(cmd)
        if cmd[0] in ("hrefs", "headers"):
            with open(f"{d}/{check}.out", "w") as f:
                f.write(out.getvalue())
        if rc == 0:
            open(f"{d}/{check}.pass", "w").close()
        else:
            with open(f"{d}/{check}.why", "w") as f:
                f.write(out.getvalue() or f"exit {rc}\n")
    return 0


def main(argv):
    if argv[1] == "batch":
        return batch(*argv[2:])
    return run(argv[1:])


def run(argv):
    cmd, args = argv[0], argv[1:]
    try:
        if cmd == "error":
            check_error(*args)
        elif cmd == "taxonomy":
            check_taxonomy(*args)
        elif cmd == "orgs":
            check_orgs(*args)
        elif cmd == "openapi":
            check_openapi(*args)
        elif cmd == "therapist":
            check_therapist(*args)
        elif cmd == "hrefs":
            hrefs(*args)
        elif cmd == "headers":
            headers(*args)
        else:
            print(f"check.py: unknown check {cmd}")
            return 2
    except Fail as e:
        print(e)
        return 1
    except Exception as e:  # a missing file, a wrong argument: the check fails
        print(f"{type(e).__name__}: {e}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

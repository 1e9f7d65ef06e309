#!/usr/bin/env python3
"""check.py: the JSON and HTML checks of tests/http.sh, one subcommand each.

    check.py error FIELD FILE [REGEX]   FILE is {"error":{"field":FIELD,"message":M}}
                                        and nothing else; M matches REGEX
    check.py taxonomy CORE FILE         every list of taxonomy-core.json, codes with labels
    check.py orgs Q DIRECTORY FILE      the organizations whose names hold Q, at most 20
    check.py openapi ROUTES_C FILE      the document is OpenAPI 3.1 and its operations are
                                        the /api/ routes (method and path), each declaring
                                        its errors and its security (see check_openapi)
    check.py therapist DIRECTORY ID FILE  the public listing of ID, without affiliations
    check.py answer OPENAPI METHOD PATH STATUS BASE [FIELD]
                                        the answer in BASE.s (status), BASE.h (headers)
                                        and BASE.b (body) has STATUS, which the document
                                        declares for METHOD PATH; its body fits the declared
                                        schema (or is empty when none is declared) and it
                                        has the declared headers; an error names FIELD
    check.py expr FILE EXPRESSION       the Python EXPRESSION holds of d, FILE's JSON
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


ROUTE = re.compile(r'\{\s*"([A-Z]+)"\s*,\s*"([^"]+)"\s*,\s*\w+\s*,\s*(WHO_[A-Z_]+)\s*,\s*(true|false)'
                   r'\s*(?:,\s*"([^"]+)"\s*)?(?:,\s*\.fields\s*=\s*\w+\s*)?(?:,\s*\.form\s*=\s*(?:true|false)\s*)?'
                   r'(?:,\s*\.setup\s*=\s*(true|false)\s*)?\}')


def route_table(routes_c):
    """(METHOD, PATH, WHO, CSRF, BODY, SETUP) for every row of routes[] in routes.c;
    BODY is the media type a row names for its body, or None (the default:
    JSON under /api/). A row may end with the .fields = TABLE it reads
    and .form = true (a page form showing its own errors), then .setup =
    true (open to an account that must set up its second factor)."""
    with open(routes_c) as f:
        src = f.read()
    m = re.search(r"routes\[\]\s*=\s*\{(.*?)\n\};", src, re.S)
    need(m, f"no routes[] table in {routes_c}")
    body = re.sub(r"/\*.*?\*/", "", m.group(1), flags=re.S)
    table = [(meth, path, who, csrf == "true", media or None, setup == "true")
             for meth, path, who, csrf, media, setup in ROUTE.findall(body)]
    need(table, f"no routes parsed from {routes_c}")
    need(len(table) == body.count("{\""), f"{routes_c}: a row of routes[] does not parse")
    return table


def template(p):
    return re.sub(r"\{[^}/]+\}", "{}", p)


def refs(node):
    """Every $ref in node, recursively."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref":
                yield v
            else:
                yield from refs(v)
    elif isinstance(node, list):
        for v in node:
            yield from refs(v)


def required_errors(method, path, who, csrf, op, setup=False):
    """The error statuses an operation must declare, from what the
    dispatcher (server.c) checks before its handler runs."""
    codes = {"429"}                                     # the API's rate limit
    if who != "WHO_ANYONE":
        codes.add("401")                                # not signed in
        if not setup:
            codes.add("403")                            # a second factor to set up first
    if who in ("WHO_THERAPIST", "WHO_ADMIN") or csrf:
        codes.add("403")                                # role, X-CSRF-Token
    if "requestBody" in op:
        codes |= {"400", "413", "415"}                  # bad JSON, too large, not JSON
    if "{" in path:
        codes |= {"400", "404"}                         # an {id} not UTF-8 text; no such {id}
    if any(p.get("in") == "query" for p in op.get("parameters", [])):
        codes.add("400")                                # a query argument missing or not UTF-8 text
    return codes


def check_openapi(routes_c, path):
    """The document is OpenAPI 3.1 (openapi-spec-validator's verdict too,
    when it is installed) whose operations are exactly the /api/ routes of
    routes.c, method and path; every $ref resolves; every operation
    declares its path parameters, the error answers the dispatcher can
    give it (each an Error object), a request body of the media type its
    route reads (JSON unless the row names another), and the security its route requires:
    the session cookie for a signed-in route, with the X-CSRF-Token header
    for a state-changing one, none for a public one."""
    d = load_json(path)
    need(isinstance(d, dict), "not an object")
    need(str(d.get("openapi", "")).startswith("3.1"), f"openapi is {d.get('openapi')!r}, not 3.1")
    need(isinstance(d.get("info"), dict), "no info object")
    if sys.flags.no_site:
        import site
        site.main()  # python3 -S left out the site packages, where the validator lives
    try:
        from openapi_spec_validator import validate
    except ImportError:
        validate = None
    if validate:
        try:
            validate(d)
        except Exception as e:  # the validator's own error types
            raise Fail(f"not valid OpenAPI 3.1: {str(e)[:500]}")
    for ref in refs(d):
        resolve(d, {"$ref": ref})
    schemes = d.get("components", {}).get("securitySchemes", {})
    need(schemes.get("session", {}).get("in") == "cookie" and
         schemes["session"].get("name") == "chiron_session", "no session cookie security scheme")
    need(schemes.get("csrf", {}).get("in") == "header" and
         schemes["csrf"].get("name") == "X-CSRF-Token", "no X-CSRF-Token security scheme")
    paths = d.get("paths")
    need(isinstance(paths, dict) and paths, "no paths")
    verbs = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
    doc = {}
    ids = set()
    for p, item in paths.items():
        for verb, op in item.items():
            if verb in verbs:
                need(isinstance(op, dict) and op.get("responses"), f"{verb} {p}: no responses")
                need(op.get("operationId") not in ids, f"{verb} {p}: operationId used twice")
                ids.add(op.get("operationId"))
                doc[(verb.upper(), template(p))] = (p, op)
    table = [r for r in route_table(routes_c) if r[1].startswith("/api/")]
    code = {(m, template(p)) for m, p, _, _, _, _ in table}
    undocumented = sorted(code - set(doc))
    unrouted = sorted(set(doc) - code)
    need(not undocumented and not unrouted,
         f"routes not in the document: {undocumented}; documented but not routed: {unrouted}")
    bad = []
    for method, route, who, csrf, media, setup in table:
        p, op = doc[(method, template(route))]
        where = f"{method} {p}"
        if "requestBody" in op:
            types = sorted(op["requestBody"].get("content", {}))
            if types != [media or "application/json"]:
                bad.append(f"{where}: the body is {types}, the route reads {media or 'application/json'}")
        params = {x.get("name") for x in op.get("parameters", []) if x.get("in") == "path"}
        for name in re.findall(r"\{([^}/]+)\}", p):
            if name not in params:
                bad.append(f"{where}: path parameter {name} is not declared")
        responses = op["responses"]
        missing = sorted(required_errors(method, route, who, csrf, op, setup) - set(responses))
        if missing:
            bad.append(f"{where}: does not declare {', '.join(missing)}")
        for status, resp in responses.items():
            if status.startswith(("4", "5")):
                schema = resolve(d, resp).get("content", {}).get("application/json", {}).get("schema")
                if schema != {"$ref": "#/components/schemas/Error"}:
                    bad.append(f"{where}: {status} is not an Error")
        security = op.get("security", d.get("security", []))
        for req in security:
            for scheme in req:
                if scheme not in schemes:
                    bad.append(f"{where}: no security scheme {scheme}")
        if who == "WHO_ANYONE" and not csrf:
            if security:
                bad.append(f"{where}: a public route declares security")
        elif not security or not all("session" in req for req in security):
            bad.append(f"{where}: needs the session but does not declare it")
        elif csrf and not all("csrf" in req for req in security):
            bad.append(f"{where}: needs X-CSRF-Token but does not declare it")
        elif not csrf and any("csrf" in req for req in security):
            bad.append(f"{where}: declares X-CSRF-Token, which the route does not check")
    need(not bad, "; ".join(bad))


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


def resolve(doc, node):
    """node, or what its $ref names in doc (local references only)."""
    seen = 0
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        need(ref.startswith("#/"), f"{ref}: not a local reference")
        node = doc
        for part in ref[2:].split("/"):
            need(isinstance(node, dict) and part in node, f"{ref} names nothing")
            node = node[part]
        seen += 1
        need(seen < 20, f"{ref}: a loop of references")
    return node


JSON_TYPES = {
    "null": lambda v: v is None,
    "boolean": lambda v: isinstance(v, bool),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "string": lambda v: isinstance(v, str),
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
}


def conforms(doc, schema, v, where="$"):
    """The JSON Schema keywords the document uses: type, enum, required,
    properties, additionalProperties, items, lengths, pattern, bounds and
    the date-time format. Raises Fail at the first value that does not fit."""
    schema = resolve(doc, schema)
    t = schema.get("type")
    if t is not None:
        ts = t if isinstance(t, list) else [t]
        need(any(JSON_TYPES[x](v) for x in ts), f"{where}: {v!r:.80} is not {t}")
    if "enum" in schema:
        need(v in schema["enum"], f"{where}: {v!r:.80} is not one of {schema['enum']}")
    if isinstance(v, dict):
        for k in schema.get("required", []):
            need(k in v, f"{where}: no {k}")
        props = schema.get("properties", {})
        extra = schema.get("additionalProperties", True)
        for k, x in v.items():
            if k in props:
                conforms(doc, props[k], x, f"{where}.{k}")
            elif extra is False:
                raise Fail(f"{where}: {k} is not in the schema")
            elif isinstance(extra, dict):
                conforms(doc, extra, x, f"{where}.{k}")
    if isinstance(v, list) and "items" in schema:
        for i, x in enumerate(v):
            conforms(doc, schema["items"], x, f"{where}[{i}]")
    if isinstance(v, str):
        need(len(v) >= schema.get("minLength", 0), f"{where}: shorter than minLength")
        need(len(v) <= schema.get("maxLength", len(v)), f"{where}: longer than maxLength")
        if "pattern" in schema:
            need(re.search(schema["pattern"], v), f"{where}: {v!r:.80} does not match {schema['pattern']}")
        if schema.get("format") == "date-time":
            need(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", v),
                 f"{where}: {v!r} is not an RFC 3339 date-time")
    if JSON_TYPES["number"](v):
        need(v >= schema.get("minimum", v), f"{where}: {v} is under the minimum")
        need(v <= schema.get("maximum", v), f"{where}: {v} is over the maximum")


def operation(doc, method, path):
    """The document's operation for METHOD on a concrete PATH, and its template."""
    for tpl, item in doc.get("paths", {}).items():
        rx = "^" + "[^/]+".join(re.escape(part) for part in re.split(r"\{[^}/]+\}", tpl)) + "$"
        if re.match(rx, path.split("?")[0]) and method.lower() in item:
            return item[method.lower()], tpl
    raise Fail(f"the document has no {method} {path}")


def check_answer(openapi, method, path, status, base, field=None):
    doc = load_json(openapi)
    op, tpl = operation(doc, method, path)
    with open(f"{base}.s") as f:
        got = f.read().strip()
    need(got == status, f"{method} {path}: status {got}, expected {status}")
    declared = op.get("responses", {})
    need(status in declared, f"{method} {tpl}: status {status} is not declared (declared: {sorted(declared)})")
    resp = resolve(doc, declared[status])
    headers = {}
    with open(f"{base}.h", encoding="latin-1") as f:
        for line in f.read().splitlines():
            if ":" in line and not line.startswith("HTTP/"):
                k, v = line.split(":", 1)
                headers.setdefault(k.strip().lower(), []).append(v.strip())
    for h in resp.get("headers", {}):
        need(h.lower() in headers, f"{method} {path} {status}: no {h} header")
    with open(f"{base}.b", "rb") as f:
        raw = f.read()
    schema = resp.get("content", {}).get("application/json", {}).get("schema")
    if schema is None:
        need(raw == b"", f"{method} {path} {status}: a body where none is declared: {raw[:200]!r}")
        return
    need(any(v.startswith("application/json") for v in headers.get("content-type", [])),
         f"{method} {path} {status}: Content-Type {headers.get('content-type')}")
    conforms(doc, schema, load_json(f"{base}.b"))
    if int(status) >= 400 and field is not None:
        check_error(field, f"{base}.b")


def check_expr(path, expr):
    d = load_json(path)
    need(eval(expr, {"d": d}), f"{expr} does not hold of {json.dumps(d)[:300]}")


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
        elif cmd == "answer":
            check_answer(*args)
        elif cmd == "expr":
            check_expr(*args)
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

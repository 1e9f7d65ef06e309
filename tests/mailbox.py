#!/usr/bin/env python3
"""mailbox.py DIR DB [CHIRON]: the mail `chiron serve --mail-dir DIR` delivered, as text.

Waits until the outbox of DB has no message left untried (`chiron outbox
wait`, a two-minute watchdog: through the store, so it holds for any
engine), so every message written before the call is in DIR, then prints
each DIR/<id>.eml in id order, decoded:

    ---
    to: ADDRESS
    subject: SUBJECT

    BODY

The shell suites grep this where they once read outbox.log (which no
longer holds messages: docs/web.md, mail at rest).
"""
import email
import email.policy
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

def chiron():
    """The binary: the third argument, $CHIRON_BIN (tests/run sets it,
    relative to the repository), or build/chiron."""
    b = sys.argv[3] if len(sys.argv) > 3 else os.environ.get("CHIRON_BIN", "build/chiron")
    return b if os.path.isabs(b) else os.path.join(ROOT, b)

def main():
    d, db = sys.argv[1], sys.argv[2]
    subprocess.run([chiron(), "outbox", "wait", "--db", db], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    names = sorted((f for f in os.listdir(d) if f.endswith(".eml")) if os.path.isdir(d) else [],
                   key=lambda f: int(f[:-4]))
    out = []
    for f in names:
        with open(os.path.join(d, f), "rb") as fh:
            m = email.message_from_bytes(fh.read(), policy=email.policy.default)
        body = m.get_content().replace("\r\n", "\n").rstrip("\n")
        out.append("---\nto: %s\nsubject: %s\n\n%s\n" % (m["To"], m["Subject"], body))
    sys.stdout.write("".join(out))

main()

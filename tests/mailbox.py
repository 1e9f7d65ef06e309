#!/usr/bin/env python3
"""mailbox.py DIR DB: the mail `chiron serve --mail-dir DIR` delivered, as text.

Waits (a two-minute watchdog, polling) until the outbox of DB has no
message left untried, so every message written before the call is in
DIR, then prints each DIR/<id>.eml in id order, decoded:

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
import sqlite3
import sys
import time

def untried(db):
    try:
        c = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=60)
        n = c.execute("SELECT count(*) FROM outbox WHERE sent_at IS NULL AND attempts = 0").fetchone()[0]
        c.close()
        return n
    except sqlite3.Error:
        return -1

def main():
    d, db = sys.argv[1], sys.argv[2]
    deadline = time.monotonic() + 120
    while untried(db) != 0 and time.monotonic() < deadline:
        time.sleep(0.05)
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

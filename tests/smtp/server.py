#!/usr/bin/env python3
"""A tiny SMTP server for tests/smtp.sh: python3's standard library only.

    server.py PORT DIR [--silent]

Speaks enough ESMTP for libcurl (EHLO/HELO, AUTH PLAIN, MAIL, RCPT,
DATA, RSET, NOOP, QUIT), no TLS. Each message accepted is written to DIR
as N.wire (the DATA bytes as they came, dot-stuffed), N.eml (unstuffed)
and N.env (MAIL FROM, RCPT TO and AUTH lines). Writes DIR/ready once
listening. --silent accepts connections, notes each in DIR/accepted and
never answers: a server that hangs.
"""
import base64
import os
import socket
import socketserver
import sys
import threading

PORT, DIR = int(sys.argv[1]), sys.argv[2]
SILENT = "--silent" in sys.argv[3:]
count = 0
lock = threading.Lock()


def save(wire, env):
    global count
    with lock:
        count += 1
        n = count
    body = b"".join(l[1:] if l.startswith(b".") else l for l in wire.splitlines(keepends=True))
    for ext, data in (("wire", wire), ("eml", body), ("env", "\n".join(env).encode() + b"\n")):
        with open(os.path.join(DIR, f"{n}.{ext}.tmp"), "wb") as f:
            f.write(data)
        os.rename(os.path.join(DIR, f"{n}.{ext}.tmp"), os.path.join(DIR, f"{n}.{ext}"))
    return n


class Session(socketserver.StreamRequestHandler):
    def reply(self, line):
        self.wfile.write(line.encode() + b"\r\n")
        self.wfile.flush()

    def handle(self):
        if SILENT:
            with open(os.path.join(DIR, "accepted"), "a") as f:
                f.write("1\n")
            self.request.recv(1)        # until the client gives up
            return
        env = []
        self.reply("220 test ESMTP")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            cmd = line.decode("ascii", "replace").rstrip("\r\n")
            verb = cmd.split(" ", 1)[0].upper()
            if verb == "EHLO":
                self.reply("250-test")
                self.reply("250-AUTH PLAIN")
                self.reply("250 8BITMIME")
            elif verb == "HELO":
                self.reply("250 test")
            elif verb == "AUTH":
                parts = cmd.split(" ")
                if len(parts) < 3:
                    self.reply("334 ")
                    parts.append(self.rfile.readline().decode().strip())
                env.append("AUTH " + base64.b64decode(parts[2]).decode("utf-8", "replace").replace("\0", "|"))
                self.reply("235 ok")
            elif verb in ("MAIL", "RCPT"):
                env.append(cmd)
                self.reply("250 ok")
            elif verb == "DATA":
                self.reply("354 go on")
                wire = b""
                while True:
                    l = self.rfile.readline()
                    if not l:
                        return
                    if l == b".\r\n":
                        break
                    wire += l
                n = save(wire, [e for e in env])
                env = [e for e in env if e.startswith("AUTH")]
                self.reply(f"250 queued as {n}")
            elif verb in ("RSET", "NOOP"):
                env = [e for e in env if e.startswith("AUTH")]
                self.reply("250 ok")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 not implemented")


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


with Server(("127.0.0.1", PORT), Session) as srv:
    open(os.path.join(DIR, "ready"), "w").close()
    srv.serve_forever()

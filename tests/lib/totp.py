"""totp.py: the codes of an authenticator app (RFC 6238: HMAC-SHA1, 6
digits, 30-second steps), for the test clients that sign in accounts
with a second factor (tests/lib/client.py, tests/booking/run.py).

TEST_SECRET is the secret the suites give `chiron user add --totp-secret`
for therapists and administrators. The server's clock is the system's
plus the offset in the suite's clock file (`chiron serve --clock-file`),
so codes are made at that time.

A code works once per account (the server remembers the last step
accepted, and takes the step before, at or after its own): Codes hands
out, per account, the code of the current step or, when that was given,
the next, so two sign-ins in one half-minute each get a code that works
(never the step before: the server's clock may pass a step boundary
between the making of the code and its check). A fourth would
have to wait: with a workdir, code() moves the suite's clock file on by
a step instead (never a sleep); without one it answers None.
"""
import base64
import hashlib
import hmac
import os
import struct
import time

TEST_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def hotp(secret_b32, counter, digits=6):
    key = base64.b32decode(secret_b32.upper() + "=" * (-len(secret_b32) % 8))
    mac = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    off = mac[-1] & 0x0F
    bin_ = struct.unpack(">I", mac[off:off + 4])[0] & 0x7FFFFFFF
    return "%0*d" % (digits, bin_ % 10 ** digits)


def clock_offset(workdir):
    """The offset in WORKDIR/clock (the suite's --clock-file), 0 when none."""
    try:
        with open(os.path.join(workdir, "clock")) as f:
            return int(f.read().strip() or 0)
    except (OSError, ValueError):
        return 0


class Codes:
    def __init__(self, workdir=None, secret=TEST_SECRET):
        self.workdir, self.secret, self.last = workdir, secret, {}

    def now(self):
        return int(time.time()) + (clock_offset(self.workdir) if self.workdir else 0)

    def _state(self):
        return os.path.join(self.workdir, "totp_state") if self.workdir else None

    def next_step(self, who):
        # The steps given are kept in WORKDIR/totp_state too, so that the
        # suite's client and `python3 totp.py` share them.
        path = self._state()
        if path and os.path.exists(path):
            with open(path) as f:
                for line in f:
                    k, _, v = line.strip().partition(" ")
                    if k and v:
                        self.last[k] = max(self.last.get(k, -1), int(v))
        step = self.now() // 30
        first = max(step, self.last.get(who, -1) + 1)
        if first > step + 1:
            return None
        self.last[who] = first
        if path:
            with open(path + ".new", "w") as f:
                for k, v in self.last.items():
                    f.write("%s %d\n" % (k, v))
            os.replace(path + ".new", path)
        return first

    def code(self, who):
        """A fresh code for account who (the clock moved on a step when
        three were given this step already; None when there is no clock)."""
        s = self.next_step(who)
        while s is None and self.workdir:
            path = os.path.join(self.workdir, "clock")
            with open(path + ".totp", "w") as f:
                f.write("%d\n" % (clock_offset(self.workdir) + 30))
            os.replace(path + ".totp", path)
            s = self.next_step(who)
        return None if s is None else hotp(self.secret, s)


if __name__ == "__main__":
    # python3 totp.py WORKDIR WHO [SECRET]: a fresh code of WHO's app, for
    # the suites that speak curl (the others ask tests/lib/client.py).
    import sys
    who = sys.argv[2].lower().split("@")[0]
    print(Codes(sys.argv[1], sys.argv[3] if len(sys.argv) > 3 else TEST_SECRET).code(who) or "")

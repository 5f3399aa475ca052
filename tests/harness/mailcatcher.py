#!/usr/bin/python3
"""A mail catcher for `make run`: an SMTP server on loopback that writes
every message it receives as a .eml file, and delivers nothing.

    /usr/bin/python3 tests/harness/mailcatcher.py --dir var/mail --port 2525

Files are named <UTC time>-<n>-<first recipient>.eml and start with
X-Catcher-From / X-Catcher-To headers holding the envelope. Runs until
SIGTERM or SIGINT.
"""
import argparse
import itertools
import os
import re
import signal
import socket
import sys
import threading
import time

from aiosmtpd.controller import Controller


class CatchHandler:
    def __init__(self, directory):
        self.directory = directory
        self.numbers = itertools.count(1)

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8")
        first = envelope.rcpt_tos[0] if envelope.rcpt_tos else "unknown"
        slug = re.sub(r"[^A-Za-z0-9@._-]", "_", first)[:80]
        stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
        name = f"{stamp}-{next(self.numbers):04d}-{slug}.eml"
        head = (f"X-Catcher-From: {envelope.mail_from}\r\n"
                f"X-Catcher-To: {', '.join(envelope.rcpt_tos)}\r\n").encode()
        path = os.path.join(self.directory, name)
        tmp = path + ".tmp"
        with open(tmp, "wb") as f:
            f.write(head + raw)
        os.rename(tmp, path)   # readers never see half a message
        print(f"{name}: from {envelope.mail_from} to {', '.join(envelope.rcpt_tos)}", flush=True)
        return "250 2.0.0 Message caught"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dir", required=True, help="folder for the .eml files")
    ap.add_argument("--port", type=int, default=2525)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--pidfile", help="write the process id here")
    args = ap.parse_args()

    os.makedirs(args.dir, exist_ok=True)
    # Fail at once, and clearly, when another program holds the port.
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((args.host, args.port))
    except OSError as e:
        print(f"mailcatcher: can not listen on {args.host}:{args.port}: {e}", file=sys.stderr)
        return 1
    controller = Controller(CatchHandler(os.path.abspath(args.dir)), hostname=args.host,
                            port=args.port, ready_timeout=10, enable_SMTPUTF8=True)
    try:
        controller.start()
    except Exception as e:  # noqa: BLE001 - say why and exit non-zero
        print(f"mailcatcher: can not listen on {args.host}:{args.port}: {e}", file=sys.stderr)
        return 1
    if args.pidfile:
        with open(args.pidfile, "w") as f:
            f.write(f"{os.getpid()}\n")
    print(f"mailcatcher: listening on {args.host}:{args.port}, writing to {args.dir}", flush=True)

    done = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: done.set())
    while not done.wait(3600):
        pass
    controller.stop()
    if args.pidfile:
        try:
            os.unlink(args.pidfile)
        except OSError:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())

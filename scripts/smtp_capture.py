#!/usr/bin/python3
"""A real SMTP server for tests and benchmarks (aiosmtpd, Debian's python3-aiosmtpd).

Listens on 127.0.0.1:PORT, accepts every mail and writes each one to DIR twice: the raw message as
<n>.eml and, parsed with Python's email package, <n>.json (to, subject, message_id, text, html), so
tests read decoded texts without a MIME parser of their own. Prints "ready" once listening.

    /usr/bin/python3 scripts/smtp_capture.py --port 2525 --dir /tmp/mail [--delay-ms 5] [--no-save]
"""
import argparse
import asyncio
import itertools
import json
import os
import signal
import threading
import time
from email import policy
from email.parser import BytesParser

from aiosmtpd.controller import Controller


class Saver:
    def __init__(self, folder, delay, save):
        self.folder, self.delay, self.save = folder, delay, save
        self.count = itertools.count(1)
        self.run = time.time_ns()

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        n = next(self.count)
        if self.save:
            raw = envelope.original_content or envelope.content
            msg = BytesParser(policy=policy.default).parsebytes(raw)
            part = lambda kind: msg.get_body(preferencelist=(kind,))
            text, html = part("plain"), part("html")
            record = {
                "to": envelope.rcpt_tos,
                "from": envelope.mail_from,
                "subject": str(msg.get("subject", "")),
                "message_id": str(msg.get("message-id", "")),
                "text": text.get_content() if text else "",
                "html": html.get_content() if html else "",
            }
            name = f"{self.run}-{n:07}"
            with open(os.path.join(self.folder, f".{name}.tmp"), "wb") as f:
                f.write(raw)
            os.rename(os.path.join(self.folder, f".{name}.tmp"), os.path.join(self.folder, f"{name}.eml"))
            with open(os.path.join(self.folder, f".{name}.jtmp"), "w", encoding="utf-8") as f:
                json.dump(record, f, ensure_ascii=False)
            os.rename(os.path.join(self.folder, f".{name}.jtmp"), os.path.join(self.folder, f"{name}.json"))
        return "250 OK queued"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--delay-ms", type=int, default=0)
    ap.add_argument("--no-save", action="store_true")
    a = ap.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    controller = Controller(Saver(a.dir, a.delay_ms / 1000, not a.no_save), hostname="127.0.0.1", port=a.port)
    controller.start()
    print("ready", flush=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    done.wait()
    controller.stop()


if __name__ == "__main__":
    main()

"""A local SMTP catcher for development: `python -m ticketshow.notifications.mail_catcher`.

`make run` starts it when SMTP_HOST is not set. Each message is kept as a .eml file under
$TICKETSHOW_DATA_DIR/mail/ (open it with any mail client) and logged as one line.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import os
import signal
import threading
from datetime import datetime, timezone
from pathlib import Path

from aiosmtpd.controller import Controller


class MailboxHandler:
    """aiosmtpd handler: writes every message to `directory` and keeps the parsed copies in `messages`."""

    def __init__(self, directory: Path | None = None, log=print):
        self.directory = directory
        self.messages: list[email.message.EmailMessage] = []
        self.log = log
        self._lock = threading.Lock()
        if directory:
            directory.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        with self._lock:
            self.messages.append(message)
            count = len(self.messages)
        if self.directory:
            stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
            path = self.directory / f"{stamp}-{os.getpid()}-{count:05d}.eml"
            path.write_bytes(envelope.original_content or envelope.content)
            where = f" -> {path}"
        else:
            where = ""
        self.log(f"[mail] to {', '.join(envelope.rcpt_tos)}: {message['Subject']}{where}")
        return "250 Message accepted for delivery"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("SMTP_PORT") or 8025))
    parser.add_argument(
        "--dir", type=Path, default=Path(os.environ.get("TICKETSHOW_DATA_DIR") or "instance").resolve() / "mail"
    )
    args = parser.parse_args()
    os.umask(0o077)  # the caught mail sits in the data dir: the owner's alone, like everything there
    controller = Controller(
        MailboxHandler(args.dir, log=lambda line: print(line, flush=True)), hostname=args.host, port=args.port
    )
    controller.start()
    print(f"[mail] catcher on {args.host}:{args.port}, keeping messages in {args.dir}", flush=True)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    while not stop.wait(1):
        pass
    controller.stop()


if __name__ == "__main__":
    main()

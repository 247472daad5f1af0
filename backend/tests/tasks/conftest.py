"""Real parts for the job tests: an SMTP catcher (aiosmtpd), a local HTTP receiver for the chat webhook,
and an embedded Celery worker on the session's Redis (its own db number, so the per-test flush of the
app's db never eats a queued task)."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import redis
import time_machine
from aiosmtpd.controller import Controller
from celery.contrib.testing.worker import start_worker

from ticketshow import create_app
from ticketshow.celery_app import QUEUES
from ticketshow.config import Settings
from ticketshow.notifications.mail_catcher import MailboxHandler

from ..conftest import ADMIN_PASSWORD, free_port


class RefusingMailbox(MailboxHandler):
    """The catcher's handler, refusing the addresses in `refused` at RCPT (550), as a real server does
    for a mailbox that does not exist."""

    def __init__(self):
        super().__init__(log=lambda line: None)
        self.refused: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"


class SmtpCatcher:
    """aiosmtpd on a fixed free port that a test can stop and start again (the SMTP-outage test), and
    that refuses the addresses in `refused`."""

    def __init__(self):
        self.port = free_port()
        self.handler = RefusingMailbox()
        self.controller = None

    @property
    def refused(self) -> set[str]:
        return self.handler.refused

    @property
    def messages(self):
        return self.handler.messages

    def start(self):
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller:
            self.controller.stop()
            self.controller = None

    def to(self, address: str) -> list:
        return [m for m in self.messages if address in m["To"]]

    def wait_for(self, count: int, timeout: float = 15):
        deadline = time.time() + timeout
        while len(self.messages) < count and time.time() < deadline:
            time.sleep(0.05)
        return self.messages

    def wait_for_subject(self, marker: str, count: int = 1, timeout: float = 15):
        """The messages whose subject contains `marker`, once `count` have come (booking confirmations and
        cancellation notices from the same test arrive beside them)."""
        deadline = time.time() + timeout
        while True:
            found = [m for m in self.messages if marker in (m["Subject"] or "")]
            if len(found) >= count or time.time() >= deadline:
                return found
            time.sleep(0.05)


@pytest.fixture
def smtp():
    catcher = SmtpCatcher()
    catcher.start()
    yield catcher
    catcher.stop()


class WebhookReceiver:
    def __init__(self):
        self.posts: list[dict] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.posts.append(json.loads(body))
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1/spaces/TEST/messages?key=k&token=t"
        # shutdown() waits for serve_forever to look at its flag, every poll_interval (0.5 s by default):
        # 0.2 s of every job test's teardown. Checking every 20 ms costs nothing a test could notice.
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def webhook():
    receiver = WebhookReceiver()
    yield receiver
    receiver.close()


@pytest.fixture
def celery_broker_url(redis_server):
    url = redis_server["url"].rsplit("/", 1)[0] + "/1"
    redis.Redis.from_url(url).flushdb()  # no message from an earlier test reaches this test's app
    return url


@pytest.fixture
def app(data_dir, redis_server, smtp, webhook, celery_broker_url):
    """The app with mail, webhook and Celery pointed at this test's real servers."""
    redis.Redis.from_url(redis_server["url"]).flushdb()
    settings = Settings.from_env(
        data_dir=data_dir,
        redis_url=redis_server["url"],
        admin_username="admin",
        admin_password=ADMIN_PASSWORD,
        demo_data=False,
        smtp_host="127.0.0.1",
        smtp_port=smtp.port,
        gchat_webhook_url=webhook.url,
        celery_broker_url=celery_broker_url,
        app_url="http://ticketshow.test",
        app_timezone="Asia/Kolkata",
        testing=True,
    )
    application = create_app(settings)
    ctx = application.app_context()
    ctx.push()
    yield application
    from ticketshow.extensions import db

    db.session.remove()
    db.engine.dispose()
    ctx.pop()


@pytest.fixture
def worker(app):
    """A real Celery worker (in a thread) consuming every queue, with this test's app context."""
    celery = app.extensions["celery"]
    # The worker waits for messages in a BRPOP of `polling_interval` seconds (kombu's Redis transport: 1 s),
    # and stopping it waits for that BRPOP to come back: 0.75 s of every job test's teardown. A message still
    # wakes it at once; 50 ms only bounds how long a stop waits (publishing ignores the option).
    celery.conf.broker_transport_options = {**celery.conf.broker_transport_options, "polling_interval": 0.05}
    with start_worker(
        celery, pool="solo", concurrency=1, perform_ping_check=False, queues=list(QUEUES), shutdown_timeout=20
    ):
        yield celery


def fresh_reads() -> None:
    """End the test's long-lived session: its open read transaction would hide the worker's commits."""
    from ticketshow.extensions import db

    db.session.remove()


def wait_for_job(client, headers, job_id: int, timeout: float = 30, until=None) -> dict:
    """Poll GET /api/jobs/{id} until it is done or failed (or `until(job)` holds); the last answer."""
    until = until or (lambda job: job["state"] in {"done", "failed"})
    deadline = time.monotonic() + timeout
    while True:
        fresh_reads()
        job = client.get(f"/api/jobs/{job_id}", headers=headers).get_json()
        if until(job) or time.monotonic() > deadline:
            return job
        time.sleep(0.05)


def waiting_to_retry(job: dict) -> bool:
    """After a failed attempt: pending again, with a retry time (and a note on what failed)."""
    return job["state"] == "pending" and job["retry_at"] is not None or job["state"] in {"done", "failed"}


def watchdog_at(moment):
    """Run beat's watchdog with the clock at `moment` (time-machine, ticking): due retries are published
    to the real worker. Returns the travel context, still on: leave it once the job has settled."""
    from ticketshow.jobs.tasks import watchdog

    traveller = time_machine.travel(moment, tick=True)
    traveller.start()
    try:
        result = watchdog.apply().get()
    except BaseException:
        traveller.stop()
        raise
    return traveller, result

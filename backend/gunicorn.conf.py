"""gunicorn for a 2-core machine. Workers are processes (SQLite's write lock serialises them safely).

`make run` (ticketshow/processes.py) passes --workers and --threads from the settings (WEB_CONCURRENCY,
WEB_THREADS); these are the defaults for a gunicorn started by hand."""

import ctypes
import gc
import multiprocessing
import os
import shutil
from pathlib import Path

# cores + 1 processes: on 2 cores, 3 workers served /api/health at 1,572-1,820/s against 1,207-1,414/s
# with 4, booked as fast or faster, and use ~90 MB less (docs/benchmarks.md, "Workers").
workers = multiprocessing.cpu_count() + 1
# One thread per process: a thread holding the write queue must not wait on the GIL for its sibling
# (measured in docs/benchmarks.md: 2 threads gave lower booking throughput and a longer tail).
threads = 1
worker_class = "gthread"
timeout = 30
graceful_timeout = 10
# The app writes one JSON line per request (ticketshow/observability.py; ACCESS_LOG="" turns it off), so
# gunicorn's own access log would only repeat it.
accesslog = None
errorlog = "-"
# Migrations and the admin seed already ran in `flask prepare`; workers only serve.
# Several servers may run on one machine (make run, tests, benchmarks): no shared control socket.
control_socket_disable = True

# Load the app once, in the arbiter, and fork the workers from it: the imported modules (Flask, SQLAlchemy,
# APIFlask, our routes and schemas) are then pages the workers share copy-on-write instead of one copy each.
# bench/memory.py: summed PSS of the web tier 263 -> 111 MB idle, 324 -> 257 MB under load (docs/benchmarks.md,
# "Memory"). What the arbiter opened while loading is dealt with in post_fork. A SIGHUP no longer loads new
# code (the arbiter keeps the app it loaded): restart instead, as `make run` does.
preload_app = True

# Metrics: every worker writes its counters to memory-mapped files here and /api/metrics sums them
# (prometheus_client's multiprocess mode). Set before any worker imports prometheus_client; emptied when
# the server starts so counters begin at zero with it; a dead worker's live gauges are dropped.
_data_dir = Path(os.environ.get("TICKETSHOW_DATA_DIR") or "./instance").resolve()
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", str(_data_dir / "metrics"))


def _fresh_metrics_dir() -> None:
    """Empty the directory once per arbiter, here rather than in on_starting: with preload_app the app (and
    prometheus_client, which opens its files at import) loads before on_starting runs. gunicorn reads this
    file again on SIGHUP; the marker keeps a reload from deleting the running workers' files."""
    if os.environ.get("TICKETSHOW_METRICS_EMPTIED_BY") == str(os.getpid()):
        return
    metrics_dir = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    shutil.rmtree(metrics_dir, ignore_errors=True)
    metrics_dir.mkdir(parents=True, exist_ok=True)
    os.environ["TICKETSHOW_METRICS_EMPTIED_BY"] = str(os.getpid())


_fresh_metrics_dir()


def _load_signup_tables() -> None:
    """Build, once in the arbiter, the tables each worker would otherwise build on its first signup and keep:
    zxcvbn's common passwords (auth/passwords.py) and UTS #39's confusables (auth/usernames.py). Measured: 19 MB
    more per worker after one signup, 0 after another (docs/benchmarks.md, "Memory"). Here, as the file is
    read and before the app is loaded, not in pre_fork: building them parses zxcvbn's and the confusables'
    data and drops it again, and the app's own loading then reuses that freed memory instead of leaving it as
    holes that stay resident in the arbiter (10 MB less in the arbiter). Both are pure tables: no connection
    is opened."""
    from ticketshow.auth.passwords import password_problems
    from ticketshow.auth.usernames import username_skeleton

    password_problems("a long enough warm-up phrase", None)
    username_skeleton("warm-up")


if preload_app:
    _load_signup_tables()


def _build_lazy_state(app) -> None:
    """Do, once in the arbiter, what each worker would otherwise do on its first requests, writing to objects
    it shares with the arbiter (every page written is copied into that worker): SQLAlchemy configures every
    mapper on the first query (and memoizes attributes on the shared mapped classes and columns as it does),
    and Celery imports and builds its publishing parts (AMQP, routes, events, the result backend's class) on
    the first task sent. Neither opens a connection. bench/memory.py: 5.7 MB less copied per worker
    (docs/benchmarks.md, "Memory")."""
    from celery.app.backends import by_url
    from sqlalchemy.orm import configure_mappers

    configure_mappers()
    celery = app.extensions["celery"]
    celery.amqp.router  # noqa: B018  (builds the router, importing celery.app.amqp and routes)
    celery.events  # noqa: B018  (imports celery.app.events and the event dispatcher)
    by_url(celery.conf.result_backend, celery.loader)  # imports the backend's module, no instance


def pre_fork(server, worker):
    """In the arbiter, before each worker is forked: load what every worker needs but builds lazily (cached
    after the first call), then move every object alive now into the collector's permanent generation, so
    that a worker's collections never write to them (a collection updates every tracked object's header,
    which would copy the page it sits on into that worker)."""
    app = _ticketshow_app(server) if server.cfg.preload_app else None
    if app is not None:
        _build_lazy_state(app)
    gc.collect()
    gc.freeze()
    _give_back_free_memory()


def _give_back_free_memory() -> None:
    """glibc keeps the memory freed while the app loaded (the import's temporaries, what the collection just
    freed) in its heap; malloc_trim hands the whole free pages back to the kernel, so the arbiter does not
    hold them for the life of the server (about 4 MB). Not glibc (musl): nothing to do."""
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):
        pass


def post_fork(server, worker):
    """In the new worker: nothing the arbiter opened may be used by two processes. The SQLAlchemy pool's
    connections (if loading the app opened any) are forgotten without closing them under the arbiter
    (SQLAlchemy's advice for forked pools); redis-py and Celery's broker pools notice the new pid on their own."""
    from ticketshow.extensions import db

    app = _ticketshow_app(server)
    if app is not None:
        with app.app_context():
            db.engine.dispose(close=False)


def _ticketshow_app(server):
    """The app gunicorn serves when it is Ticket Show's (it has our SQLAlchemy), else None: the benches serve
    a plain Flask reference app (bench/lean_reference.py) with this same file, which has no pool to forget."""
    app = server.app.wsgi()
    return app if "sqlalchemy" in getattr(app, "extensions", {}) else None


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid, os.environ["PROMETHEUS_MULTIPROC_DIR"])


# JSON instead of gunicorn's HTML error pages (over-long request lines, unparsable methods), and no
# Server header naming gunicorn and its version.
from ticketshow.serving import install  # noqa: E402

install()

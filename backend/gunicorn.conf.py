"""gunicorn for a 2-core machine. Workers are processes (SQLite's write lock serialises them safely)."""
import multiprocessing
import os

# cores + 1 processes: on 2 cores, 3 workers served /api/health at 1,572-1,820/s against 1,207-1,414/s
# with 4, booked as fast or faster, and use ~90 MB less (docs/benchmarks.md, "Workers").
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1))
# One thread per process: a thread holding the write queue must not wait on the GIL for its sibling
# (measured in docs/benchmarks.md: 2 threads gave lower booking throughput and a longer tail).
threads = int(os.environ.get("WEB_THREADS", 1))
worker_class = "gthread"
timeout = 30
graceful_timeout = 10
accesslog = os.environ.get("ACCESS_LOG", "-") or None  # ACCESS_LOG="" turns it off (tests, benchmarks)
errorlog = "-"
# Migrations and the admin seed already ran in `flask prepare`; workers only serve.
# Several servers may run on one machine (make run, tests, benchmarks): no shared control socket.
control_socket_disable = True

# JSON instead of gunicorn's HTML error pages (over-long request lines, unparsable methods), and no
# Server header naming gunicorn and its version.
from ticketshow.serving import install  # noqa: E402

install()

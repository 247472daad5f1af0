"""Celery entry point: `celery -A ticketshow.worker worker|beat`. Builds the Flask app once per process.

`serving_only`: the worker and beat never migrate (`flask prepare` does), so Alembic is not loaded (12 MB)."""

import ctypes
import gc

from celery import signals

from . import create_app


def _big_blocks_back_at_once() -> None:
    """glibc's malloc serves a block of 4 MB or more with its own mapping, unmapped when freed. Left to itself
    it raises that threshold to the largest block freed so far (up to 32 MB), and a PDF render frees 20 MB
    blocks (WeasyPrint copies each Noto CJK face it embeds before subsetting it): from the second render on,
    they came from the heap and stayed there, 38 MB more in each process that renders PDFs. A fixed
    threshold (M_MMAP_THRESHOLD, which also stops the raising) keeps them out of the heap; set here, before
    the pool forks, it holds in every pool process and in the monthly run's PDF processes. Not glibc: nothing
    to do (docs/benchmarks.md, "Memory")."""
    try:
        ctypes.CDLL(None).mallopt(_M_MMAP_THRESHOLD, 4 * 1024 * 1024)
    except (OSError, AttributeError):
        pass


_M_MMAP_THRESHOLD = -3  # malloc.h
_big_blocks_back_at_once()
flask_app = create_app(serving_only=True)
celery = flask_app.extensions["celery"]


def _load_what_the_pool_children_need() -> None:
    """In the main process, before the pool forks: what the children would otherwise each load on their first
    task and keep, loaded once and shared. WeasyPrint (22 MB of modules, its user-agent stylesheets parsed at
    import) for the tickets PDF of every confirmation and the PDF reports, icalendar for the .ics attached to it,
    and SQLAlchemy's mapper configuration (done on the first query). Each child still makes its own font
    configuration (reports.service.pdf_tools). Measured in one forked child building ten confirmation mails:
    its first mail 1.15 -> 0.42 s of CPU, 20 MB less of its own memory (docs/benchmarks.md, "Memory")."""
    from sqlalchemy.orm import configure_mappers

    configure_mappers()
    from .tickets import calendar  # noqa: F401

    try:
        import weasyprint  # noqa: F401
        from weasyprint import text, urls  # noqa: F401
    except OSError:  # Pango missing: PDFs cannot be rendered at all (make run says so); the rest works
        pass


@signals.worker_init.connect
def _freeze_before_the_pool_forks(**_kwargs) -> None:
    """In the worker's main process, before it forks its pool: load what every child needs, then move every
    object alive now (the app, every module) into the collector's permanent generation, so a child's
    collections never write to them and the pages they sit on stay shared with the main process
    (docs/benchmarks.md, "Memory")."""
    _load_what_the_pool_children_need()
    gc.collect()
    gc.freeze()


@signals.task_postrun.connect
def _give_back_free_memory(**_kwargs) -> None:
    """After each task, in the pool process that ran it: glibc keeps what a task freed in its heap, and a PDF
    render frees tens of MB (WeasyPrint copies each Noto CJK face it embeds, 20 MB, before subsetting it);
    malloc_trim hands the free pages back to the kernel. About 3 ms after a PDF, microseconds after a task that
    freed little (docs/benchmarks.md, "Memory"). Not glibc (musl): nothing to do."""
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):
        pass

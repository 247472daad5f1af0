"""SQLite set-up and the column types shared by every model.

pysqlite opens transactions on its own, which hides BEGIN IMMEDIATE. Following SQLAlchemy's documented
recipe we switch that off and emit BEGIN ourselves: plain BEGIN for ordinary work (readers never queue
behind the write lock) and BEGIN IMMEDIATE where a session asks for it with `immediate_transaction()`.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import os
import sqlite3
import threading
import weakref
from datetime import datetime, timezone
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.types import DateTime, Integer, TypeDecorator

IMMEDIATE = "ticketshow_immediate"


def _unwrap(session):
    return session() if not hasattr(session, "in_transaction") else session  # a scoped_session's session


def _made(session):
    """The session itself, or a scoped_session's session in this scope; None when the scope has made none (a
    hold or a booking touches the ORM nowhere else: making one only for these checks, and removing it at the
    request's teardown, cost more than the checks)."""
    if hasattr(session, "registry"):
        return session.registry() if session.registry.has() else None
    return session


def configure_sqlite_engine(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        if connection.get_execution_options().get(IMMEDIATE):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")


@contextlib.contextmanager
def immediate_transaction(session):
    """Run the block in one write transaction that holds SQLite's write lock from its first statement.

    Every service that writes runs in one: a deferred transaction that reads and then writes fails with
    SQLITE_BUSY when another writer got in between, and checking seats then inserting tickets must not
    interleave with another writer, in this process or any other. Nested use joins the outer transaction.
    """
    session = _unwrap(session)
    if session.info.get(IMMEDIATE):
        yield session.connection()
        return
    if session.in_transaction():
        session.commit()  # end the read transaction; reads never hold the write lock
    with writer_queue(session.get_bind().url.database):
        connection = session.connection(execution_options={IMMEDIATE: True})
        session.info[IMMEDIATE] = True
        try:
            yield connection
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.info.pop(IMMEDIATE, None)


_lock_files = threading.local()


@contextlib.contextmanager
def writer_queue(database: str | None):
    """Queue writers on an flock next to the database file before they ask SQLite for its write lock.

    Only for speed: SQLite's busy handler makes a waiting writer sleep in steps of up to 100 ms, so under
    contention most of the time goes to sleeping. A blocking flock wakes the next writer the moment the
    last one releases it, in any process. Correctness still rests on BEGIN IMMEDIATE alone.
    """
    if not database or database == ":memory:":
        yield
        return
    handle = getattr(_lock_files, "handle", None)
    if handle is None or handle.name != database + ".writer-lock":
        if handle is not None:
            handle.close()  # this thread now writes to another database (tests, tools)
        handle = _lock_files.handle = open(database + ".writer-lock", "a+b")  # noqa: SIM115  (kept per thread)
    fcntl.flock(handle, fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(handle, fcntl.LOCK_UN)


def writes(function):
    """Decorator: run a service function in one immediate_transaction, committed when it returns."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        from .extensions import db

        with immediate_transaction(db.session):
            return function(*args, **kwargs)

    return wrapper


class UTCDateTime(TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out; stored as naive UTC text that sorts correctly."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


class MoneyColumn(TypeDecorator):
    """Decimal rupees with two places, stored exactly as integer paise."""

    impl = Integer
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return int((Decimal(value) * 100).quantize(Decimal(1)))

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return (Decimal(value) / 100).quantize(Decimal("0.01"))


# ---- the driver-SQL seam: the few statements on the hottest paths ---------------------------------
# Building, compiling and processing a SQLAlchemy statement costs several times what SQLite spends running
# it, so a few hot paths send plain SQL on the sqlite3 connection underneath. Where that is allowed, why,
# and what it skips (session events, the identity map) is written in docs/architecture.md ("Driver SQL").
# These helpers are the only way in: a pooled connection, the session's own connection inside its write
# transaction, named rows, and values stored exactly as the column types above store them.


class DriverTransactionConflict(RuntimeError):
    """A driver write transaction was asked for while the ORM session holds a write transaction.

    The two would be two connections wanting SQLite's one write lock: the second waits out busy_timeout and
    fails, and committing the session first would split its work in two. A programming error, never input.
    """


_thread_sqlite = threading.local()


@contextlib.contextmanager
def pooled_sqlite(engine: Engine):
    """A sqlite3 connection of the engine (same pragmas) for this thread, kept for its next use.

    No session transaction is involved: for one-statement reads on every request (the caller's principal)
    and for driver_write_transaction below. Checking a connection out of SQLAlchemy's pool and back in cost
    about as much as the statements run on it, four times a hold + book pair (docs/benchmarks.md, "Seat
    holds"), so each thread keeps one connection of its own, opened through the pool (the engine's connect
    event sets its pragmas) and detached from it: it never counts against the pool's size. It is opened again
    in a forked process, after engine.dispose() (a new pool: a restored database file), and for another
    engine (tests); an in-memory database uses the pool, whose connection is the database. Left in a
    transaction (an error escaped its block), it is rolled back first, as the pool did on check-in.
    """
    kept = getattr(_thread_sqlite, "kept", None)
    if kept is None or kept[0] is not engine.pool or kept[1] != os.getpid():
        database = engine.url.database
        if not database or database == ":memory:" or database.startswith("file:"):
            pooled = engine.raw_connection()
            try:
                yield pooled.driver_connection
            finally:
                pooled.close()
            return
        if kept is not None and kept[1] == os.getpid():
            kept[2].close()  # this thread now reads another database (tests, tools)
        pooled = engine.raw_connection()
        pooled.detach()  # ours for the thread's life: closed with it, never returned to the pool
        kept = _thread_sqlite.kept = (engine.pool, os.getpid(), pooled.dbapi_connection)
    sqlite = kept[2]
    if sqlite.in_transaction:
        sqlite.rollback()
    yield sqlite


class _Watcher(NamedTuple):
    pid: int
    connection: sqlite3.Connection
    lock: threading.Lock


_watchers: weakref.WeakKeyDictionary[Engine, _Watcher] = weakref.WeakKeyDictionary()  # closed with the engine


def data_version(engine: Engine):
    """A token that is equal in two calls only if no connection, in this process or any other, committed a
    write to the engine's database in between (None for a database this cannot watch, e.g. in memory).

    SQLite's `PRAGMA data_version` on a connection of its own that never writes (one per engine and process,
    opened again after a fork): it changes whenever any other connection commits (or checkpoints). A few
    microseconds, against a pooled connection's checkout and a query: what lets a cached answer keep its live
    figures between hits while nothing was written (cache.LiveFields).
    """
    path = engine.url.database
    if not path or path == ":memory:" or path.startswith("file:"):
        return None
    watcher = _watchers.get(engine)
    if watcher is None or watcher.pid != os.getpid():
        connection = sqlite3.connect(path, timeout=10, isolation_level=None, check_same_thread=False)
        watcher = _watchers[engine] = _Watcher(os.getpid(), connection, threading.Lock())
    with watcher.lock:
        # fetchall: the statement runs to its end, so no read transaction stays open (it would hold back
        # the WAL's checkpoints)
        ((version,),) = watcher.connection.execute("PRAGMA data_version").fetchall()
    return watcher, version


def holds_write_transaction(session) -> bool:
    """Whether the session is inside immediate_transaction or has changes a commit would write."""
    session = _unwrap(session)
    return bool(session.info.get(IMMEDIATE) or session.new or session.dirty or session.deleted)


@contextlib.contextmanager
def driver_write_transaction(session):
    """One BEGIN IMMEDIATE transaction on a pooled sqlite3 connection beside the ORM session.

    The seat ledger's own (booking/ledger.py): with the session, beginning and committing cost about as
    much as the statements inside. Same discipline as immediate_transaction: the session's read transaction
    (if any) ends first, so what it reads afterwards includes this write; then the writer queue, then BEGIN
    IMMEDIATE. Raises DriverTransactionConflict if the session holds a write transaction of its own.
    """
    session = _made(session)
    if session is None:  # no session in this scope: nothing of the ORM's to finish, nothing to conflict with
        from .extensions import db

        engine = db.engine
    else:
        if holds_write_transaction(session):
            raise DriverTransactionConflict(
                "driver_write_transaction() inside the ORM session's write transaction: run the driver SQL on "
                "session_write_connection(session) instead, or finish the session's transaction first"
            )
        if session.in_transaction():
            session.commit()  # a read transaction only (checked above): nothing is written here
        engine = session.get_bind()
    with pooled_sqlite(engine) as sqlite, writer_queue(engine.url.database):
        sqlite.execute("BEGIN IMMEDIATE")
        try:
            yield sqlite
        except BaseException:
            sqlite.rollback()
            raise
        sqlite.commit()


def session_write_connection(session):
    """The sqlite3 connection under the session's immediate_transaction, for driver SQL that must commit
    or roll back with the session's own writes (repricing after a cancellation or an admin change).

    Raises RuntimeError outside immediate_transaction: a driver write there would run in a plain BEGIN.
    """
    session = _unwrap(session)
    if not session.info.get(IMMEDIATE):
        raise RuntimeError("session_write_connection() outside immediate_transaction()")
    return session.connection().connection.driver_connection


@contextlib.contextmanager
def driver_writes(session):
    """The sqlite3 connection a driver-SQL write path runs on: inside the session's immediate_transaction,
    that transaction's own (the session's changes are flushed first so the SQL sees them, and everything
    commits or rolls back together: the demo loader books inside its one transaction); otherwise a
    driver_write_transaction of its own. Raises DriverTransactionConflict for unflushed changes outside one.
    """
    made = _made(session)
    if made is not None and made.info.get(IMMEDIATE):
        made.flush()
        yield session_write_connection(made)
        return
    with driver_write_transaction(session) as sqlite:
        yield sqlite


def named_rows(sqlite, row_type, sql: str, parameters=()):
    """Run a query and answer its rows as row_type (a NamedTuple with one field per column, in order)."""
    cursor = sqlite.cursor()
    cursor.row_factory = lambda _cursor, row: row_type._make(row)
    return cursor.execute(sql, parameters)


_UTC_TIME = UTCDateTime()  # one instance, as _MONEY: the write paths convert three to six times a request
_MONEY = MoneyColumn()  # one instance: building a type per value showed in the show list's profile


def to_paise(amount: Decimal) -> int:
    return _MONEY.process_bind_param(amount, None)


def from_paise(paise: int | None) -> Decimal | None:
    return _MONEY.process_result_value(paise, None)


def to_stored_time(value: datetime) -> str:
    """As SQLAlchemy's SQLite DateTime stores a naive UTC value: 'YYYY-MM-DD HH:MM:SS.ffffff'."""
    return _UTC_TIME.process_bind_param(value, None).isoformat(sep=" ", timespec="microseconds")


def from_stored_time(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text).replace(tzinfo=timezone.utc)

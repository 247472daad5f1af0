"""The append-only audit log: `from ticketshow import audit; audit.record(...)` inside a write transaction."""

from .service import changed, record, snapshot  # noqa: F401

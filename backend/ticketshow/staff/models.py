"""Theatre assignments of staff: which theatres a manager or a scanner works at (their role is users.role)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class StaffTheatre(db.Model):
    """One row per (staff member, theatre). The primary key's order serves the per-request principal read
    (auth.service.principal_and_revocation); the second index serves "who works at this theatre"."""

    __tablename__ = "staff_theatres"

    user_id: Mapped[int] = mapped_column(Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    theatre_id: Mapped[int] = mapped_column(Integer, ForeignKey("theatres.id"), primary_key=True, index=True)

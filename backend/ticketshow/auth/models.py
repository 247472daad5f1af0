from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..database import UTCDateTime
from ..extensions import db

ROLE_ADMIN = "admin"
ROLE_USER = "user"


class User(db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    # auth/usernames.py. The exact RFC 8265 UsernameCaseMapped form, unique: "Asha" and "ASHA" are one
    # account name, and the only form login looks up.
    username_key: Mapped[str] = mapped_column(String(64), unique=True)
    # The look-alike skeleton (UTS #39, case-preserved then folded), unique: "biII" and "bill" cannot both
    # exist, even when signed up at the same instant in two processes. NULL only for an account that
    # already looked like an older one when migration 0018 added the column (both kept, logged).
    username_skeleton: Mapped[str | None] = mapped_column(String(255), unique=True, index=True)
    email: Mapped[str] = mapped_column(String(254))
    # auth/emails.py: the address lower-cased, unique, so that an address belongs to one account even when
    # two sign-ups or address changes write it at once. NULL only for an account whose address another,
    # older account already had when migration 0021 added the column (both kept, logged).
    email_key: Mapped[str | None] = mapped_column(String(254), unique=True, index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default=ROLE_USER)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    report_format: Mapped[str] = mapped_column(String(8), default="html")
    reminders: Mapped[bool] = mapped_column(Boolean, default=True)
    preferred_place: Mapped[str | None] = mapped_column(String(120))
    # "en", "hi" or "ta" once the user picks a language; None: follow the browser's Accept-Language.
    locale: Mapped[str | None] = mapped_column(String(8))
    # Tokens issued before this moment no longer work (log out everywhere, password change or reset),
    # except the one whose jti is kept_token_jti (the session that changed the password).
    tokens_valid_after: Mapped[datetime | None] = mapped_column(UTCDateTime)
    kept_token_jti: Mapped[str | None] = mapped_column(String(64))

    @property
    def is_admin(self) -> bool:
        return self.role == ROLE_ADMIN

    @property
    def roles(self) -> list[str]:
        return [self.role]

    @property
    def preferences(self) -> dict:
        return {
            "report_format": self.report_format,
            "reminders": self.reminders,
            "place": self.preferred_place,
            "locale": self.locale,
        }


class RevokedToken(db.Model):
    """Logged-out tokens, kept until they would have expired anyway."""

    __tablename__ = "revoked_tokens"

    jti: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class PasswordReset(db.Model):
    """A password-reset link: only the SHA-256 of its token is kept; single-use, 30 minutes."""

    __tablename__ = "password_resets"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

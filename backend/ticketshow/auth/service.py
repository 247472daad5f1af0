"""Accounts: sign-up, login, logout (one token or all), password change and reset, preferences and the
admin created with every new database."""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import NamedTuple

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_jwt_extended import create_access_token
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError

from .. import i18n
from ..clock import utcnow
from ..database import from_stored_time, immediate_transaction, named_rows, pooled_sqlite, writes
from ..errors import Conflict, DomainError, Invalid, NotFound, Unauthorized
from ..extensions import db
from ..i18n import _, _l
from . import throttle
from .emails import email_key
from .models import ROLE_ADMIN, ROLE_USER, PasswordReset, RevokedToken, User
from .passwords import hash_password, opaque_password, password_problems, verify_password
from .usernames import canonical_username, username_key, username_skeleton

log = logging.getLogger(__name__)


def _normalise_email(email: str) -> str:
    try:
        return validate_email(email, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        # email-validator explains precisely, but only in English: other languages get the plain request.
        if i18n.current_locale() == i18n.DEFAULT_LOCALE:
            raise Invalid({"email": str(exc)}) from exc
        raise Invalid({"email": _("Enter an email address, such as name@example.com.")}) from exc


# Lazy: rendered in the request's language where they are used (str() before they go into `details`).
USERNAME_TAKEN = _l("This username is taken or looks like an existing name; choose another.")
EMAIL_TAKEN = _l("This email address already has an account; log in, or reset its password.")


def _username_taken() -> Conflict:
    return Conflict(USERNAME_TAKEN, code="username_taken", details={"username": [str(USERNAME_TAKEN)]})


def _email_taken() -> Conflict:
    return Conflict(EMAIL_TAKEN, code="email_taken", details={"email": [str(EMAIL_TAKEN)]})


def _name_in_use(key: str | None, skeleton: str) -> bool:
    """Whether an account already has this exact name (key) or one that looks the same (skeleton)."""
    clash = (
        User.username_skeleton == skeleton
        if key is None
        else or_(User.username_key == key, User.username_skeleton == skeleton)
    )
    return db.session.scalar(select(User.id).where(clash).limit(1)) is not None


def email_in_use(email: str, excluding_user_id: int | None = None) -> bool:
    """Whether another account has this (normalised) address, compared without regard to case (its
    email_key, auth/emails.py)."""
    statement = select(User.id).where(User.email_key == email_key(email))
    if excluding_user_id is not None:
        statement = statement.where(User.id != excluding_user_id)
    return db.session.scalar(statement.limit(1)) is not None


@dataclass
class SignupCheck:
    """Everything wrong with a sign-up, found at once: `problems` are 422 fields {field: [messages]},
    `taken` the fields that name an existing account ("username", "email"); the normalised values."""

    problems: dict[str, list[str]]
    taken: list[str]
    username: str | None = None
    email: str | None = None
    password: str | None = None


def check_signup(username: str | None, email: str | None, password: str | None) -> SignupCheck:
    """Check the fields given (None: missing, reported by the schema) against every rule: RFC 8265 names
    (auth/usernames.py), a taken name or look-alike of one, the email's form and whether another account
    has it, and the password policy (auth/passwords.py)."""
    check = SignupCheck(problems={}, taken=[])
    if username is not None:
        if _name_in_use(username_key(username), username_skeleton(username)):
            # Taken wins over the profile's 422: an invisible character must not turn "taken" into a format error.
            check.taken.append("username")
            check.username = username.strip()
        else:
            try:
                check.username = canonical_username(username)
            except Invalid as exc:
                check.problems.update(exc.details)
    if email is not None:
        try:
            check.email = _normalise_email(email)
            if email_in_use(check.email):
                check.taken.append("email")
        except Invalid as exc:
            check.problems.update(exc.details)
    if password is not None:
        try:
            check.password = opaque_password(password)
            weak = password_problems(check.password, check.username or username)
            if weak:
                check.problems["password"] = weak
        except Invalid as exc:
            check.problems.update(exc.details)
    return check


def signup_refusal(check: SignupCheck) -> DomainError | None:
    """The one answer to a sign-up with problems: a name or address already in use alone is 409
    (`username_taken`, else `email_taken`, `details` naming both when both are); with any invalid field too,
    422 naming every field, the taken ones included (`weak_password` when the password is among them)."""
    taken = {field: [str(USERNAME_TAKEN if field == "username" else EMAIL_TAKEN)] for field in check.taken}
    if not check.problems:
        if not taken:
            return None
        conflict = _username_taken() if "username" in taken else _email_taken()
        conflict.details = taken
        return conflict
    problems = {**taken, **check.problems}
    weak_only = set(problems) == {"password"}
    return Invalid(
        problems,
        _("The password is too weak.") if weak_only else _("Some fields are invalid."),
        code="weak_password" if "password" in problems else "validation_error",
    )


def create_user(
    username: str,
    email: str,
    password: str,
    role: str = ROLE_USER,
    *,
    locale: str | None = None,
    reminders: bool = True,
) -> User:
    """Create an account (sign-up, the admin of a new database, the demo data: every account comes here).
    `locale` ("en", "hi", "ta" or None: not chosen) is the account's language for mail and documents;
    `reminders` its preferences.reminders (API.md: sign-up's `reminders`, default on), the column
    update_preferences writes.

    Usernames follow RFC 8265 (auth/usernames.py). A name is free only if no account has the same
    UsernameCaseMapped form (`username_key`) nor the same look-alike skeleton (`username_skeleton`):
    otherwise `username_taken`, which wins over the profile's 422 so that an invisible character cannot
    turn "looks like a taken name" into a mere format error. An address belongs to one account
    (`email_taken`). Every problem is reported in one answer (signup_refusal): 409 when a taken name or
    address is all, else 422 naming every invalid field, taken ones too (`weak_password` when the password
    is among them). Both name keys and the address's key (`email_key`, auth/emails.py) have a unique index,
    so two look-alikes, or two cases of one address, signing up at once cannot both get in, whatever process
    they hit: the checks are repeated under SQLite's write lock, and the index refuses what a writer outside
    that lock would slip in (also 409, `username_taken` or `email_taken` after the index that refused)."""
    check = check_signup(username, email, password)
    refusal = signup_refusal(check)
    if refusal is not None:
        raise refusal
    key = username_key(check.username)  # never None here: canonical_username accepted the name
    skeleton = username_skeleton(check.username)
    password_hash = hash_password(check.password)  # slow on purpose: done before taking the write lock
    try:
        with immediate_transaction(db.session):
            if _name_in_use(key, skeleton):  # another sign-up got in while the password was hashed
                raise _username_taken()
            if email_in_use(check.email):
                raise _email_taken()
            user = User(
                username=check.username,
                username_key=key,
                username_skeleton=skeleton,
                email=check.email,
                email_key=email_key(check.email),
                password_hash=password_hash,
                role=role,
                locale=locale,
                reminders=reminders,
            )
            db.session.add(user)
            db.session.flush()
    except IntegrityError as exc:  # only the unique indexes on the name's keys and the address's key can refuse
        raise (_email_taken() if _refused_by_email_key(exc) else _username_taken()) from exc
    return user


def _refused_by_email_key(error: IntegrityError) -> bool:
    """Whether users.email_key's unique index refused the write (SQLite names the column it failed on)."""
    return "users.email_key" in str(error.orig)


def login(username: str, password: str, address: str) -> dict:
    """Log in by the exact UsernameCaseMapped form of the name (case and width do not matter; a look-alike
    is another name, so it never opens the account it imitates). 401 `invalid_credentials` for a wrong
    name or password (a name the profile refuses names no account), 429 when throttled (auth/throttle.py)."""
    key = username_key(username)
    throttle_key = key if key is not None else ""  # every impossible name shares one (account, address) pair
    throttle.check_allowed(throttle_key, address)
    user = db.session.scalar(select(User).where(User.username_key == key)) if key is not None else None
    verdict = verify_password(user.password_hash if user else None, password)
    if not verdict:
        throttle.record_failure(throttle_key, address)
        raise Unauthorized(_("Invalid username or password."), code="invalid_credentials")
    if verdict.rehash:  # a hash made before OpaqueString, or with older argon2 parameters
        with immediate_transaction(db.session):
            db.session.get(User, user.id).password_hash = hash_password(verdict.password)
    throttle.record_success(throttle_key, address)
    lifetime = timedelta(minutes=current_app.config["ACCESS_TOKEN_MINUTES"])
    token = create_access_token(
        identity=str(user.id), expires_delta=lifetime, additional_claims={"role": user.role, "iat_ms": _now_ms()}
    )
    return {
        "access_token": token,
        "token_type": "Bearer",
        "expires_in": int(lifetime.total_seconds()),
        "user": account(user.id),
    }


def logout(jti: str, expires_at: datetime) -> None:
    """Revoke one token until it would have expired anyway; expired revocations are pruned here."""
    with immediate_transaction(db.session):
        db.session.merge(RevokedToken(jti=jti, expires_at=expires_at))
        db.session.execute(RevokedToken.__table__.delete().where(RevokedToken.expires_at < utcnow()))


@dataclass(frozen=True)
class Principal:
    """Who is calling, as read once per authenticated request (the full User is loaded where needed).

    `theatre_ids` are the theatres a manager or scanner is assigned to (empty for others): ticketshow.policy
    decides every access from these fields alone, without another query.
    """

    id: int
    username: str
    role: str
    theatre_ids: frozenset[int] = frozenset()
    locale: str | None = None  # the chosen language (preferences.locale); None: Accept-Language decides

    @property
    def is_admin(self) -> bool:
        return self.role == ROLE_ADMIN


class _CallerRow(NamedTuple):
    id: int
    username: str
    role: str
    revoked: int
    theatre_ids: str | None  # "3,7": a manager's or scanner's theatres
    tokens_valid_after: str | None  # stored UTC text: tokens issued before it no longer work
    kept_token_jti: str | None  # ...but this one, which changed the password
    locale: str | None  # the language chosen in preferences (ticketshow.i18n picks the request's from it)


# The assignments are read only for staff roles, from the staff_theatres primary key (user_id, theatre_id).
_PRINCIPAL_SQL = (
    "SELECT u.id, u.username, u.role, EXISTS (SELECT 1 FROM revoked_tokens WHERE jti = ?), "
    "CASE WHEN u.role IN ('manager', 'scanner') THEN "
    "(SELECT group_concat(theatre_id) FROM staff_theatres WHERE user_id = u.id) END, "
    "u.tokens_valid_after, u.kept_token_jti, u.locale "
    "FROM users AS u WHERE u.id = ?"
)


def principal_and_revocation(user_id: int, jti: str, issued_ms: int = 0) -> tuple[Principal | None, bool]:
    """The caller (with their theatres, for staff) and whether their token was logged out, in one
    primary-key query.

    It runs on every authenticated request, so as driver SQL on a pooled connection (database.pooled_sqlite),
    outside the session: a write request's BEGIN IMMEDIATE then starts without first ending a read
    transaction. Revocations live in SQLite only: a lookup here costs less than a Redis round trip and
    survives a Redis restart or flush.
    """
    with pooled_sqlite(db.engine) as sqlite:
        row = named_rows(sqlite, _CallerRow, _PRINCIPAL_SQL, (jti, user_id)).fetchone()
    if row is None:
        return None, False
    theatres = frozenset(int(t) for t in row.theatre_ids.split(",")) if row.theatre_ids else frozenset()
    revoked = bool(row.revoked)
    if row.tokens_valid_after and jti != row.kept_token_jti:
        cutoff_ms = int(from_stored_time(row.tokens_valid_after).timestamp() * 1000)
        revoked = revoked or issued_ms < cutoff_ms  # logged out everywhere, or the password changed since
    return Principal(row.id, row.username, row.role, theatres, row.locale), revoked


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_("No such user."))
    return user


def account(user_id: int) -> User:
    """The user as GET /api/auth/me and the login answer show them: with `theatre_ids` (staff) and
    `permissions`, what the UI may offer them (ticketshow.policy.permissions_of)."""
    from .. import policy
    from ..staff.models import StaffTheatre

    user = get_user(user_id)
    ids = (
        db.session.scalars(
            select(StaffTheatre.theatre_id).where(StaffTheatre.user_id == user.id).order_by(StaffTheatre.theatre_id)
        ).all()
        if user.role in policy.STAFF_ROLES
        else []
    )
    user.theatre_ids = list(ids)
    user.permissions = policy.permissions_of(Principal(user.id, user.username, user.role, frozenset(ids)))
    return user


def change_email(user_id: int, email: str) -> User:
    """Give the account another address. Raises Invalid (422, `email`) for text that is not an address and
    Conflict 409 `email_taken` when another account has it (compared without regard to case: email_key);
    the same address again, in any case, is no change of owner: the account keeps its key, or keeps having
    none when migration 0021 gave the address's key to an older account that shared it (so that account's
    holder can still save their profile). The check and the write share the write lock, and the unique
    index on email_key refuses a twin that a writer outside it would slip in (also 409)."""
    address = _normalise_email(email)
    try:
        with immediate_transaction(db.session):
            user = get_user(user_id)
            if email_key(address) == email_key(user.email):
                user.email = address  # its own address, perhaps in another case
            elif email_in_use(address, excluding_user_id=user_id):
                raise _email_taken()
            else:
                user.email, user.email_key = address, email_key(address)
            db.session.flush()
    except IntegrityError as exc:
        raise _email_taken() from exc
    return user


@writes  # committed: the next request's caller (read outside the session) must see the new locale
def update_preferences(user_id: int, changes: dict) -> User:
    user = get_user(user_id)
    if "report_format" in changes:
        user.report_format = changes["report_format"]
    if "reminders" in changes:
        user.reminders = changes["reminders"]
    if "place" in changes:
        user.preferred_place = changes["place"] or None
    if "locale" in changes:
        user.locale = changes["locale"]
    return user


def ensure_admin(data_dir: Path, username: str, password: str | None) -> tuple[User | None, str | None]:
    """Create the admin on a new database. Returns (user, generated password) or (None, None) if one exists.

    Without ADMIN_PASSWORD a password is generated, printed once by the caller and written to
    admin-password.txt (mode 600) in the data dir.
    """
    if db.session.scalar(select(User.id).where(User.role == ROLE_ADMIN)) is not None:
        return None, None
    generated = None
    if not password:
        generated = password = secrets.token_urlsafe(12)
    problems = password_problems(password, username)
    if problems:
        raise SystemExit("ADMIN_PASSWORD is not acceptable: " + " ".join(problems))
    user = create_user(username, current_app.config["ADMIN_EMAIL"], password, role=ROLE_ADMIN)
    if generated:
        path = data_dir / "admin-password.txt"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(f"{username}\n{generated}\n")
        os.chmod(path, 0o600)
    return user, generated


def token_expiry(decoded: dict) -> datetime:
    return datetime.fromtimestamp(decoded["exp"], tz=timezone.utc)


# ---- sessions and passwords (API.md, Auth) ------------------------------------------------------------

RESET_LIFETIME = timedelta(minutes=30)
MAX_LIVE_RESETS = 3  # unused, unexpired links per account: more requests send nothing (no mail bombing)


def _now_ms() -> int:
    """Milliseconds since the epoch: the `iat_ms` claim (JWT's `iat` has whole seconds only, too coarse to
    tell a token issued just before "log out everywhere" from one issued just after)."""
    return int(utcnow().timestamp() * 1000)


def issued_ms(claims: dict) -> int:
    """When a token was issued, in milliseconds (tokens from before `iat_ms` existed: their `iat`)."""
    value = claims.get("iat_ms")
    return int(value) if isinstance(value, int) else int(claims.get("iat", 0)) * 1000


def _end_sessions(user: User, keep_jti: str | None = None) -> None:
    """Every token issued until now stops working, but `keep_jti` (read in principal_and_revocation)."""
    user.tokens_valid_after, user.kept_token_jti = utcnow(), keep_jti


def logout_all(user_id: int) -> None:
    """POST /api/auth/logout-all: every token of the user stops working, the caller's included."""
    with immediate_transaction(db.session):
        _end_sessions(get_user(user_id))


def _new_password_hash(password: str, username: str) -> str:
    """The argon2 hash of a new password (OpaqueString form); Invalid (422 weak_password) if the policy refuses it."""
    password = opaque_password(password)
    problems = password_problems(password, username)
    if problems:
        raise Invalid({"new_password": problems}, _("The password is too weak."), code="weak_password")
    return hash_password(password)


def change_password(user_id: int, jti: str, current_password: str, new_password: str, address: str) -> None:
    """POST /api/auth/password: check the current password (401 invalid_credentials; failures are throttled
    like logins, so this is no side door for guessing), set the new one (422 weak_password) and end every
    other session; the token that asked keeps working."""
    user = get_user(user_id)
    throttle.check_allowed(user.username_key, address)
    verdict = verify_password(user.password_hash, current_password)
    if not verdict:
        throttle.record_failure(user.username_key, address)
        raise Unauthorized(_("The current password is wrong."), code="invalid_credentials")
    try:
        new_hash = _new_password_hash(new_password, user.username)
    except Invalid as exc:
        exc.details = {("new_password" if k == "password" else k): v for k, v in exc.details.items()}
        raise
    with immediate_transaction(db.session):
        user = get_user(user_id)
        user.password_hash = new_hash
        _end_sessions(user, keep_jti=jti)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "backslashreplace")).hexdigest()


def request_password_reset(email: str) -> None:
    """POST /api/auth/password-reset: a known address gets a single-use link valid for 30 minutes; an unknown
    one gets nothing, and the caller cannot tell which (the answer is 202 either way, and as fast).
    Only the token's SHA-256 is stored. Raises Invalid (422) for text that is not an email address."""
    from ..notifications.tasks import send_mail

    address = _normalise_email(email)
    # An address two accounts shared before email_key existed: its key is the older account's (migration 0021).
    user = db.session.scalar(select(User).where(User.email_key == email_key(address)))
    if user is None:
        return
    now = utcnow()
    live = db.session.scalar(
        select(func.count())
        .select_from(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None), PasswordReset.expires_at > now)
    )
    if live >= MAX_LIVE_RESETS:
        log.info("password reset for user %s not sent: %s links are still live", user.id, live)
        return
    token = secrets.token_urlsafe(32)
    with immediate_transaction(db.session):
        db.session.add(
            PasswordReset(
                token_hash=_token_hash(token), user_id=user.id, created_at=now, expires_at=now + RESET_LIFETIME
            )
        )
    link = f"{current_app.config['SETTINGS'].app_url.rstrip('/')}/reset-password?token={token}"
    # The account's language, else the one this request asked for (whoever asks, the mail goes to the owner).
    with i18n.force_locale(i18n.recipient_locale(user, {"user_id": user.id, "locale": i18n.select_locale()})):
        text = "\n".join(
            [
                _("Hello %(name)s,", name=user.username),
                "",
                _(
                    "Someone (we hope you) asked to reset the password of your Ticket Show account. Open this "
                    "link within 30 minutes to choose a new one; it works once:"
                ),
                "",
                link,
                "",
                _("If it was not you, ignore this mail: your password stays as it is."),
                "",
            ]
        )
        subject = _("Reset your Ticket Show password")
    message = {"to": user.email, "to_name": user.username, "subject": subject, "text": text}
    try:
        send_mail.delay(message)
    except Exception:  # the queue is down: the link cannot be mailed; the answer must not say so
        log.exception("could not queue the password reset mail for user %s", user.id)


class InvalidToken(DomainError):
    status, code, message = 400, "invalid_token", _l("This reset link is used, expired or unknown; ask for a new one.")


def confirm_password_reset(token: str, new_password: str) -> None:
    """POST /api/auth/password-reset/confirm: set the new password (422 weak_password) and end every session
    of the account. The link works once (a conditional update under the write lock: two uses at once, one
    wins) and for 30 minutes; otherwise 400 invalid_token. Every other live link of the account is spent too."""
    digest = _token_hash(token)
    reset = db.session.get(PasswordReset, digest)
    if reset is None or reset.used_at is not None or reset.expires_at <= utcnow():
        raise InvalidToken()
    new_hash = _new_password_hash(new_password, get_user(reset.user_id).username)  # slow: before the lock
    with immediate_transaction(db.session):
        now = utcnow()
        spent = db.session.execute(
            update(PasswordReset)
            .where(PasswordReset.token_hash == digest, PasswordReset.used_at.is_(None), PasswordReset.expires_at > now)
            .values(used_at=now)
        )
        if spent.rowcount != 1:
            raise InvalidToken()
        db.session.execute(
            update(PasswordReset)
            .where(PasswordReset.user_id == reset.user_id, PasswordReset.used_at.is_(None))
            .values(used_at=now)
        )
        user = get_user(reset.user_id)
        user.password_hash = new_hash
        _end_sessions(user)

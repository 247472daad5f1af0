"""Password hashing (argon2id), the OpaqueString profile (RFC 8265) and the password policy."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context
from precis_i18n import get_profile

from ..errors import Invalid
from ..i18n import _

MIN_LENGTH = 8
MAX_LENGTH = 256  # argon2 cost is linear in length; a cap keeps a huge password from being a DoS
COMMON_PASSWORDS_CHECKED = 10_000

# argon2id's cost: RFC 9106 section 4's second recommended option (t=3 passes over 64 MiB, 4 lanes), which
# is argon2-cffi's default. PASSWORD_HASH_TIME_COST / PASSWORD_HASH_MEMORY_KIB change it; hashes made with
# other parameters are upgraded at the next login (Verdict.rehash).
DEFAULT_TIME_COST = 3
DEFAULT_MEMORY_KIB = 64 * 1024
PARALLELISM = 4


@lru_cache(maxsize=4)
def _hasher_for(time_cost: int, memory_kib: int) -> tuple[PasswordHasher, str]:
    """The hasher for these parameters and a real hash made with it, verified against when the user does
    not exist so that timing does not reveal which names exist."""
    hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=PARALLELISM)
    return hasher, hasher.hash("not-a-real-password-for-timing")


def _hasher() -> tuple[PasswordHasher, str]:
    """The hasher of the running app's settings (the defaults outside an app)."""
    if has_app_context():
        settings = current_app.config["SETTINGS"]
        return _hasher_for(settings.password_hash_time_cost, settings.password_hash_memory_kib)
    return _hasher_for(DEFAULT_TIME_COST, DEFAULT_MEMORY_KIB)


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    """The most common passwords from zxcvbn's list. Importing any of zxcvbn loads its whole package: 12 MB
    of word lists and the ranked dictionaries its matching module builds from them. So it is loaded on first
    use, the part we need is copied out (fresh strings, so that none of the lists' own objects stays alive)
    and every zxcvbn module is dropped again: the next collection frees the lists (docs/benchmarks.md,
    "Memory")."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    common = frozenset(
        password.encode().decode() for password in FREQUENCY_LISTS["passwords"][:COMMON_PASSWORDS_CHECKED]
    )
    del FREQUENCY_LISTS
    for name in [name for name in sys.modules if name == "zxcvbn" or name.startswith("zxcvbn.")]:
        del sys.modules[name]
    return common


def password_problems(password: str, username: str | None) -> list[str]:
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(_("Use at least %(num)s characters.", num=MIN_LENGTH))
    if len(password) > MAX_LENGTH:
        problems.append(_("Use at most %(num)s characters.", num=MAX_LENGTH))
    if username and password.casefold() == username.casefold():
        problems.append(_("The password must not be the username."))
    if password.casefold() in _common_passwords():
        problems.append(_("This password is one of the most common ones; choose another."))
    elif len(set(password)) == 1:  # "        ", "aaaaaaaaaaaa": in no list, guessed at once (NIST SP 800-63B)
        problems.append(_("A password of one character repeated is guessed at once; mix in others."))
    return problems


_OPAQUE = get_profile("OpaqueString")


def opaque_password(password: str) -> str:
    """The password as RFC 8265's OpaqueString profile enforces it: non-ASCII spaces (the fullwidth space of
    a Japanese keyboard) become ASCII spaces and the text is NFC, so the same password typed on another
    device (NFD from macOS, NFC from Windows) is the same password. Raises Invalid (422, `password`) for
    control characters and other code points the profile disallows. An empty password is left empty, for
    password_problems to ask for 8 characters: the profile's refusal said it had characters not allowed."""
    if password == "":
        return password
    try:
        return _OPAQUE.enforce(password)
    except UnicodeEncodeError as exc:
        kind = exc.reason.split("/")[-1]
        problem = (
            _("A password cannot contain control characters.")
            if kind == "controls"
            else _("A password cannot contain characters that are not allowed in passwords.")
        )
        raise Invalid({"password": problem}, _("The password is not allowed.")) from exc


def hash_password(password: str) -> str:
    """argon2id of the OpaqueString form: callers pass opaque_password(...)."""
    return _hasher()[0].hash(password)


@dataclass(frozen=True)
class Verdict:
    """The outcome of a password check: true when it matched; `rehash` when the stored hash should be
    replaced by hash_password(`password`) (made from the raw text before OpaqueString, or old parameters)."""

    ok: bool
    rehash: bool = False
    password: str = ""

    def __bool__(self) -> bool:
        return self.ok


def _matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher()[0].verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def verify_password(password_hash: str | None, password: str) -> Verdict:
    """Check `password` (as typed) against the stored hash: its OpaqueString form first; then, for hashes
    made before the profile was applied, the raw text (that hash is then upgraded by the caller)."""
    try:
        enforced = _OPAQUE.enforce(password)
    except UnicodeEncodeError:
        enforced = None
    hasher, dummy_hash = _hasher()
    if password_hash is None:
        _matches(dummy_hash, password)  # same work as for a real account: timing reveals no names
        return Verdict(False)
    if enforced is not None and _matches(password_hash, enforced):
        return Verdict(True, hasher.check_needs_rehash(password_hash), enforced)
    if enforced != password and _matches(password_hash, password):
        # An account whose hash was made from the raw text: it keeps working and moves to the profile's form.
        return Verdict(True, enforced is not None, enforced or "")
    return Verdict(False)

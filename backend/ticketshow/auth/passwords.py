"""Password hashing (argon2id) and the password policy."""
from __future__ import annotations

from functools import lru_cache

import sys

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 8
MAX_LENGTH = 256  # argon2 cost is linear in length; a cap keeps a huge password from being a DoS
COMMON_PASSWORDS_CHECKED = 10_000

_hasher = PasswordHasher()
# A real hash to verify against when the user does not exist, so timing does not reveal which names exist.
_DUMMY_HASH = _hasher.hash("not-a-real-password-for-timing")


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    """The most common passwords from zxcvbn's list. Its module holds 14 MB of word lists, so it is
    loaded on first use, the part we need is kept, and the module is dropped again."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    common = frozenset(FREQUENCY_LISTS["passwords"][:COMMON_PASSWORDS_CHECKED])
    sys.modules.pop("zxcvbn.frequency_lists", None)
    return common


def password_problems(password: str, username: str | None) -> list[str]:
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"Use at least {MIN_LENGTH} characters.")
    if len(password) > MAX_LENGTH:
        problems.append(f"Use at most {MAX_LENGTH} characters.")
    if username and password.casefold() == username.casefold():
        problems.append("The password must not be the username.")
    if password.casefold() in _common_passwords():
        problems.append("This password is one of the most common ones; choose another.")
    return problems


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False

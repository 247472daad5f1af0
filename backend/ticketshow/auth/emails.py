"""The key that makes an email address belong to one account (users.email_key, unique).

Addresses are stored as email-validator normalises them (domain in IDNA lower case, NFC, local part as typed);
two addresses that differ only in case name one account: the key is that normalised form lower-cased with
Python's Unicode-aware str.lower ("Asha@X.in", "asha@x.in" and "ÁSHA@x.in"/"ásha@x.in" pair up). It is a
stored column, not an index on SQLite's lower(email): that lower() folds ASCII letters only, so "Á" and "á"
would slip past it.
"""

from __future__ import annotations


def email_key(normalised: str) -> str:
    """The unique key of an already normalised address (service._normalise_email): lower-cased, whole."""
    return normalised.lower()

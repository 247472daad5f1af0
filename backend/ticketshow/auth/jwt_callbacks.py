"""flask-jwt-extended hooks: load the user per request, honour logouts, and answer in the error shape."""

from __future__ import annotations

from flask import g

from ..errors import error_body
from ..extensions import jwt
from ..i18n import _l
from . import service


def _unauthorized(message, code: str = "unauthorized"):
    return error_body(401, code, message), 401, {"WWW-Authenticate": "Bearer"}


@jwt.user_lookup_loader
def load_user(_header, payload):
    # token_revoked() below ran first and already read the caller in the same query.
    return g.pop("ticketshow_principal", None)


@jwt.user_lookup_error_loader
def user_gone(_header, _payload):
    return _unauthorized(_l("This account no longer exists."), "invalid_token")


@jwt.token_in_blocklist_loader
def token_revoked(_header, payload):
    """One indexed query per request answers both "was this token logged out?" and "who is calling?"."""
    try:
        user_id = int(payload["sub"])
    except (KeyError, TypeError, ValueError):
        return True
    principal, revoked = service.principal_and_revocation(user_id, payload["jti"], service.issued_ms(payload))
    g.ticketshow_principal = principal
    return revoked


@jwt.revoked_token_loader
def revoked(_header, _payload):
    return _unauthorized(_l("This token was logged out; log in again."), "token_revoked")


@jwt.expired_token_loader
def expired(_header, _payload):
    return _unauthorized(_l("The session has expired; log in again."), "token_expired")


@jwt.invalid_token_loader
def invalid(reason: str):
    return _unauthorized(_l("The token is not valid; log in again."), "invalid_token")


@jwt.unauthorized_loader
def missing(reason: str):
    return _unauthorized(_l("Log in to do this."), "unauthorized")

"""flask-jwt-extended hooks: load the user per request, honour logouts, and answer in the error shape."""
from __future__ import annotations

from ..errors import error_body
from ..extensions import db, jwt
from . import service
from .models import User


def _unauthorized(message: str, code: str = "unauthorized"):
    return error_body(401, code, message), 401, {"WWW-Authenticate": "Bearer"}


@jwt.user_lookup_loader
def load_user(_header, payload):
    try:
        return db.session.get(User, int(payload["sub"]))
    except (TypeError, ValueError):
        return None


@jwt.user_lookup_error_loader
def user_gone(_header, _payload):
    return _unauthorized("This account no longer exists.", "invalid_token")


@jwt.token_in_blocklist_loader
def token_revoked(_header, payload):
    return service.is_token_revoked(payload["jti"])


@jwt.revoked_token_loader
def revoked(_header, _payload):
    return _unauthorized("This token was logged out; log in again.", "token_revoked")


@jwt.expired_token_loader
def expired(_header, _payload):
    return _unauthorized("The session has expired; log in again.", "token_expired")


@jwt.invalid_token_loader
def invalid(reason: str):
    return _unauthorized("The token is not valid; log in again.", "invalid_token")


@jwt.unauthorized_loader
def missing(reason: str):
    return _unauthorized("Log in to do this.", "unauthorized")

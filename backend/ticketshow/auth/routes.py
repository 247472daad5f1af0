from __future__ import annotations

from apiflask import APIBlueprint
from flask import request
from flask_jwt_extended import current_user, get_jwt

from ..openapi import document
from .. import policy
from . import service
from .guards import auth_required
from .schemas import LoginIn, MeOut, PreferencesIn, SignupIn, TokenOut, UserOut

bp = APIBlueprint("auth", __name__, url_prefix="/api/auth", tag="Auth")


@bp.post("/signup")
@policy.public
@bp.input(SignupIn, arg_name="data")
@bp.output(UserOut, status_code=201)
@bp.doc(operation_id="signUp", responses={
    409: "`username_taken`: the username is taken (regardless of case)",
    422: "Weak password (`weak_password`) or bad email: every invalid field named in `details` at once"})
def signup(data):
    """Create an account

    Makes a user account with the `user` role. The username is unique regardless of case; the password
    must be strong enough (it is checked against common passwords and the other fields). The answer is
    the new user; log in to get a token.
    """
    return service.create_user(data["username"], data["email"], data["password"])


@bp.post("/login")
@policy.public
@bp.input(LoginIn, arg_name="data")
@bp.output(TokenOut)
@bp.doc(operation_id="logIn", responses={
    401: "`invalid_credentials`: wrong username or password",
    429: "`too_many_requests`: too many failed logins for this username or address; wait Retry-After seconds"})
@document(headers={429: ["Retry-After"]})
def login(data):
    """Log in and get a Bearer token

    Answers an access token for `Authorization: Bearer <access_token>`, valid for `expires_in` seconds,
    with the caller's account. Repeated failures for a username or an address are refused with 429 for a
    while (see Retry-After).
    """
    return service.login(data["username"], data["password"], request.remote_addr or "unknown")


@bp.get("/me")
@auth_required
@bp.output(MeOut)
@bp.doc(operation_id="getMe")
def me():
    """The caller's account

    The logged-in user's id, username, email, roles and preferences.
    """
    return service.account(current_user.id)


@bp.patch("/me/preferences")
@auth_required
@bp.input(PreferencesIn(partial=True), arg_name="data")
@bp.output(MeOut)
def update_preferences(data):
    """Change the caller's preferences

    Sets any of the monthly report's format (html or pdf), daily reminders on or off and the preferred
    place; fields left out keep their value. Answers the account with the new preferences.
    """
    service.update_preferences(current_user.id, data)
    return service.account(current_user.id)


@bp.post("/logout")
@auth_required
@bp.output({}, status_code=204)
@bp.doc(operation_id="logOut")
def logout():
    """Log out

    Revokes the token this request carries: it no longer works, anywhere. Other tokens of the caller
    keep working.
    """
    claims = get_jwt()
    service.logout(claims["jti"], service.token_expiry(claims))
    return ""

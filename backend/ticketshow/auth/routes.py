from __future__ import annotations

from apiflask import APIBlueprint
from flask import request
from flask_jwt_extended import current_user, get_jwt

from . import service
from .guards import auth_required
from .schemas import LoginIn, MeOut, PreferencesIn, SignupIn, TokenOut, UserOut

bp = APIBlueprint("auth", __name__, url_prefix="/api/auth", tag="Auth")


@bp.post("/signup")
@bp.input(SignupIn, arg_name="data")
@bp.output(UserOut, status_code=201)
@bp.doc(responses={409: "Username taken", 422: "Weak password or bad email"})
def signup(data):
    return service.create_user(data["username"], data["email"], data["password"])


@bp.post("/login")
@bp.input(LoginIn, arg_name="data")
@bp.output(TokenOut)
@bp.doc(responses={401: "Invalid credentials", 429: "Too many failed attempts (see Retry-After)"})
def login(data):
    return service.login(data["username"], data["password"], request.remote_addr or "unknown")


@bp.get("/me")
@auth_required
@bp.output(MeOut)
def me():
    return service.get_user(current_user.id)


@bp.patch("/me/preferences")
@auth_required
@bp.input(PreferencesIn(partial=True), arg_name="data")
@bp.output(MeOut)
def update_preferences(data):
    return service.update_preferences(current_user.id, data)


@bp.post("/logout")
@auth_required
@bp.output({}, status_code=204)
def logout():
    claims = get_jwt()
    service.logout(claims["jti"], service.token_expiry(claims))
    return ""

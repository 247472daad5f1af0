from __future__ import annotations

from apiflask import APIBlueprint
from flask import request
from flask_jwt_extended import current_user, get_jwt

from .. import policy
from ..i18n import _, accepted_locale
from ..openapi import document
from . import service
from .guards import auth_required
from .schemas import (
    AccountIn,
    LoginIn,
    MeOut,
    PasswordChangeIn,
    PasswordResetConfirmIn,
    PasswordResetIn,
    PasswordResetOut,
    PreferencesIn,
    SignupIn,
    TokenOut,
    UserOut,
)

bp = APIBlueprint("auth", __name__, url_prefix="/api/auth", tag="Auth")


@bp.post("/signup")
@policy.public
@bp.input(SignupIn, arg_name="data")
@bp.output(UserOut, status_code=201)
@bp.doc(
    operation_id="signUp",
    responses={
        409: "`username_taken`: the username is taken, or looks like an existing name (case, width, invisible "
        "characters and look-alike letters such as Cyrillic а, capital I for l, 0 for O do not make a new name); "
        "`email_taken`: another account has this address. When both, `details` names both",
        422: "Weak password (`weak_password`) or bad email: every problem of the request named in `details` at "
        "once, a taken username or address included, in plain words",
    },
)
def signup(data):
    """Create an account

    Makes a user account with the `user` role. The username follows RFC 8265 (UsernameCaseMapped) and must
    not look like an existing one (Unicode's confusables skeleton of the name as typed, case kept: "biII"
    with capital I's looks like "bill"), else 409 `username_taken`; the password must be strong enough (it is checked against common passwords and the other fields). The answer is
    the new user; log in to get a token. The account's language (`preferences.locale`) starts as the best
    match of the request's Accept-Language among en, hi and ta (null without one), so mail sent later
    follows the language the person signed up in; PATCH /api/auth/me/preferences changes it. `reminders`
    (default true) is the account's first `preferences.reminders`.
    """
    return service.create_user(
        data["username"], data["email"], data["password"], locale=accepted_locale(), reminders=data["reminders"]
    )


@bp.post("/login")
@policy.public
@bp.input(LoginIn, arg_name="data")
@bp.output(TokenOut)
@bp.doc(
    operation_id="logIn",
    responses={
        401: "`invalid_credentials`: wrong username or password",
        429: "`too_many_requests`: too many failed logins for this username or address; wait Retry-After seconds",
    },
)
@document(headers={429: ["Retry-After"]})
def login(data):
    """Log in and get a Bearer token

    Answers an access token for `Authorization: Bearer <access_token>`, valid for `expires_in` seconds,
    with the caller's account. The username is matched exactly after RFC 8265's UsernameCaseMapped
    profile ("BILL" and fullwidth "ｂｉｌｌ" are "bill"); a look-alike ("biII", Cyrillic "bіll") is another
    name and logs in to no one else's account. Repeated failures for a username or an address are refused with 429 for a
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


@bp.patch("/me")
@auth_required
@bp.input(AccountIn, arg_name="data")
@bp.output(MeOut)
@bp.doc(
    operation_id="updateMe",
    responses={
        409: "`email_taken`: another account has this address (an address belongs to one account)",
        422: "`validation_error`: not an email address (`details.email`)",
    },
)
def update_me(data):
    """Change the caller's email address

    Sets the account's email address (where reminders, reports and password-reset links go). Answers the
    account.
    """
    service.change_email(current_user.id, data["email"])
    return service.account(current_user.id)


@bp.patch("/me/preferences")
@auth_required
@bp.input(PreferencesIn(partial=True), arg_name="data")
@bp.output(MeOut)
def update_preferences(data):
    """Change the caller's preferences

    Sets any of the monthly report's format (html or pdf), daily reminders on or off, the preferred
    place and the language (`locale`: en, hi or ta; it then decides the language of error messages, emails
    and PDFs over Accept-Language); fields left out keep their value. Answers the account with the new preferences.
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


@bp.post("/logout-all")
@auth_required
@bp.output({}, status_code=204)
@bp.doc(operation_id="logOutEverywhere")
def logout_all():
    """Log out everywhere

    Every token of the caller stops working, on every device, this one included.
    """
    service.logout_all(current_user.id)
    return ""


@bp.post("/password")
@auth_required
@bp.input(PasswordChangeIn, arg_name="data")
@bp.output({}, status_code=204)
@bp.doc(
    operation_id="changePassword",
    responses={
        401: "`invalid_credentials`: the current password is wrong",
        422: "`weak_password`: the new password breaks a rule (`details.new_password` says which)",
        429: "`too_many_attempts`: too many wrong current passwords; wait Retry-After seconds",
    },
)
@document(headers={429: ["Retry-After"]})
def change_password(data):
    """Change the caller's password

    Checks the current password, sets the new one (OpaqueString, the sign-up rules) and ends every other
    session of the caller: their other tokens stop working; the one that asked keeps working.
    """
    service.change_password(
        current_user.id,
        get_jwt()["jti"],
        data["current_password"],
        data["new_password"],
        request.remote_addr or "unknown",
    )
    return ""


@bp.post("/password-reset")
@policy.public
@bp.input(PasswordResetIn, arg_name="data")
@bp.output(PasswordResetOut, status_code=202)
@bp.doc(operation_id="requestPasswordReset", responses={422: "`validation_error`: not an email address"})
def request_password_reset(data):
    """Ask for a password-reset link

    202 whether or not the address belongs to an account, so the answer tells nobody which addresses
    are known. A known address gets an email with a single-use link to `/reset-password?token=...`,
    valid for 30 minutes.
    """
    service.request_password_reset(data["email"])
    return {
        "message": _(
            "If this address belongs to an account, a link to reset its password is on its way. "
            "It works once, within 30 minutes."
        )
    }


@bp.post("/password-reset/confirm")
@policy.public
@bp.input(PasswordResetConfirmIn, arg_name="data")
@bp.output({}, status_code=204)
@bp.doc(
    operation_id="confirmPasswordReset",
    responses={
        400: "`invalid_token`: the link was used, has expired or is unknown",
        422: "`weak_password`: the new password breaks a rule (`details.new_password` says which)",
    },
)
def confirm_password_reset(data):
    """Set a new password with an emailed link

    Sets the new password and ends every session of the account (all its older tokens stop working).
    The link's token works once and for 30 minutes.
    """
    service.confirm_password_reset(data["token"], data["new_password"])
    return ""

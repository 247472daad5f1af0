from __future__ import annotations

from apiflask import Schema
from apiflask.fields import Boolean, Integer, List, Nested, String
from marshmallow import ValidationError, validate, validates_schema

from ..fields import TrimmedString
from ..i18n import LOCALES, _
from . import service, usernames
from .passwords import COMMON_PASSWORDS_CHECKED, MAX_LENGTH, MIN_LENGTH


def _username_not_huge(value: str) -> None:
    """Text far past a username's 64 characters is refused before the RFC 8265 profile's work, in the same
    words as the profile's own limit (usernames.py): the cap here is higher because a decomposed name
    ("e" + U+0301) shortens when the profile composes it."""
    if len(value) > 200:
        raise ValidationError(_("Must be at most %(num)s characters.", num=usernames.MAX_LENGTH))


class SignupIn(Schema):
    # Checked by the service (auth/usernames.py): a look-alike of a taken name is 409 before the RFC 8265
    # profile's 422, so an invisible character cannot turn "taken" into a mere format error.
    username = String(
        required=True,
        validate=[validate.Length(min=1), _username_not_huge],
        metadata={
            "maxLength": 200,  # the raw text's cap (_username_not_huge); the name itself is at most 64
            "description": "RFC 8265 UsernameCaseMapped (letters and digits of any script, ASCII punctuation, "
            "single spaces between words; at most 64 characters); unique regardless of case and width, and "
            "refused (409 `username_taken`) when it looks like an existing name: Unicode's confusables "
            "skeleton of the name with its case kept, so capital I and l, 0 and O, rn and m, Cyrillic or "
            "Greek letters shaped like Latin ones, ligatures and invisible characters make no new name",
        },
    )
    email = String(required=True, validate=validate.Length(max=254), metadata={"format": "idn-email"})
    password = String(
        required=True,
        validate=validate.Length(max=1024),
        metadata={
            "minLength": MIN_LENGTH,
            "maxLength": MAX_LENGTH,
            "description": f"{MIN_LENGTH} to {MAX_LENGTH} characters, not the username, not one of the "
            f"{COMMON_PASSWORDS_CHECKED:,} most common passwords, not one character repeated (422 `weak_password` names every "
            f"problem); RFC 8265 OpaqueString: compared after NFC and mapping non-ASCII spaces to "
            f"ASCII spaces",
        },
    )
    # Stored as the account's preferences.reminders, as PATCH /api/auth/me/preferences would store it.
    reminders = Boolean(
        load_default=True,
        metadata={"description": "daily reminders of the next day's bookings (preferences.reminders); default on"},
    )

    @validates_schema(skip_on_field_errors=False)
    def every_problem_at_once(self, data, **kwargs):
        """A missing or malformed field is a 422 before the service runs; add what the service finds wrong
        with the fields that are there (a taken name, a weak password), so one answer names every problem."""
        if {"username", "email", "password", "reminders"} <= data.keys():
            return  # every field is well formed (reminders has a default): the service checks and answers 409 or 422
        refusal = service.signup_refusal(
            service.check_signup(data.get("username"), data.get("email"), data.get("password"))
        )
        if refusal is not None:
            raise ValidationError(refusal.details)


class AccountIn(Schema):
    email = String(required=True, validate=validate.Length(max=254), metadata={"format": "idn-email"})


class LoginIn(Schema):
    username = String(required=True, validate=validate.Length(min=1, max=200))
    password = String(required=True, validate=validate.Length(min=1, max=1024))


class PreferencesOut(Schema):
    report_format = String(metadata={"enum": ["html", "pdf"]})
    reminders = Boolean()
    place = String(allow_none=True)
    locale = String(
        allow_none=True,
        metadata={
            "enum": [*LOCALES, None],
            "description": "the language chosen for the UI, emails, PDFs and error messages; null until the "
            "user chooses one (then the request's Accept-Language decides)",
        },
    )


class PreferencesIn(Schema):
    report_format = String(validate=validate.OneOf(["html", "pdf"]))
    reminders = Boolean()
    place = TrimmedString(max_length=120, allow_none=True)
    locale = String(validate=validate.OneOf(LOCALES), metadata={"description": "en, hi or ta"})


class UserOut(Schema):
    id = Integer()
    username = String()
    email = String(metadata={"format": "idn-email"})
    roles = List(String(), metadata={"description": '["admin"], ["manager"], ["scanner"] or ["user"]'})


class MeOut(UserOut):
    preferences = Nested(PreferencesOut)
    theatre_ids = List(
        Integer(), metadata={"description": "the theatres a manager or scanner works at ([] for others)"}
    )
    permissions = List(
        String(),
        metadata={
            "description": "what the UI may offer: edit_catalogue, manage_theatres, export_theatres, "
            "view_theatre_bookings, check_in, view_dashboard, view_waitlists, run_jobs, flush_cache, manage_staff, "
            "read_audit (the server checks again on every request)"
        },
    )


class TokenOut(Schema):
    access_token = String()
    token_type = String()
    expires_in = Integer()
    user = Nested(MeOut)


class PasswordChangeIn(Schema):
    current_password = String(required=True, validate=validate.Length(min=1, max=1024))
    new_password = String(
        required=True,
        validate=validate.Length(min=1, max=1024),
        metadata={
            "minLength": MIN_LENGTH,
            "maxLength": MAX_LENGTH,
            "description": "the same rules as at sign-up (422 `weak_password` names every problem)",
        },
    )


class PasswordResetIn(Schema):
    email = String(required=True, validate=validate.Length(min=1, max=254), metadata={"format": "idn-email"})


class PasswordResetOut(Schema):
    message = String(required=True, metadata={"description": "the same whether or not the address is known"})


class PasswordResetConfirmIn(Schema):
    token = String(
        required=True,
        validate=validate.Length(min=1, max=200),
        metadata={"description": "the `token` parameter of the emailed link"},
    )
    new_password = String(
        required=True,
        validate=validate.Length(min=1, max=1024),
        metadata={
            "minLength": MIN_LENGTH,
            "maxLength": MAX_LENGTH,
            "description": "the same rules as at sign-up (422 `weak_password` names every problem)",
        },
    )

import stat
from datetime import datetime, timedelta, timezone

import pytest
import time_machine

from tests.conftest import ADMIN_PASSWORD, USER_PASSWORD


def signup(client, username="asha", email="asha@example.com", password=USER_PASSWORD):
    return client.post("/api/auth/signup", json={"username": username, "email": email, "password": password})


def test_signup_login_me_logout_round_trip(client):
    created = signup(client)
    assert created.status_code == 201
    user = created.get_json()
    assert user["username"] == "asha" and user["roles"] == ["user"] and "password_hash" not in user

    login = client.post("/api/auth/login", json={"username": "asha", "password": USER_PASSWORD})
    body = login.get_json()
    assert login.status_code == 200
    assert body["token_type"] == "Bearer" and body["expires_in"] > 0 and body["user"]["id"] == user["id"]
    headers = {"Authorization": f"Bearer {body['access_token']}"}

    me = client.get("/api/auth/me", headers=headers).get_json()
    assert me["preferences"] == {"report_format": "html", "reminders": True, "place": None, "locale": None}

    assert client.post("/api/auth/logout", headers=headers).status_code == 204
    after = client.get("/api/auth/me", headers=headers)
    assert after.status_code == 401 and after.get_json()["error"]["code"] == "token_revoked"


def test_a_token_already_verified_still_expires(client):
    """Verified tokens are remembered per process (extensions.VerifiedTokenMemo); expiry still applies."""
    signup(client)
    token = client.post("/api/auth/login", json={"username": "asha", "password": USER_PASSWORD}).get_json()[
        "access_token"
    ]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/auth/me", headers=headers).status_code == 200  # verified and remembered
    with time_machine.travel(datetime.now(timezone.utc) + timedelta(hours=12, minutes=1)):
        expired = client.get("/api/auth/me", headers=headers)
    assert expired.status_code == 401 and expired.get_json()["error"]["code"] == "token_expired"
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    assert client.get("/api/auth/me", headers={"Authorization": f"Bearer {forged}"}).status_code == 401


def test_a_remembered_token_header_is_only_ever_the_same_tokens(client):
    """The header parse is remembered per token string (extensions._RememberedHeaders): two users' tokens
    keep their own callers, a token changed by one character is refused, and a logout still counts."""
    tokens = []
    for name, email in (("asha", "asha@example.com"), ("ravi", "ravi@example.com")):
        signup(client, name, email)
        login = client.post("/api/auth/login", json={"username": name, "password": USER_PASSWORD})
        tokens.append(login.get_json()["access_token"])
    for _ in range(2):  # the second round answers from the memo
        for token, name in zip(tokens, ("asha", "ravi"), strict=True):
            me = client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
            assert me.status_code == 200 and me.get_json()["username"] == name
    header, rest = tokens[0].split(".", 1)
    changed = header[:-1] + ("A" if header[-1] != "A" else "B") + "." + rest
    assert client.get("/api/auth/me", headers={"Authorization": f"Bearer {changed}"}).status_code == 401
    assert client.post("/api/auth/logout", headers={"Authorization": f"Bearer {tokens[0]}"}).status_code == 204
    after = client.get("/api/auth/me", headers={"Authorization": f"Bearer {tokens[0]}"})
    assert after.status_code == 401 and after.get_json()["error"]["code"] == "token_revoked"


def test_a_remembered_token_is_checked_as_the_library_checks_it(client, app, monkeypatch):
    """extensions.verify_access_token answers a token verified before without flask-jwt-extended's layers:
    the same `g` (claims, header, location, caller) as the library leaves, and a logout still refuses it. The
    control: with the library's own check made to fail, the remembered token still passes (the short path
    was taken), and a token never seen here does not (it goes through the library)."""
    import flask_jwt_extended
    from flask import g

    from ticketshow.extensions import verify_access_token

    signup(client)
    signup(client, "ravi", "ravi@example.com")
    token, other = (
        client.post("/api/auth/login", json={"username": name, "password": USER_PASSWORD}).get_json()["access_token"]
        for name in ("asha", "ravi")
    )
    headers = {"Authorization": f"Bearer {token}"}
    with app.test_request_context("/api/auth/me", headers=headers):
        flask_jwt_extended.verify_jwt_in_request()  # the library's check, which remembers the token
        by_library = (g._jwt_extended_jwt, g._jwt_extended_jwt_header, g._jwt_extended_jwt_location)
        library_caller = g._jwt_extended_jwt_user["loaded_user"]

    def library_refuses(*args, **kwargs):
        raise AssertionError("the library's check ran")

    monkeypatch.setattr(flask_jwt_extended, "verify_jwt_in_request", library_refuses)
    with app.test_request_context("/api/auth/me", headers=headers):
        caller = verify_access_token()
        assert (g._jwt_extended_jwt, g._jwt_extended_jwt_header, g._jwt_extended_jwt_location) == by_library
        assert caller == library_caller == flask_jwt_extended.get_current_user()
        assert caller.username == "asha"
    with app.test_request_context("/api/auth/me", headers={"Authorization": f"Bearer {other}"}):
        with pytest.raises(AssertionError, match="library's check"):
            verify_access_token()
    monkeypatch.undo()
    assert client.post("/api/auth/logout", headers=headers).status_code == 204
    after = client.get("/api/auth/me", headers=headers)
    assert after.status_code == 401 and after.get_json()["error"]["code"] == "token_revoked"


def test_logout_survives_a_redis_flush(client, app):
    """SQLite keeps the revocation even if Redis forgets it."""
    signup(client)
    token = client.post("/api/auth/login", json={"username": "asha", "password": USER_PASSWORD}).get_json()[
        "access_token"
    ]
    headers = {"Authorization": f"Bearer {token}"}
    client.post("/api/auth/logout", headers=headers)
    from ticketshow.extensions import redis_store

    redis_store.flushdb()
    assert client.get("/api/auth/me", headers=headers).status_code == 401


def test_usernames_are_unique_regardless_of_case_and_any_script_works(client):
    assert signup(client, "Ünïcode", "a@example.com").status_code == 201
    taken = signup(client, "üNÏCODE", "b@example.com")
    assert taken.status_code == 409 and taken.get_json()["error"]["code"] == "username_taken"
    for index, name in enumerate(["प्रिया", "தமிழ்செல்வி", "さくら", "نور", "Ravi_K"]):
        response = signup(client, name, f"x{index}@example.com")
        assert response.status_code == 201, name
        assert response.get_json()["username"] == name
        login = client.post("/api/auth/login", json={"username": name, "password": USER_PASSWORD})
        assert login.status_code == 200 and login.get_json()["user"]["username"] == name


@pytest.mark.parametrize(
    "password, reason",
    [
        ("short1!", "at least 8"),
        ("password", "common"),
        ("qwerty123", "common"),
        ("asha-the-great", "username"),
        # found walking the sign-up form: eight spaces or one letter repeated were accepted
        (" " * 8, "one character repeated"),
        ("aaaaaaaaaaaa", "one character repeated"),
        # an empty password was told "cannot contain characters that are not allowed in passwords"
        ("", "at least 8"),
    ],
)
def test_password_policy(client, password, reason):
    username = "asha-the-great" if reason == "username" else "asha"
    response = signup(client, username=username, password=password)
    body = response.get_json()
    assert response.status_code == 422
    assert body["error"]["code"] == "weak_password"
    assert reason in " ".join(body["error"]["details"]["password"]).lower()


def test_bad_email_is_named(client):
    response = signup(client, email="not-an-email")
    assert response.status_code == 422 and "email" in response.get_json()["error"]["details"]


def test_passwords_are_hashed_with_argon2(app, client):
    signup(client)
    from sqlalchemy import select

    from ticketshow.auth.models import User
    from ticketshow.extensions import db

    stored = db.session.scalar(select(User.password_hash).where(User.username == "asha"))
    assert stored.startswith("$argon2id$") and USER_PASSWORD not in stored


def test_the_default_argon2_cost_is_rfc_9106s_recommendation(tmp_path):
    """The suite hashes cheaply (conftest); a deployment that sets nothing gets t=3 over 64 MiB with 4 lanes."""
    from ticketshow.auth.passwords import hash_password
    from ticketshow.config import Settings

    settings = Settings.from_env({"TICKETSHOW_DATA_DIR": str(tmp_path)})
    assert (settings.password_hash_time_cost, settings.password_hash_memory_kib) == (3, 65536)
    assert hash_password("correct horse battery").startswith("$argon2id$v=19$m=65536,t=3,p=4$")  # no app: defaults


def test_a_hash_made_with_other_parameters_is_upgraded_at_login(app, client, data_dir, app_redis_url):
    """Raising the cost takes effect for each account at its next login, without a reset."""
    from sqlalchemy import select

    from tests.conftest import make_settings
    from ticketshow import create_app
    from ticketshow.auth.models import User
    from ticketshow.extensions import db

    signup(client)
    stored = lambda: db.session.scalar(select(User.password_hash).where(User.username == "asha"))  # noqa: E731
    assert ",t=1,p=4$" in stored()
    dearer = create_app(make_settings(data_dir, app_redis_url, password_hash_time_cost=2))
    with dearer.app_context():
        login = dearer.test_client().post("/api/auth/login", json={"username": "asha", "password": USER_PASSWORD})
        assert login.status_code == 200, login.get_json()
    db.session.rollback()  # end this session's read snapshot
    assert "$m=1024,t=2,p=4$" in stored()
    assert client.post("/api/auth/login", json={"username": "asha", "password": USER_PASSWORD}).status_code == 200


def test_wrong_password_and_unknown_user_look_the_same(client):
    signup(client)
    wrong = client.post("/api/auth/login", json={"username": "asha", "password": "wrong-password"})
    unknown = client.post("/api/auth/login", json={"username": "nobody", "password": "wrong-password"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.get_json() == unknown.get_json()
    assert wrong.get_json()["error"]["code"] == "invalid_credentials"


# Login throttling: tests/api/test_login_throttle.py


def test_garbage_tokens_are_401(client):
    for value in ["Bearer nonsense", "Bearer ", "Basic abc", "Bearer a.b.c"]:
        response = client.get("/api/auth/me", headers={"Authorization": value})
        assert response.status_code == 401, value
        assert response.get_json()["error"]["code"] in {"invalid_token", "unauthorized"}


def test_preferences_update_and_validation(api, client):
    user = api.new_user()
    response = client.patch(
        "/api/auth/me/preferences",
        json={"report_format": "pdf", "reminders": False, "place": "Chennai"},
        headers=user["headers"],
    )
    assert response.status_code == 200
    assert response.get_json()["preferences"] == {
        "report_format": "pdf",
        "reminders": False,
        "place": "Chennai",
        "locale": None,
    }
    bad = client.patch("/api/auth/me/preferences", json={"report_format": "docx"}, headers=user["headers"])
    assert bad.status_code == 422 and "report_format" in bad.get_json()["error"]["details"]


def test_sign_up_takes_the_reminders_choice(client):
    """API.md: sign-up's `reminders` (default on) is the account's first preferences.reminders, as
    PATCH /api/auth/me/preferences stores it; anything but a boolean is 422 naming it, with the other fields'
    problems in the same answer."""
    for username, extra, expected in [("quiet", {"reminders": False}, False), ("loud", {"reminders": True}, True)]:
        made = client.post(
            "/api/auth/signup",
            json={"username": username, "email": f"{username}@example.com", "password": USER_PASSWORD, **extra},
        )
        assert made.status_code == 201, made.get_json()
        token = client.post("/api/auth/login", json={"username": username, "password": USER_PASSWORD}).get_json()
        me = client.get("/api/auth/me", headers={"Authorization": f"Bearer {token['access_token']}"}).get_json()
        assert me["preferences"]["reminders"] is expected, username
    bad = client.post(
        "/api/auth/signup",
        json={"username": "odd", "email": "not an address", "password": USER_PASSWORD, "reminders": "sometimes"},
    )
    assert bad.status_code == 422
    assert {"reminders", "email"} <= bad.get_json()["error"]["details"].keys()


def test_sign_up_keeps_the_language_it_was_made_in(client):
    """A person who signs up in Hindi gets Hindi mail later (no request then to say so); no header: null."""
    cases = [
        ("hi-IN,hi;q=0.9,en;q=0.8", "hi"),
        ("ta", "ta"),
        ("fr-FR,ta;q=0.5", "ta"),
        ("en-US,en;q=0.9", "en"),
        ("fr-FR,de;q=0.8", None),
        (None, None),
    ]
    for n, (header, expected) in enumerate(cases):
        username = f"lang{n}"
        made = client.post(
            "/api/auth/signup",
            json={"username": username, "email": f"{username}@example.com", "password": USER_PASSWORD},
            headers={"Accept-Language": header} if header else {},
        )
        assert made.status_code == 201, made.get_json()
        token = client.post("/api/auth/login", json={"username": username, "password": USER_PASSWORD}).get_json()
        me = client.get("/api/auth/me", headers={"Authorization": f"Bearer {token['access_token']}"}).get_json()
        assert me["preferences"]["locale"] == expected, header


def test_locale_preference_is_kept_and_checked(api, client):
    """null until chosen; en, hi or ta; anything else is a 422 naming `locale`; other fields keep their value."""
    user = api.new_user()
    assert client.get("/api/auth/me", headers=user["headers"]).get_json()["preferences"]["locale"] is None
    chosen = client.patch("/api/auth/me/preferences", json={"locale": "ta"}, headers=user["headers"])
    assert chosen.status_code == 200 and chosen.get_json()["preferences"]["locale"] == "ta"
    assert client.get("/api/auth/me", headers=user["headers"]).get_json()["preferences"]["locale"] == "ta"
    for bad in ("fr", "HI", "hi-IN", "", None, 7):
        response = client.patch("/api/auth/me/preferences", json={"locale": bad}, headers=user["headers"])
        assert response.status_code == 422, bad
        assert "locale" in response.get_json()["error"]["details"], bad
    client.patch("/api/auth/me/preferences", json={"reminders": False}, headers=user["headers"])
    me = client.get("/api/auth/me", headers=user["headers"]).get_json()
    assert me["preferences"]["locale"] == "ta" and me["preferences"]["reminders"] is False


def test_admin_seeded_with_generated_password_file(tmp_path, redis_server):
    from flask_migrate import upgrade

    from tests.conftest import make_settings
    from ticketshow import create_app
    from ticketshow.auth import service

    app = create_app(make_settings(tmp_path, redis_server["url"]))
    with app.app_context():
        upgrade()
        user, generated = service.ensure_admin(tmp_path, "boss", None)
        assert user.roles == ["admin"] and len(generated) >= 12
        secret_file = tmp_path / "admin-password.txt"
        assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
        assert generated in secret_file.read_text()
        assert service.ensure_admin(tmp_path, "boss", None) == (None, None)  # once per database
        login = app.test_client().post("/api/auth/login", json={"username": "boss", "password": generated})
        assert login.status_code == 200 and login.get_json()["user"]["roles"] == ["admin"]
        from ticketshow.extensions import db

        db.session.remove()
        db.engine.dispose()


def test_seeded_admin_can_log_in(client):
    response = client.post("/api/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD})
    assert response.status_code == 200 and response.get_json()["user"]["roles"] == ["admin"]

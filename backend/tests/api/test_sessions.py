"""Log out everywhere and password change: which tokens stop working (API.md, Auth)."""

import pytest

from tests.conftest import USER_PASSWORD

NEW_PASSWORD = "violet-tamarind-2027"


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def user(api):
    made = api.new_user("sessions-user")
    return {**made, "tokens": [api.login("sessions-user", USER_PASSWORD) for _ in range(3)]}


def me(client, token):
    return client.get("/api/auth/me", headers=bearer(token))


def test_log_out_everywhere_ends_every_token(api, client, user):
    other = api.new_user("someone-else")
    assert client.post("/api/auth/logout-all", headers=bearer(user["tokens"][0])).status_code == 204
    for token in user["tokens"] + [user["headers"]["Authorization"].split()[1]]:
        response = me(client, token)
        assert response.status_code == 401 and response.get_json()["error"]["code"] == "token_revoked"
    assert me(client, other["headers"]["Authorization"].split()[1]).status_code == 200  # nobody else's
    fresh = api.login("sessions-user", USER_PASSWORD)  # logging in again works at once
    assert me(client, fresh).status_code == 200
    assert client.post("/api/auth/logout-all").status_code == 401


def test_changing_the_password_ends_the_other_sessions_only(api, client, user):
    keeper, *others = user["tokens"]
    response = client.post(
        "/api/auth/password",
        json={"current_password": USER_PASSWORD, "new_password": NEW_PASSWORD},
        headers=bearer(keeper),
    )
    assert response.status_code == 204
    assert me(client, keeper).status_code == 200
    assert all(me(client, token).status_code == 401 for token in others)
    assert (
        client.post("/api/auth/login", json={"username": "sessions-user", "password": USER_PASSWORD}).status_code == 401
    )
    later = api.login("sessions-user", NEW_PASSWORD)
    # a second change from another session: now the first keeper is one of the "others"
    again = client.post(
        "/api/auth/password",
        json={"current_password": NEW_PASSWORD, "new_password": NEW_PASSWORD + "!"},
        headers=bearer(later),
    )
    assert again.status_code == 204 and me(client, keeper).status_code == 401 and me(client, later).status_code == 200


@pytest.mark.parametrize(
    "body, status, code, field",
    [
        ({"current_password": "not-it-at-all", "new_password": NEW_PASSWORD}, 401, "invalid_credentials", None),
        ({"current_password": USER_PASSWORD, "new_password": "short"}, 422, "weak_password", "new_password"),
        ({"current_password": USER_PASSWORD, "new_password": "password123"}, 422, "weak_password", "new_password"),
        ({"current_password": USER_PASSWORD, "new_password": "sessions-user"}, 422, "weak_password", "new_password"),
        (
            {"current_password": USER_PASSWORD, "new_password": "tab\tin-password-x"},
            422,
            "validation_error",
            "new_password",
        ),
        ({"current_password": USER_PASSWORD}, 422, "validation_error", "new_password"),
    ],
)
def test_a_refused_change_changes_nothing(api, client, user, body, status, code, field):
    response = client.post("/api/auth/password", json=body, headers=bearer(user["tokens"][0]))
    assert response.status_code == status and response.get_json()["error"]["code"] == code
    if field:
        assert field in response.get_json()["error"]["details"]
    assert all(me(client, token).status_code == 200 for token in user["tokens"])
    assert api.login("sessions-user", USER_PASSWORD)


def test_the_same_new_password_typed_differently_is_the_same(api, client, user):
    import unicodedata

    typed = "Café\u3000crème-2027"
    assert (
        client.post(
            "/api/auth/password",
            json={"current_password": USER_PASSWORD, "new_password": typed},
            headers=bearer(user["tokens"][0]),
        ).status_code
        == 204
    )
    assert api.login("sessions-user", unicodedata.normalize("NFD", "Café crème-2027"))


def test_guessing_the_current_password_is_throttled(client, user):
    for n in range(3):
        assert (
            client.post(
                "/api/auth/password",
                json={"current_password": f"guess-{n}", "new_password": NEW_PASSWORD},
                headers=bearer(user["tokens"][0]),
            ).status_code
            == 401
        )
    blocked = client.post(
        "/api/auth/password",
        json={"current_password": USER_PASSWORD, "new_password": NEW_PASSWORD},
        headers=bearer(user["tokens"][0]),
    )
    assert blocked.status_code == 429 and "Retry-After" in blocked.headers

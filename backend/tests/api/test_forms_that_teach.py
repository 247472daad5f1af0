"""Issue 16, forms that teach: a 422 names every invalid field of a request at once, in plain words (never a
validator's text), and an email address already used by another account is 409 `email_taken`."""

from __future__ import annotations

from tests.conftest import USER_PASSWORD

RAW_TEXTS = (
    "Missing data for required field.",
    "greater than or equal",
    "Not a valid",
    "Longer than maximum",
    "Shorter than minimum",
    "does not match expected pattern",
    "1 characters",
)


def _signup(client, **body):
    return client.post("/api/auth/signup", json=body)


def _details(response) -> dict:
    body = response.get_json()
    assert not any(raw in str(body) for raw in RAW_TEXTS), body
    return body["error"]["details"]


def test_sign_up_with_three_wrong_fields_names_all_three(client):
    assert _signup(client, username="asha", email="asha@example.com", password=USER_PASSWORD).status_code == 201
    response = _signup(client, username="ASHA", email="not-an-address", password="password")
    assert response.status_code == 422
    details = _details(response)
    assert set(details) == {"username", "email", "password"}
    assert "taken" in details["username"][0]
    assert "common" in " ".join(details["password"])
    assert response.get_json()["error"]["code"] == "weak_password"


def test_an_empty_sign_up_names_every_field_in_plain_words(client):
    response = _signup(client)
    assert response.status_code == 422
    assert _details(response) == {
        "username": ["Enter a username."],
        "email": ["Enter an email address."],
        "password": ["Enter a password."],
    }


def test_a_long_username_is_told_the_real_limit(client):
    """A name is at most 64 characters: text longer than that is told 64 wherever it is caught (the profile
    for 65-200 characters, the schema's cap past 200), in the caller's language; 64 letters make an account."""
    for length in (65, 201, 300, 5000):
        response = _signup(client, username="a" * length, email=f"long{length}@example.com", password=USER_PASSWORD)
        assert response.status_code == 422, length
        assert _details(response)["username"] == ["Must be at most 64 characters."], length
    hindi = client.post(
        "/api/auth/signup",
        json={"username": "अ" * 300, "email": "long-hi@example.com", "password": USER_PASSWORD},
        headers={"Accept-Language": "hi"},
    )
    assert hindi.status_code == 422 and "64" in hindi.get_json()["error"]["details"]["username"][0]
    assert "Must be" not in hindi.get_json()["error"]["details"]["username"][0]
    assert _signup(client, username="b" * 64, email="long64@example.com", password=USER_PASSWORD).status_code == 201


def test_a_missing_field_does_not_hide_the_others(client):
    """The schema stops at a missing email; the taken name and the weak password are said in the same answer."""
    _signup(client, username="ravi", email="ravi@example.com", password=USER_PASSWORD)
    response = _signup(client, username="Ravi", password="ravi")
    assert response.status_code == 422
    details = _details(response)
    assert details["email"] == ["Enter an email address."]
    assert "taken" in details["username"][0] and len(details["password"]) == 2  # too short, the username


def test_an_email_of_another_account_is_409_email_taken(client):
    assert _signup(client, username="meena", email="Meena@Example.com", password=USER_PASSWORD).status_code == 201
    response = _signup(client, username="meena2", email="meena@example.com", password=USER_PASSWORD)
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "email_taken" and list(error["details"]) == ["email"]
    both = _signup(client, username="MEENA", email="meena@EXAMPLE.com", password=USER_PASSWORD)
    assert both.status_code == 409 and both.get_json()["error"]["code"] == "username_taken"
    assert set(both.get_json()["error"]["details"]) == {"username", "email"}


def test_an_address_in_another_case_of_a_non_ascii_letter_is_taken_too(client, api):
    """email_key is lower-cased by Python, Unicode-aware: SQLite's lower() leaves "Á" as it is, and compared
    that way "Ásha@x.in" and "ásha@x.in" made two accounts. The same by sign-up and by PATCH /api/auth/me."""
    assert _signup(client, username="asha", email="\u00c1sha@x.in", password=USER_PASSWORD).status_code == 201
    twin = _signup(client, username="asha2", email="\u00e1sha@x.in", password=USER_PASSWORD)
    assert twin.status_code == 409 and twin.get_json()["error"]["code"] == "email_taken"
    other = api.new_user()
    moved = client.patch("/api/auth/me", json={"email": "\u00e1SHA@X.IN"}, headers=other["headers"])
    assert moved.status_code == 409 and moved.get_json()["error"]["code"] == "email_taken"


def test_admin_forms_answer_every_field_in_plain_words(client, admin):
    response = client.post("/api/theatres", json={"capacity": 0, "caption": 5, "surprise": 1}, headers=admin)
    assert response.status_code == 422
    assert _details(response) == {
        "name": ["Enter a name."],
        "place": ["Enter a place."],
        "capacity": ["Between 1 and 10,000."],
        "caption": ["Enter text."],
        "surprise": ["This field is not accepted here; remove it."],
    }
    response = client.post(
        "/api/shows",
        json={"name": "", "rating": 9, "tags": ["x"] * 13, "ticket_price": "a lot", "duration_minutes": 1.5},
        headers=admin,
    )
    assert response.status_code == 422
    details = _details(response)
    assert details["name"] == ["Enter a name."]
    assert details["rating"] == ["Between 0 and 5."]
    assert details["tags"] == ["At most 12 tags."]
    assert details["duration_minutes"] == ["Enter a whole number."]
    assert set(details) == {"name", "rating", "tags", "ticket_price", "duration_minutes"}


def test_booking_and_preferences_say_what_to_do(client, api, admin):
    user = api.new_user()
    response = client.patch("/api/auth/me/preferences", json={"report_format": "doc"}, headers=user["headers"])
    assert response.status_code == 422
    assert _details(response) == {"report_format": ["Choose one of: html, pdf."]}
    response = client.post("/api/screenings", json={"starts_at": "tomorrow"}, headers=admin)
    assert response.status_code == 422
    details = _details(response)
    assert details["show_id"] == ["Enter a show."] and details["theatre_id"] == ["Enter a theatre."]
    assert details["starts_at"][0].startswith("Enter a date and time")


def test_changing_to_an_address_of_another_account_is_409_email_taken(client, api):
    first, second = api.new_user(), api.new_user()
    taken = client.patch("/api/auth/me", json={"email": first["email"].upper()}, headers=second["headers"])
    assert taken.status_code == 409 and taken.get_json()["error"]["code"] == "email_taken"
    same = client.patch("/api/auth/me", json={"email": second["email"]}, headers=second["headers"])
    assert same.status_code == 200
    bad = client.patch("/api/auth/me", json={"email": "nobody"}, headers=second["headers"])
    assert bad.status_code == 422 and list(_details(bad)) == ["email"]
    assert _details(client.patch("/api/auth/me", json={}, headers=second["headers"])) == {
        "email": ["Enter an email address."]
    }
    moved = client.patch("/api/auth/me", json={"email": "new.home@example.com"}, headers=second["headers"])
    assert moved.status_code == 200 and moved.get_json()["email"] == "new.home@example.com"
    assert client.get("/api/auth/me", headers=second["headers"]).get_json()["email"] == "new.home@example.com"
    assert client.patch("/api/auth/me", json={"email": "x@example.com"}).status_code == 401


def test_layout_price_and_empty_text_fields_say_what_to_do(client, api, admin):
    """Found by a walkthrough: a list said "characters" (`categories: []` -> "Between 1 and 20 characters"), a
    row label said marshmallow's "String does not match expected pattern.", an empty text field "At least 1
    characters.", a price "at most 1000000" where money elsewhere reads 10,00,000."""
    theatre = api.create_theatre(admin)
    layout = f"/api/theatres/{theatre['id']}/layout"
    response = client.put(layout, json={"categories": [], "rows": []}, headers=admin)
    assert response.status_code == 422
    details = _details(response)
    assert details["categories"] == ["Between 1 and 20 categories."]
    assert details["rows"] == ["Between 1 and 500 rows."]
    bad_row = {"label": "F!", "seats": [{"number": 1, "category": "Prime"}]}
    response = client.put(
        layout,
        json={"categories": [{"code": "Prime!", "name": "", "price_pct": 100}], "rows": [bad_row]},
        headers=admin,
    )
    assert response.status_code == 422
    details = _details(response)
    assert details["rows.0.label"] == ["Use 1 to 4 letters or digits, such as F or AA."]
    assert details["categories.0.code"] == ["Use up to 30 lower-case letters, digits, - and _, such as prime."]
    assert details["categories.0.name"] == ["Enter a name."]
    show = api.create_show(admin)
    response = client.post(
        "/api/screenings",
        json={
            "show_id": show["id"],
            "theatre_id": theatre["id"],
            "starts_at": "2030-01-01T18:00:00+05:30",
            "price": 2000000,
        },
        headers=admin,
    )
    assert response.status_code == 422
    assert _details(response)["price"] == ["Must be at most 10,00,000."]
    hindi = client.put(layout, json={"categories": [], "rows": [bad_row]}, headers={**admin, "Accept-Language": "hi"})
    assert _details(hindi)["categories"] == ["1 से 20 श्रेणियाँ।"]
    assert _details(hindi)["rows.0.label"] == ["1 से 4 अक्षर या अंक लिखें, जैसे F या AA।"]

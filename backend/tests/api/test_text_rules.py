"""Text that breaks things later is refused where it enters: RFC 8265 usernames (a look-alike of a taken
name is refused), OpaqueString passwords, and one-line fields without control, format or unpaired bidi characters."""

import os
import re
import unicodedata

import pytest
from sqlalchemy import select, text

from tests.conftest import USER_PASSWORD


def signup(client, username, password=USER_PASSWORD, email=None):
    email = email or f"p-{os.urandom(4).hex()}@example.com"  # an address belongs to one account
    return client.post("/api/auth/signup", json={"username": username, "email": email, "password": password})


def login(client, username, password=USER_PASSWORD):
    return client.post("/api/auth/login", json={"username": username, "password": password})


@pytest.mark.parametrize(
    "first, second, same_name",
    [
        ("asha", "ASHA", True),
        ("asha", "ａｓｈａ", True),  # case and width: the same UsernameCaseMapped name
        ("asha", "\u0430sha", False),  # Cyrillic а
        ("asha", "as\u200bha", False),
        ("asha", "as\u2060ha", False),
        ("asha", "as\u00adha", False),  # zero-width space, word joiner, soft hyphen
        ("asha", "asha\ufeff", False),
        ("asha", "\u200dasha", False),
        ("asha", "as\ufe0fha", False),  # BOM, ZWJ, variation selector
        ("asha", "ásha", False),
        ("asha", "a\u0301sha", False),  # accents, precomposed or not
        ("paypal", "p\u0430yp\u0430l", False),
        ("bob", "B0B", False),
        ("mike", "rnike", False),  # UTS #39 confusables
        ("Zoë", "zoe\u0308", True),
        ("राज", "राज\u200b", False),
        ("கமலா", "க\u200cமலா", False),
        ("asha rao", "Asha  Rao", True),
    ],
)
def test_a_look_alike_of_a_taken_name_is_409(client, first, second, same_name):
    created = signup(client, first)
    assert created.status_code == 201
    response = signup(client, second, email="q@example.com")
    assert response.status_code == 409, (second, response.get_json())
    assert response.get_json()["error"]["code"] == "username_taken"
    # login takes the exact RFC 8265 form only: a case or width variant is the same name, a look-alike
    # (or a name the profile refuses) is nobody's, so it cannot open the account it imitates
    logged_in = login(client, second)
    if same_name:
        assert logged_in.status_code == 200 and logged_in.get_json()["user"]["id"] == created.get_json()["id"]
    else:
        assert logged_in.status_code == 401, logged_in.get_json()


@pytest.mark.parametrize(
    "username, found",
    [
        ("ann\r\nBcc: x@example.org", "U+000D"),
        ("ann\n", None),
        ("tab\tname", "U+0009"),
        ("nul\x00l", "U+0000"),
        ("evil\u202eedoc", "U+202E RIGHT-TO-LEFT OVERRIDE"),
        ("ltr\u200emark", "U+200E"),
        ("iso\u2066late\u2069", "U+2066"),
        ("🎭fan", "\u201c🎭\u201d"),  # a character one can see is shown, not coded
        ("nنور", "\u201cn\u201d"),
        ("asha\u200bn", "U+200B ZERO WIDTH SPACE"),  # an invisible one by its code and name
        ("a\u3000b", None),
        ("x\u0085y", "U+0085"),
        ("", None),
        ("   ", None),
    ],
)
def test_usernames_the_profile_disallows_are_422_naming_the_field(client, username, found):
    response = signup(client, username)
    assert response.status_code == 422, (username, response.get_json())
    details = response.get_json()["error"]["details"]
    assert set(details) == {"username"}
    if found:
        assert found in details["username"][0]
        assert not re.search(r"U\+00[2-7][0-9A-F]", details["username"][0])  # never a printable ASCII code


def test_usernames_keep_their_case_and_script_and_are_stored_canonically(client):
    for name, stored in [
        ("Asha", "Asha"),
        ("प्रिया", "प्रिया"),
        ("தமிழ்செல்வி", "தமிழ்செல்வி"),
        ("さくら", "さくら"),
        ("نور", "نور"),
        ("ＲＡＶＩ", "RAVI"),
        ("  Meena   Iyer ", "Meena Iyer"),
        ("Zoe\u0308", "Zoë"),
        ("o'brien-2", "o'brien-2"),
    ]:
        response = signup(client, name)
        assert response.status_code == 201, (name, response.get_json())
        assert response.get_json()["username"] == stored
        assert login(client, stored.upper()).status_code == 200


def test_every_invalid_field_at_once(client):
    response = signup(client, "bad\x07name", password="short", email="nope")
    details = response.get_json()["error"]["details"]
    assert response.status_code == 422 and set(details) == {"username", "email", "password"}


@pytest.mark.parametrize(
    "typed, other_device",
    [
        ("Café-crème-2026", unicodedata.normalize("NFD", "Café-crème-2026")),  # NFC vs NFD (macOS)
        (unicodedata.normalize("NFD", "ñandú-secreto-9"), "ñandú-secreto-9"),
        ("パスワード\u3000です-42", "パスワード です-42"),  # fullwidth vs ASCII space
        ("correct\u00a0horse\u2003battery", "correct horse battery"),  # no-break and em spaces
    ],
)
def test_the_same_password_from_another_device_logs_in(client, typed, other_device):
    assert signup(client, "traveller", password=typed).status_code == 201
    assert login(client, "traveller", other_device).status_code == 200
    assert login(client, "traveller", typed).status_code == 200
    assert login(client, "traveller", other_device + "x").status_code == 401


def test_passwords_with_control_characters_are_422(client):
    for password in ("line\nbreak-password", "bell\x07-password-long", "del\x7f-password-long"):
        response = signup(client, "ctl", password=password)
        assert response.status_code == 422 and "password" in response.get_json()["error"]["details"], password


def test_hashes_made_before_opaquestring_keep_working_and_are_upgraded(app, client):
    from ticketshow.auth.models import User
    from ticketshow.auth.passwords import _hasher
    from ticketshow.extensions import db

    raw = unicodedata.normalize("NFD", "Mañana-del-sol") + "\u3000!"  # as an old client typed it
    assert signup(client, "legacy").status_code == 201
    db.session.execute(
        text("UPDATE users SET password_hash = :h WHERE username = 'legacy'"), {"h": _hasher()[0].hash(raw)}
    )  # the hash as it was made before the profile: raw text
    db.session.commit()
    assert login(client, "legacy", raw).status_code == 200  # the exact old text still works
    upgraded = db.session.scalar(select(User.password_hash).where(User.username == "legacy"))
    assert _hasher()[0].verify(upgraded, unicodedata.normalize("NFC", raw).replace("\u3000", " "))
    assert login(client, "legacy", unicodedata.normalize("NFC", raw)).status_code == 200  # and now from anywhere
    assert login(client, "legacy", "Mañana-del-sol !x").status_code == 401


BAD_LINE_TEXT = [
    "two\r\nlines",
    "tab\there",
    "nul\x00",
    "esc\x1b[31m",
    "n\x85el",
    "fs\x1cx",
    "rlo\u202eevil",
    "rle\u202bx\u202c",
    "lrm\u200e",
    "alm\u061c",
    "zw\u200bsp",
    "zwnj\u200cbetween latin letters",  # joiners outside RFC 5892's contexts
    "zwj\u200dlatin",
    "\u200cleading",
    "آ\u200cب",  # ZWNJ after a right-joining letter: nothing there to keep apart
    "क\u200cष",  # in Devanagari only after a virama
    "wj\u2060",
    "soft\u00adhyphen",
    "bom\ufeff",
    "fsi\u2068x",
    "tag\U000e0041",
    "interlinear\ufff9",
]


@pytest.mark.parametrize("bad", BAD_LINE_TEXT)
def test_one_line_fields_refuse_control_format_and_bidi_characters(api, client, admin, bad):
    theatre = api.create_theatre(admin)
    show = api.create_show(admin)
    user = api.new_user()
    calls = [
        ("POST", "/api/theatres", {"name": bad, "place": "Pune", "capacity": 5}, "name"),
        ("POST", "/api/theatres", {"name": "Ok", "place": bad, "capacity": 5}, "place"),
        ("PATCH", f"/api/theatres/{theatre['id']}", {"address": bad}, "address"),
        ("PATCH", f"/api/theatres/{theatre['id']}", {"caption": bad}, "caption"),
        ("PATCH", f"/api/shows/{show['id']}", {"name": bad}, "name"),
        ("PATCH", f"/api/shows/{show['id']}", {"caption": bad}, "caption"),
        ("PATCH", f"/api/shows/{show['id']}", {"language": bad}, "language"),
        ("PATCH", f"/api/shows/{show['id']}", {"tags": ["ok", bad]}, "tags.1"),
        ("POST", "/api/shows", {"name": "S", "rating": 1, "tags": [bad], "ticket_price": 1}, "tags.0"),
        ("PATCH", "/api/auth/me/preferences", {"place": bad}, "place"),
        (
            "PUT",
            f"/api/theatres/{theatre['id']}/layout",
            {
                "categories": [{"code": "std", "name": bad, "price_pct": 100}],
                "rows": [{"label": "A", "seats": [{"number": 1, "category": "std"}]}],
            },
            "categories.0.name",
        ),
        (
            "PUT",
            f"/api/theatres/{theatre['id']}/layout",
            {
                "categories": [{"code": "std", "name": "Standard", "price_pct": 100}],
                "rows": [{"label": "A", "section": bad, "seats": [{"number": 1, "category": "std"}]}],
            },
            "rows.0.section",
        ),
    ]
    before = client.get(f"/api/shows/{show['id']}").get_json()
    for method, path, body, field in calls:
        headers = user["headers"] if "preferences" in path else admin
        response = client.open(path, method=method, json=body, headers=headers)
        assert response.status_code == 422, (path, field, response.get_json())
        assert field in response.get_json()["error"]["details"], (path, field, response.get_json())
    assert client.get(f"/api/shows/{show['id']}").get_json() == before


@pytest.mark.parametrize(
    "good",
    [
        "क्‍ष",
        "ন্‍",
        "ಕ್‌ಷ",
        "Family 👨‍👩‍👧‍👦",
        "Kiss 👩‍❤️‍👨",
        "مسرح النور",
        "Ça va ✓",
        "東京劇場",
        "تئاتر می\u200cخواهم",  # Persian: ZWNJ between two joining letters (RFC 5892 A.1)
        "کتاب\u200cخانه",
    ],
)
def test_joiners_that_scripts_and_emoji_need_are_kept(api, client, admin, good):
    theatre = api.create_theatre(admin, name=good)
    assert client.get(f"/api/theatres/{theatre['id']}").get_json()["name"] == good


@pytest.mark.parametrize(
    "description, ok",
    [
        ("Two\nlines\tand a tab", True),
        ("Closed \u202eoverride\u202c here", True),
        ("Isolated \u2067نور\u2069 name", True),
        ("Open \u202eoverride", False),
        ("Open isolate \u2068", False),
        ("Closer \u202c alone", False),
        ("Mismatched \u202e...\u2069", False),
        ("Open on one line \u202e\nclosed on the next \u202c", False),
        ("Bell \x07", False),
        ("Escape \x1b[2J", False),
    ],
)
def test_descriptions_allow_lines_but_no_open_overrides(api, client, admin, description, ok):
    show = api.create_show(admin)
    response = client.patch(f"/api/shows/{show['id']}", json={"description": description}, headers=admin)
    assert response.status_code == (200 if ok else 422), description
    if not ok:
        assert set(response.get_json()["error"]["details"]) == {"description"}

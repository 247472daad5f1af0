"""Usernames identify one person, look-alikes included (auth/usernames.py): a name is refused (409
`username_taken`) when an account has the same RFC 8265 UsernameCaseMapped form or the same look-alike
skeleton, taken from the case-PRESERVED name ("biII" with capital I's looks like "bill"); login takes the
exact PRECIS form only; the database itself refuses a look-alike that slips past the checks."""

import sqlite3

import pytest
import sqlalchemy.exc
from sqlalchemy import select, text

from tests.conftest import USER_PASSWORD


def signup(client, username, email="p@example.com", password=USER_PASSWORD):
    return client.post("/api/auth/signup", json={"username": username, "email": email, "password": password})


def login(client, username, password=USER_PASSWORD):
    return client.post("/api/auth/login", json={"username": username, "password": password})


# (taken, look-alike): each must refuse the other, in either order. Names of at least two letters, as people
# pick them, across scripts; the comment says what makes them look alike.
LOOK_ALIKES = [
    ("bill", "biII"),  # capital I looks like small l (case mapping first made this "biii")
    ("Jill", "JiII"),
    ("PayPal", "PayPaI"),
    ("bill", "bi11"),  # digit one
    ("Oscar", "0scar"),  # digit zero and capital O
    ("oscar", "0SCAR"),  # ...in either case
    ("amit", "arnit"),  # m and rn
    ("RN-kumar", "m-kumar"),  # capital RN, once folded, is rn, which looks like m
    ("ann", "\u0430nn"),  # Cyrillic а
    ("TOM", "\u0422\u041e\u041c"),  # all-Cyrillic ТОМ
    ("kamala", "k\u0430m\u0430l\u0430"),
    ("HAN", "\u0397\u0391\u039d"),  # Greek capitals Eta Alpha Nu
    ("Ian", "\u0399an"),  # Greek capital Iota looks like l; so does Latin capital I
    ("polo", "\u03c1\u03bfl\u03bf"),  # Greek rho and omicron
    ("TAXI", "\u03a4\u0391\u03a7\u0399"),  # Greek ΤΑΧΙ
    ("Vikram", "Ｖｉｋｒａｍ"),  # fullwidth
    ("Zoë", "Zoe\u0308"),  # combining diaeresis
    ("meena", "MEENA"),  # case alone
    ("ravi teja", "Ravi  Teja"),  # doubled space
]

# Look-alikes made of compatibility characters, which RFC 8265 refuses (422): they are 409 all the same, so
# "taken" never turns into a mere format error; the other order cannot arise.
COMPATIBILITY_LOOK_ALIKES = [
    ("leela", "\u2113eela"),  # script small l
    ("fiona", "\ufb01ona"),  # ligature fi
    ("office", "o\ufb00ice"),  # ligature ff
    ("IV-kumar", "\u2163-kumar"),  # Roman numeral four
]

# Names that look different and must both be allowed, logging in to their own accounts.
DIFFERENT = [
    ("anna", "anne"),
    ("\u0397\u0391\u039d", "nav"),  # Greek capital ΗΑΝ folded first was "ηαν", whose skeleton is "nav"
    ("\u0399\u039f\u039d", "iov"),  # Greek ΙΟΝ folded first was "ιον": "iov"
    ("burn", "bun"),
    ("rn", "rm"),
    ("user-one", "user-two"),
    ("राज", "राजा"),  # Hindi: Raj, Raja
    ("प्रिया", "प्रिय"),  # Priya, priy
    ("सीता", "गीता"),  # Sita, Gita
    ("கமலா", "கமல்"),  # Tamil: Kamala, Kamal
    ("செல்வி", "செல்வம்"),  # Selvi, Selvam
    ("முருகன்", "முருகா"),
    ("Ravi", "Ravi Teja"),
]


@pytest.mark.parametrize(
    "taken, look_alike", LOOK_ALIKES + [(b, a) for a, b in LOOK_ALIKES] + COMPATIBILITY_LOOK_ALIKES
)
def test_a_look_alike_of_a_taken_name_is_409_in_either_order(client, taken, look_alike):
    first = signup(client, taken)
    assert first.status_code == 201, first.get_json()
    second = signup(client, look_alike, email="q@example.com")
    assert second.status_code == 409, (look_alike, second.get_json())
    error = second.get_json()["error"]
    assert error["code"] == "username_taken" and "looks like an existing name" in error["message"]


@pytest.mark.parametrize("first, second", DIFFERENT)
def test_names_that_look_different_are_both_allowed(client, first, second):
    a = signup(client, first)
    b = signup(client, second, email="q@example.com")
    assert (a.status_code, b.status_code) == (201, 201), (a.get_json(), b.get_json())
    assert login(client, first).get_json()["user"]["id"] == a.get_json()["id"]
    assert login(client, second).get_json()["user"]["id"] == b.get_json()["id"]


def test_login_takes_the_exact_precis_name_and_never_a_look_alike(client):
    bill = signup(client, "bill").get_json()
    for same in ["bill", "BILL", "Bill", "ｂｉｌｌ", "  bill "]:  # case, width, spaces: RFC 8265 says one name
        response = login(client, same)
        assert response.status_code == 200 and response.get_json()["user"]["id"] == bill["id"], same
    for look_alike in ["biII", "bi11", "b\u0456ll", "bil\u200bl", "ｂｉＩＩ", "bi\u2113l", "bill\u202e"]:
        response = login(client, look_alike)  # the right password, for a name that is not the account's
        assert response.status_code == 401, (look_alike, response.get_json())
        assert response.get_json()["error"]["code"] == "invalid_credentials"


def test_each_of_two_look_alike_accounts_logs_in_to_its_own(app, client):
    """Accounts that looked alike before the skeleton existed are both kept (migration 0018): each name opens
    its own account, never the other."""
    from ticketshow.auth.models import User
    from ticketshow.extensions import db

    bill = signup(client, "bill").get_json()
    twin = signup(client, "biII", email="q@example.com")
    assert twin.status_code == 409
    # as migration 0018 leaves a pair it found: the newer row without a skeleton
    db.session.execute(
        text(
            "INSERT INTO users (username, username_key, username_skeleton, email, password_hash, role, created_at, "
            "report_format, reminders) SELECT 'biII', 'biii', NULL, 'q@example.com', password_hash, 'user', "
            "created_at, 'html', 1 FROM users WHERE id = :id"
        ),
        {"id": bill["id"]},
    )
    db.session.commit()  # the test client's requests share this app context, and so this session
    twin_id = db.session.scalar(select(User.id).where(User.username == "biII"))
    response = login(client, "biII")
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["user"]["id"] == twin_id
    assert login(client, "bill").get_json()["user"]["id"] == bill["id"]
    assert signup(client, "bi1l", email="r@example.com").status_code == 409  # the older skeleton still refuses


def test_the_database_refuses_a_second_skeleton(app, client):
    from ticketshow.auth.usernames import username_key, username_skeleton
    from ticketshow.extensions import db

    assert signup(client, "bill").status_code == 201
    assert username_skeleton("biII") == username_skeleton("bill")
    with pytest.raises(sqlalchemy.exc.IntegrityError, match="username_skeleton"):
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO users (username, username_key, username_skeleton, email, password_hash, role, "
                    "created_at, report_format, reminders) VALUES ('biII', :key, :skeleton, 'q@example.com', 'x', "
                    "'user', '2026-01-01', 'html', 1)"
                ),
                {"key": username_key("biII"), "skeleton": username_skeleton("biII")},
            )


def test_admin_created_accounts_follow_the_same_rule(app, client, admin):
    """ensure_admin (the admin of a new database) goes through create_user: a look-alike of a taken name is
    refused there too, and an admin account blocks its look-alikes at sign-up."""
    from ticketshow.auth import service
    from ticketshow.errors import Conflict

    assert signup(client, "\u0430dmin").status_code == 409  # Cyrillic а: looks like the admin
    assert signup(client, "ADMIN").status_code == 409
    assert signup(client, "root").status_code == 201
    with pytest.raises(Conflict) as refused:
        service.create_user("r\u03bf\u03bft", "ops@example.com", "Another-Passw0rd-long", role="admin")
    assert refused.value.code == "username_taken"


def test_the_staff_search_finds_look_alikes(app, client, admin):
    for name, email in [("bill", "a@example.com"), ("Bilbo", "b@example.com")]:
        assert signup(client, name, email=email).status_code == 201
    names = {item["username"] for item in client.get("/api/admin/staff?q=bi1l", headers=admin).get_json()["items"]}
    assert names == {"bill"}


def test_every_stored_row_has_its_keys(app, client):
    from ticketshow.auth.usernames import username_key, username_skeleton

    for n, name in enumerate(["Asha", "ΗΑΝ", "தமிழ்செல்வி", "ＲＡＶＩ", "0scar"]):
        assert signup(client, name, email=f"{n}@example.com").status_code == 201
    database = app.config["SETTINGS"].data_dir / "ticketshow.sqlite3"
    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT username, username_key, username_skeleton FROM users").fetchall()
    assert len(rows) == 6  # the admin too
    assert all(key == username_key(name) and skeleton == username_skeleton(name) for name, key, skeleton in rows)


def test_the_demo_skips_a_demo_name_that_looks_like_an_existing_account(app, client, caplog):
    from ticketshow.demo.loader import AUDIENCE_USERS, DEMO_USERS, _demo_users

    squatter = signup(client, "\u0430sh\u0430")  # "asha" in Cyrillic а's: the tour's first demo name
    assert squatter.status_code == 201
    users = _demo_users()
    assert sorted(users) == sorted(set(DEMO_USERS + AUDIENCE_USERS) - {"asha"})
    assert "demo user 'asha' skipped: it looks like another account's name" in caplog.text
    assert login(client, "asha", "demo-tickets-2026").status_code == 401  # nobody got in as "asha"

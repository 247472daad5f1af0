"""Migration 0021 keys every account's address (users.email_key, unique) and keeps both accounts of an address
that two already share, oldest first."""

import pytest
from flask_migrate import upgrade
from sqlalchemy import text

from tests.conftest import make_settings
from ticketshow.errors import Conflict


def _insert_users(rows: list[tuple[int, str]]) -> None:
    """Accounts as they stood before 0021 (no email_key column yet), written as SQL: the model has the column."""
    from ticketshow.extensions import db

    for user_id, email in rows:
        db.session.execute(
            text(
                "INSERT INTO users (id, username, username_key, username_skeleton, email, password_hash, role, "
                "created_at, report_format, reminders) VALUES (:id, :name, :name, :name, :email, 'x', 'user', "
                "'2026-01-01', 'html', 1)"
            ),
            {"id": user_id, "name": f"user{user_id}", "email": email},
        )
    db.session.commit()


def test_0021_keys_addresses_and_keeps_both_accounts_of_a_shared_one(tmp_path, redis_server, capsys):
    """Accounts that already share an address in another case (two sign-ups that raced past the check, or,
    for non-ASCII letters, past SQLite's ASCII-only lower()) are all kept: the oldest holds the key, the newer
    has none and both are named in the log. Afterwards a new account with any case of it is refused."""
    from ticketshow import create_app
    from ticketshow.auth.emails import email_key
    from ticketshow.extensions import db

    rows = [
        (1, "Asha@x.in"),
        (2, "asha@x.in"),  # 1's address in another case
        (3, "Ravi@x.in"),
        (4, "ravi@X.IN"),  # written by hand: the domain not normalised, still 3's address
        (5, "\u00c1sha@x.in"),  # Á
        (6, "\u00e1sha@x.in"),  # á: 5's address, which lower() in SQLite did not see
        (7, "meena@x.in"),
        (8, " not an address "),  # written by hand: keyed on its trimmed self
    ]
    app = create_app(make_settings(tmp_path, redis_server["url"]))
    with app.app_context():
        upgrade(revision="0020_job_summary_codes")
        _insert_users(rows)
        capsys.readouterr()
        upgrade()  # its log goes to stderr (migrations/alembic.ini), where the admin running it reads it
        stored = dict(db.session.execute(text("SELECT id, email_key FROM users")).all())
        emails = dict(db.session.execute(text("SELECT id, email FROM users")).all())
        db.session.remove()
        db.engine.dispose()
    assert emails == dict(rows)  # nobody lost, no address changed
    assert stored == {
        1: "asha@x.in",
        2: None,
        3: "ravi@x.in",
        4: None,
        5: email_key("\u00c1sha@x.in"),
        6: None,
        7: "meena@x.in",
        8: "not an address",
    }
    warnings = [line for line in capsys.readouterr().err.splitlines() if line.startswith("WARNI")]
    for newer, older in [(2, 1), (4, 3), (6, 5)]:
        assert any(
            f"user {newer} ({emails[newer]!r}) has the address of user {older} ({emails[older]!r})" in w
            for w in warnings
        )
    assert len(warnings) == 3

    app = create_app(make_settings(tmp_path, redis_server["url"]))
    client = app.test_client()
    with app.app_context():
        for n, address in enumerate(["ASHA@x.in", "\u00e1SHA@x.in", "ravi@x.in"]):
            response = client.post(
                "/api/auth/signup", json={"username": f"new{n}", "email": address, "password": "new-Passw0rd-long"}
            )
            assert response.status_code == 409 and response.get_json()["error"]["code"] == "email_taken", address
        db.session.remove()
        db.engine.dispose()


def test_an_account_left_without_a_key_can_save_its_own_address(tmp_path, redis_server):
    """The newer of two accounts that shared an address before 0021 has no key; saving its profile with
    that address (in any case) is no change and must not be refused as another account's, while a new
    address gives it a key and another account's address is still refused."""
    from ticketshow import create_app
    from ticketshow.auth import service
    from ticketshow.extensions import db

    app = create_app(make_settings(tmp_path, redis_server["url"]))
    with app.app_context():
        upgrade(revision="0020_job_summary_codes")
        _insert_users([(1, "Asha@x.in"), (2, "asha@x.in"), (3, "ravi@x.in")])
        upgrade()

        def keys():
            db.session.expire_all()
            return dict(db.session.execute(text("SELECT id, email_key FROM users")).all())

        assert keys() == {1: "asha@x.in", 2: None, 3: "ravi@x.in"}
        for own, stored in [("asha@x.in", "asha@x.in"), ("ASHA@X.IN", "ASHA@x.in")]:  # the domain is normalised
            assert service.change_email(2, own).email == stored
            assert keys()[2] is None and keys()[1] == "asha@x.in"
        with pytest.raises(Conflict):
            service.change_email(2, "Ravi@x.in")
        with pytest.raises(Conflict):  # the older account's holder keeps the address's key
            service.change_email(3, "asha@X.in")
        service.change_email(2, "asha.new@x.in")
        assert keys() == {1: "asha@x.in", 2: "asha.new@x.in", 3: "ravi@x.in"}
        service.change_email(1, "ASHA@x.in")  # the key holder changes case: still its key
        assert keys()[1] == "asha@x.in"
        db.session.remove()
        db.engine.dispose()

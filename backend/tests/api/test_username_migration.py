"""Migration 0010 normalises stored usernames to RFC 8265 and renames look-alike clashes, oldest first."""

import sqlite3

from flask_migrate import upgrade
from sqlalchemy import text

from tests.conftest import make_settings


def test_existing_usernames_are_normalised_and_clashes_renamed(tmp_path, redis_server):
    from ticketshow import create_app
    from ticketshow.auth.usernames import username_key
    from ticketshow.extensions import db

    app = create_app(make_settings(tmp_path, redis_server["url"]))
    rows = [
        (1, "Asha"),
        (2, "\u0410sha"),
        (3, "as\u200bha"),
        (4, "ann\r\nBcc: x@example.org"),
        (5, "ＲＡＶＩ"),
        (6, "🎭🎭"),
        (7, "meena"),
        (8, "Asha-2"),
    ]
    with app.app_context():
        upgrade(revision="0009_audit_log")
        for user_id, name in rows:  # keys as the old rule made them: unique, but blind to look-alikes
            db.session.execute(
                text(
                    "INSERT INTO users (id, username, username_key, email, password_hash, role, created_at, report_format, "
                    "reminders) VALUES (:id, :name, :key, 'u@example.com', 'x', 'user', '2026-01-01', 'html', 1)"
                ),
                {"id": user_id, "name": name, "key": f"old-{user_id}"},
            )
        db.session.commit()
        upgrade()
        names = dict(db.session.execute(text("SELECT id, username FROM users")).all())
        keys = dict(db.session.execute(text("SELECT id, username_key FROM users")).all())
        db.session.remove()
        db.engine.dispose()
    assert names[1] == "Asha"  # the oldest keeps the name
    assert names[2] == "\u0410sha-2"  # look-alikes get their id, deterministically
    assert names[3] == "asha-3"
    assert names[4] == "ann Bcc: x@example.org"  # controls gone, the rest kept
    assert names[5] == "RAVI" and names[6] == "user-6" and names[7] == "meena"
    assert names[8] == "Asha-2-8"  # "Asha-2" now looks like user 2's new name
    assert len(set(keys.values())) == len(rows)
    assert all(keys[i] == username_key(names[i]) for i in names)


def test_0018_keys_look_alikes_and_keeps_both_of_a_pair_that_already_collides(tmp_path, redis_server, capsys):
    """Migration 0018 on a copy of a database as 0017 left it, with accounts that already look alike: every row
    is kept, the oldest of each pair holds the skeleton, the newer gets none and both are named in the log;
    an exact-name clash (hand-written rows only) is renamed as 0010 did. Afterwards each name logs in to its
    own account and sign-up refuses new look-alikes of both."""
    import shutil

    from ticketshow import create_app
    from ticketshow.auth.usernames import username_key, username_skeleton
    from ticketshow.extensions import db

    original = tmp_path / "original"
    original.mkdir()
    app = create_app(make_settings(original, redis_server["url"]))
    rows = [
        (1, "bill"),
        (2, "biII"),  # capital I's: looks like 1
        (3, "BILL"),  # the same name as 1 in another case (cannot be signed up; written by hand)
        (4, "ann"),
        (5, "\u0430nn"),  # Cyrillic а: looks like 4
        (6, "0scar"),
        (7, "Oscar"),  # looks like 6, which is older
        (8, "\u0397\u0391\u039d"),  # Greek ΗΑΝ ...
        (9, "nav"),  # ... which the old folded key confused with this
        (10, "anna"),
        (11, "anne"),
        (12, "கமலா"),
        (13, "கமல்"),
        (14, "राज"),
        (15, "राजा"),
        (16, "amit"),
        (17, "arnit"),  # rn looks like m
    ]
    password_hash = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$" + "A" * 43
    with app.app_context():
        upgrade(revision="0017_show_search")
        for user_id, name in rows:  # keys as the old rule made them (unique, blind to "biII")
            db.session.execute(
                text(
                    "INSERT INTO users (id, username, username_key, email, password_hash, role, created_at, report_format, "
                    "reminders) VALUES (:id, :name, :key, :email, :hash, 'user', '2026-01-01', 'html', 1)"
                ),
                # addresses of their own: a shared one is migration 0021's case (test_email_migration.py)
                {
                    "id": user_id,
                    "name": name,
                    "key": f"old-{user_id}",
                    "email": f"u{user_id}@example.com",
                    "hash": password_hash,
                },
            )
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    copy = tmp_path / "copy"
    copy.mkdir()
    shutil.copy(original / "ticketshow.sqlite3", copy / "ticketshow.sqlite3")

    app = create_app(make_settings(copy, redis_server["url"]))
    capsys.readouterr()
    with app.app_context():
        upgrade()  # its log goes to stderr (migrations/alembic.ini), where the admin running it reads it
        stored = {
            row.id: row
            for row in db.session.execute(text("SELECT id, username, username_key, username_skeleton FROM users"))
        }
        db.session.remove()
        db.engine.dispose()
    assert sorted(stored) == [user_id for user_id, _ in rows]  # nobody lost
    names = {user_id: row.username for user_id, row in stored.items()}
    assert names == {**dict(rows), 3: "BILL-3"}
    assert all(row.username_key == username_key(row.username) for row in stored.values())
    without = {user_id for user_id, row in stored.items() if row.username_skeleton is None}
    assert without == {2, 5, 7, 17}  # the newer of each look-alike pair
    assert all(
        row.username_skeleton == username_skeleton(row.username) for i, row in stored.items() if i not in without
    )
    warnings = [line for line in capsys.readouterr().err.splitlines() if line.startswith("WARNI")]
    for newer, older in [(2, 1), (5, 4), (7, 6), (17, 16)]:
        assert any(f"user {newer} ({names[newer]!r}) looks like user {older} ({names[older]!r})" in w for w in warnings)
    assert any("user 3 renamed from 'BILL' to 'BILL-3'" in w for w in warnings)
    assert len(warnings) == 5  # Greek ΗΑΝ and "nav", anna and anne, the Tamil and Hindi names: no clash

    # the migrated copy at work: logins by each exact name, look-alikes refused at sign-up
    app = create_app(make_settings(copy, redis_server["url"]))
    client = app.test_client()
    with app.app_context():
        for name in ["bi11", "\u0410NN", "OSCAR", "Arnit", "biIl"]:
            response = client.post(
                "/api/auth/signup", json={"username": name, "email": "n@example.com", "password": "new-Passw0rd-long"}
            )
            assert response.status_code == 409, (name, response.get_json())
        db.session.remove()
        db.engine.dispose()
    # the original was not touched
    with sqlite3.connect(original / "ticketshow.sqlite3") as connection:
        assert connection.execute("SELECT count(*) FROM users WHERE username_key LIKE 'old-%'").fetchone() == (17,)

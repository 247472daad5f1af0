"""Migration 0010 normalises stored usernames to RFC 8265 and renames look-alike clashes, oldest first."""

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

"""Migration 0013 cleans one-line text stored before the rules, settling clashes deterministically."""

from flask_migrate import upgrade
from sqlalchemy import text

from tests.conftest import make_settings
from ticketshow.text import fold, line_problem, text_problem


def test_stored_text_is_cleaned_to_what_the_api_accepts(tmp_path, redis_server):
    from ticketshow import create_app
    from ticketshow.extensions import db

    app = create_app(make_settings(tmp_path, redis_server["url"]))
    with app.app_context():
        upgrade(revision="0012_sessions_and_resets")
        run = lambda sql, **p: db.session.execute(text(sql), p)  # noqa: E731
        theatre = (
            "INSERT INTO theatres (id, name, name_folded, place, place_folded, address, caption, description, "
            "capacity, created_at, updated_at) VALUES (:id, :name, :nf, :place, :pf, :address, NULL, :description, "
            "10, '2026-01-01', '2026-01-01')"
        )
        for row in [
            dict(id=1, name="Re\u2060gal", place="Mumbai", address=None, description=None),  # dirty, older
            dict(id=2, name="Regal", place="Mum\u00adbai", address="Line 1\r\nBcc: x", description=None),
            dict(id=5, name="Regal", place="Mumbai", address=None, description=None),  # clean, newer
            dict(id=3, name="\u202eLatot", place="Pune", address=None, description="Open \u202eoverride\n\x07bell"),
            dict(id=4, name="\u200b", place="Pune", address=None, description="Fine \u2067نور\u2069\nlines"),
        ]:
            run(theatre, nf=fold(row["name"]), pf=fold(row["place"]), **row)
        run(
            "INSERT INTO shows (id, name, name_folded, caption, rating, ticket_price, language, created_at, updated_at, "
            "dynamic_pricing, price_floor_pct, price_ceiling_pct) VALUES (1, 'Sho\u2060lay\t3D', 'x', 'cap\x1btion', 3, "
            "100, 'Hin\u00addi', '2026-01-01', '2026-01-01', 0, 80, 150)"
        )
        for position, tag in enumerate(["drama", "dra\u200bma", "\u200b", "Comedy\u00ad", "comedy"]):
            run("INSERT INTO show_tags (show_id, tag, position) VALUES (1, :t, :p)", t=tag, p=position)
        run(
            "INSERT INTO users (id, username, username_key, email, password_hash, role, created_at, report_format, "
            "reminders, preferred_place) VALUES (9, 'u', 'u', 'u@example.com', 'x', 'user', '2026-01-01', 'html', 1, "
            "'Chen\u200bnai\n')"
        )
        db.session.commit()
        upgrade()
        theatres = {r.id: r for r in run("SELECT * FROM theatres")}
        show = run("SELECT * FROM shows WHERE id = 1").mappings().one()
        tags = [t for (t,) in run("SELECT tag FROM show_tags WHERE show_id = 1 ORDER BY position")]
        place = run("SELECT preferred_place FROM users WHERE id = 9").scalar()
        db.session.remove()
        db.engine.dispose()
    assert (theatres[1].name, theatres[2].name, theatres[2].place) == ("Regal", "Regal (2)", "Mumbai")
    assert theatres[5].name == "Regal (5)"  # the oldest keeps the name, whichever row was dirty
    assert theatres[2].name_folded == "regal (2)" and theatres[2].place_folded == "mumbai"
    assert theatres[2].address == "Line 1 Bcc: x"
    assert theatres[3].name == "Latot" and theatres[3].description == "Open override\nbell"
    assert theatres[4].name == "Untitled 4" and theatres[4].description == "Fine \u2067نور\u2069\nlines"
    assert (show["name"], show["caption"], show["language"]) == (
        "Sholay 3D",
        "cap tion",
        "Hindi",
    )  # controls become spaces
    assert tags == ["drama", "comedy"] and place == "Chennai"
    for row in theatres.values():
        assert all(line_problem(v) is None for v in (row.name, row.place, row.address or "", row.caption or ""))
        assert text_problem(row.description or "") is None

"""The demo catalogue: `flask prepare` loads it on a new database (and not with DEMO_DATA=0), it holds
what it promises, a second load adds nothing, and every name comes back from the API in its own script.

The demo is loaded once per module through `prepare` into a template; each test gets a copy."""

from __future__ import annotations

import dataclasses
import io
import shutil
import warnings
from datetime import date, timedelta

import pytest
from PIL import Image
from sqlalchemy import func, select

from ticketshow import create_app
from ticketshow.auth.models import ROLE_ADMIN, ROLE_USER, User
from ticketshow.booking.models import CONFIRMED, Booking, Ticket
from ticketshow.catalog.models import Screening, Show, Theatre
from ticketshow.clock import utcnow
from ticketshow.demo import posters
from ticketshow.demo.catalogue import SHOWS, THEATRES
from ticketshow.demo.loader import AUDIENCE_USERS, DEMO_PASSWORD, DEMO_USERS, load_demo
from ticketshow.extensions import db
from ticketshow.ratings.models import Rating

from ..conftest import ADMIN_PASSWORD, make_settings


def _prepare(data_dir, redis_url, demo_data: bool):
    """Run `flask prepare` on an empty data dir, as `make run` does; returns (app, output)."""
    settings = dataclasses.replace(make_settings(data_dir, redis_url), demo_data=demo_data)
    app = create_app(settings)
    result = app.test_cli_runner().invoke(args=["prepare"])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return app, result.output


def _dispose(app) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory, redis_server):
    data_dir = tmp_path_factory.mktemp("demo-template")
    app, output = _prepare(data_dir, redis_server["url"], demo_data=True)
    _dispose(app)
    return data_dir, output


@pytest.fixture
def data_dir(tmp_path, demo_template):
    """Overrides conftest's: the `app` fixture of this module opens a copy of the demo database."""
    template, _ = demo_template
    shutil.copy(template / "ticketshow.sqlite3", tmp_path / "ticketshow.sqlite3")
    shutil.copytree(template / "media", tmp_path / "media")
    return tmp_path


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_prepare_loads_the_demo_on_a_new_database(demo_template):
    _, output = demo_template
    assert "Admin created: username 'admin'" in output
    assert "Demo catalogue loaded" in output and DEMO_PASSWORD in output
    assert output.strip().endswith("Database ready.")


def test_the_demo_holds_what_it_promises(app, data_dir):
    now = utcnow()
    assert _count(Theatre) == len(THEATRES) >= 12
    assert _count(Show) == len(SHOWS) == 30
    assert {t.place.split(" · ")[0] for t in THEATRES} >= {"Mumbai", "Chennai", "Bengaluru", "Kolkata"}
    assert {tag for s in SHOWS for tag in s.tags} >= {
        "action",
        "drama",
        "comedy",
        "family",
        "music",
        "stand-up",
        "thriller",
        "romance",
        "kids",
    }

    # Screenings over the next two weeks, at every theatre, for every show, at varied prices.
    upcoming = db.session.execute(
        select(Screening.show_id, Screening.theatre_id, Screening.price).where(
            Screening.starts_at > now, Screening.starts_at < now + timedelta(days=14, hours=1)
        )
    ).all()
    assert len(upcoming) >= 200
    assert {s.show_id for s in upcoming} == set(db.session.scalars(select(Show.id)))
    assert {s.theatre_id for s in upcoming} == set(db.session.scalars(select(Theatre.id)))
    assert len({s.price for s in upcoming}) >= 20
    assert _count(Screening, Screening.starts_at > now + timedelta(days=15)) == 0

    # Demo users, who can log in with the documented password; the admin is not one of them.
    demo_names = set(DEMO_USERS + AUDIENCE_USERS)
    users = db.session.scalars(select(User).where(User.username.in_(demo_names))).all()
    assert {u.username for u in users} == demo_names and {u.role for u in users} == {ROLE_USER}
    admin = db.session.scalar(select(User).where(User.role == ROLE_ADMIN))
    assert admin.username not in demo_names and _count(Booking, Booking.user_id == admin.id) == 0
    assert _count(User) == len(demo_names) + 1
    response = app.test_client().post("/api/auth/login", json={"username": "asha", "password": DEMO_PASSWORD})
    assert response.status_code == 200
    asha = db.session.scalar(select(User).where(User.username == "asha"))
    assert _count(Booking, Booking.user_id == asha.id, Booking.status == CONFIRMED) >= 3

    # One upcoming screening houseful, one with three seats left.
    sold = dict(db.session.execute(select(Ticket.screening_id, func.count()).group_by(Ticket.screening_id)).all())
    left = {
        s.id: s.seats_total - sold.get(s.id, 0)
        for s in db.session.scalars(select(Screening).where(Screening.starts_at > now))
    }
    assert min(left.values()) == 0 and 3 in left.values()
    houseful = next(sid for sid, n in left.items() if n == 0)
    token = response.get_json()["access_token"]
    refused = app.test_client().post(
        "/api/bookings", json={"screening_id": houseful, "quantity": 1}, headers={"Authorization": f"Bearer {token}"}
    )
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "houseful"

    # Past months: bookings made over the last three months for screenings that have happened, rated.
    past = db.session.execute(
        select(Booking.created_at, Screening.starts_at, Screening.id)
        .join(Screening, Screening.id == Booking.screening_id)
        .where(Screening.starts_at < now)
    ).all()
    assert len(past) >= 200
    assert all(b.created_at < b.starts_at for b in past)
    assert len({(b.created_at.year, b.created_at.month) for b in past}) >= 3
    assert min(b.starts_at for b in past) < now - timedelta(days=60)
    assert _count(Rating) >= 20
    # Past tickets have the booking service's shape: seats 1..n in each screening.
    for screening_id, seats, highest, lowest in db.session.execute(
        select(Ticket.screening_id, func.count(), func.max(Ticket.seat_no), func.min(Ticket.seat_no))
        .join(Screening, Screening.id == Ticket.screening_id)
        .where(Screening.starts_at < now)
        .group_by(Ticket.screening_id)
    ):
        assert (lowest, highest) == (1, seats), screening_id

    # The monthly report and the dashboard have something to show.
    from ticketshow.dashboard.service import dashboard
    from ticketshow.reports.service import monthly_report

    last_month = (date.today().replace(day=1) - timedelta(days=1)).replace(day=1)
    assert monthly_report(asha.id, last_month).has_activity
    figures = dashboard(30)
    assert figures["totals"]["bookings"] > 50 and figures["totals"]["cancellations"] >= 1

    # Every picture was stored through the upload path: re-encoded WebP files of the expected size.
    for model, size in ((Theatre, posters.THEATRE_SIZE), (Show, posters.POSTER_SIZE)):
        paths = db.session.scalars(select(model.image_path)).all()
        assert len(set(paths)) == len(paths) and all(paths)
        for path in paths:
            with Image.open(data_dir / "media" / path) as image:
                assert (image.format, image.size) == ("WEBP", size)


def test_the_demo_comes_with_forecasts_learnt_from_its_past(app, demo_template):
    """The load ends with a first forecast run: every upcoming screening has one, trained on the demo's
    past months (enough history for the model, which beats the naive forecast on the latest of them)."""
    from ticketshow.popularity import service as popularity
    from ticketshow.popularity.models import ForecastRun, ScreeningForecast

    _, output = demo_template
    now = utcnow()
    upcoming = set(db.session.scalars(select(Screening.id).where(Screening.starts_at > now)))
    forecasts = dict(
        db.session.execute(select(ScreeningForecast.screening_id, ScreeningForecast.predicted_occupancy)).all()
    )
    assert set(forecasts) == upcoming and f"forecasts for {len(upcoming)} upcoming screenings" in output
    assert len({round(value, 2) for value in forecasts.values()}) > 30  # they differ, screening by screening
    run = db.session.scalar(select(ForecastRun))
    assert run.model.startswith("ridge") and run.validation_mae < run.baseline_mae
    shows = popularity.popularity_for("show", db.session.scalars(select(Show.id)))
    assert len(shows) == len(SHOWS) and all(0 <= p["score"] <= 100 for p in shows.values())
    # The houseful screening is forecast full.
    sold = dict(db.session.execute(select(Ticket.screening_id, func.count()).group_by(Ticket.screening_id)).all())
    houseful = next(
        s.id
        for s in db.session.scalars(select(Screening).where(Screening.starts_at > now))
        if sold.get(s.id, 0) == s.seats_total
    )
    assert forecasts[houseful] == 1.0


def test_loading_twice_adds_nothing(app, data_dir):
    def snapshot():
        return [_count(model) for model in (Theatre, Show, Screening, User, Booking, Ticket, Rating)]

    before = snapshot()
    files = sorted((data_dir / "media").rglob("*"))
    summary = load_demo(data_dir)
    assert not summary.loaded and "already loaded" in str(summary)
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0 and "already loaded" in result.output
    assert snapshot() == before
    assert sorted((data_dir / "media").rglob("*")) == files


def test_demo_data_off_starts_empty_with_the_admin_ready(tmp_path, redis_server):
    app, output = _prepare(tmp_path, redis_server["url"], demo_data=False)
    assert "Demo catalogue" not in output
    try:
        with app.app_context():
            assert [_count(m) for m in (Theatre, Show, Screening, Booking, Rating)] == [0, 0, 0, 0, 0]
            assert db.session.scalars(select(User.username)).all() == ["admin"]
        response = app.test_client().post("/api/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD})
        assert response.status_code == 200
        assert app.test_client().get("/api/shows").get_json()["total"] == 0
    finally:
        _dispose(app)


def test_every_demo_name_round_trips_in_its_script(client):
    theatres = client.get("/api/theatres?per_page=100").get_json()["items"]
    assert sorted(t["name"] for t in theatres) == sorted(t.name for t in THEATRES)
    assert sorted(t["place"] for t in theatres) == sorted(t.place for t in THEATRES)
    shows = client.get("/api/shows?per_page=100").get_json()["items"]
    assert sorted(s["name"] for s in shows) == sorted(s.name for s in SHOWS)
    scripts = {posters.script_of(s.name) for s in SHOWS} | {posters.script_of(t.local) for t in THEATRES}
    assert scripts == {"Latin", "Devanagari", "Tamil", "Kannada", "Bengali"}
    # Searching in the local script finds the theatre too.
    found = client.get("/api/theatres", query_string={"place": "சென்னை"}).get_json()["items"]
    assert {t["place"] for t in found} == {"Chennai · சென்னை"}


def test_posters_pick_a_font_for_each_script_and_fall_back_with_a_warning(monkeypatch):
    assert posters.runs("Ranga Mandira · ರಂಗ ಮಂದಿರ") == [("Latin", "Ranga Mandira · "), ("Kannada", "ರಂಗ ಮಂದಿರ")]
    for text, family in (
        ("आख़िरी ट्रेन", "Devanagari"),
        ("மழைக்காலம்", "Tamil"),
        ("ಬೆಳದಿಂಗಳು", "Kannada"),
        ("বৃষ্টির গান", "Bengali"),
        ("Velocity", "NotoSans-"),
    ):
        path = posters.font_file(posters.script_of(text))
        assert path is not None, "fonts-noto-core is missing: `make test` installs it"
        assert family in path.name
    png = posters.poster(
        "A Very Long Title That Has To Wrap Over Several Lines Somehow",
        ["music"],
        subtitle="caption",
        footer="English · 1h 40m",
    )
    assert Image.open(io.BytesIO(png)).size == posters.POSTER_SIZE

    monkeypatch.setattr(posters, "FONT_DIRS", ())
    posters._warn_missing.cache_clear()
    posters._thread_fonts.__dict__.clear()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = posters.theatre_picture("Ranga Mandira", "ರಂಗ ಮಂದಿರ", "Bengaluru · ಬೆಂಗಳೂರು")
    assert Image.open(io.BytesIO(png)).size == posters.THEATRE_SIZE
    assert any("No Noto font" in str(w.message) for w in caught)
    posters._thread_fonts.__dict__.clear()
    posters._warn_missing.cache_clear()


def test_the_demo_shows_are_found_as_people_type_them(client):
    """Issue 16's examples on the demo, and every title in an Indian script by the first word of its
    romanised name and by the spelling its poster uses (which the caption also holds)."""

    def names(q):
        return [s["name"] for s in client.get("/api/shows", query_string={"q": q}).get_json()["items"]]

    assert names("heist dosa") == ["The Great Dosa Heist"]
    assert names("Mazhai") == ["மழைக்காலம்"]
    assert names("mazhaikalam") == ["மழைக்காலம்"]
    shows = client.get("/api/shows?per_page=100").get_json()["items"]
    indian = [s for s in shows if s["romanised_name"]]
    assert len(indian) == 12
    for show in indian:
        assert show["name"] in names(show["romanised_name"].split()[0]), show["romanised_name"]
        poster_spelling = show["caption"].split(" — ")[0]  # "Chandni Raat Ka Safar"
        assert show["name"] in names(poster_spelling), (poster_spelling, show["romanised_name"])


def test_trending_is_rare_on_the_demo(client):
    """Issue 16: "Trending" was on all 30 demo shows. The rule keeps it for the fastest tenth at most."""
    shows = client.get("/api/shows?per_page=100").get_json()["items"]
    trending = [s["name"] for s in shows if s["trending"]]
    assert 1 <= len(trending) <= 3, trending

"""Error messages in English, Hindi and Tamil: the request's language is the caller's chosen locale, else the
best match of Accept-Language among en/hi/ta (q-values honoured), else English; `code` never changes."""

import json

import pytest

from tests.api.test_bookings import book
from tests.api.test_catalog import later

HI = {"Accept-Language": "hi"}
TA = {"Accept-Language": "ta"}


def error(response) -> tuple[int, str, str]:
    body = response.get_json()["error"]
    return response.status_code, body["code"], body["message"]


@pytest.mark.parametrize(
    "accept, message",
    [
        (None, "No such show."),
        ("hi", "यह शो नहीं मिला।"),
        ("ta", "இந்த நிகழ்ச்சி இல்லை."),
        ("hi-IN,hi;q=0.9,en;q=0.8", "यह शो नहीं मिला।"),
        ("ta-IN", "இந்த நிகழ்ச்சி இல்லை."),
        ("fr-FR,fr;q=0.9", "No such show."),  # an unknown language: English
        ("fr;q=1.0, ta;q=0.8, hi;q=0.5", "இந்த நிகழ்ச்சி இல்லை."),  # the best supported one by q
        ("hi;q=0.2, ta;q=0.7", "இந்த நிகழ்ச்சி இல்லை."),  # q, not the order, decides
        ("hi;q=0, en;q=0.1", "No such show."),  # q=0: not acceptable
        ("*", "No such show."),
        ("", "No such show."),
        ("हिन्दी;;q=abc", "No such show."),  # garbage is no reason for anything but English
    ],
)
def test_404_follows_accept_language(client, accept, message):
    headers = {"Accept-Language": accept} if accept is not None else {}
    assert error(client.get("/api/shows/999999", headers=headers)) == (404, "not_found", message)


def test_translated_answers_vary_on_accept_language(client):
    """No shared cache may hand a Hindi error to an English reader; untranslated answers are not marked."""
    assert "Accept-Language" in client.get("/api/shows/999999", headers=HI).headers.get("Vary", "")
    assert "Accept-Language" not in client.get("/api/shows", headers=HI).headers.get("Vary", "")


def test_401_in_hindi_and_tamil_with_the_same_codes(client):
    assert error(client.get("/api/auth/me", headers=HI)) == (401, "unauthorized", "यह करने के लिए लॉग इन करें।")
    assert error(client.get("/api/auth/me", headers=TA)) == (401, "unauthorized", "இதைச் செய்ய உள்நுழையுங்கள்.")
    forged = {"Authorization": "Bearer not.a.token", **HI}
    assert error(client.get("/api/auth/me", headers=forged)) == (
        401,
        "invalid_token",
        "टोकन सही नहीं है; फिर से लॉग इन करें।",
    )
    wrong = client.post("/api/auth/login", json={"username": "nobody", "password": "x" * 12}, headers=HI)
    assert error(wrong) == (401, "invalid_credentials", "यूज़रनेम या पासवर्ड ग़लत है।")


def test_409_houseful_and_not_enough_seats_in_hindi(api, client, admin):
    theatre = api.create_theatre(admin, capacity=2)
    show = api.create_show(admin)
    screening = api.create_screening(admin, show["id"], theatre["id"], later(2))
    user = api.new_user()
    short = book(client, user["headers"], screening["id"], 3, **HI)
    assert error(short) == (409, "not_enough_seats", "सिर्फ़ 2 सीटें बची हैं; आपने 3 माँगी थीं।")
    assert book(client, user["headers"], screening["id"], 2).status_code == 201
    full = book(client, user["headers"], screening["id"], 1, **HI)
    assert error(full) == (409, "houseful", "यह शो हाउसफ़ुल है: कोई सीट नहीं बची।")
    assert full.get_json()["error"]["details"] == {"seats_left": 0}  # details are data: never translated
    tamil = book(client, user["headers"], screening["id"], 1, **TA)
    assert error(tamil) == (409, "houseful", "இந்தக் காட்சி ஹவுஸ்ஃபுல்: இருக்கைகள் எதுவும் இல்லை.")
    english = book(client, user["headers"], screening["id"], 1)
    assert error(english) == (409, "houseful", "This screening is houseful: no seats are left.")


def test_422_field_messages_in_hindi(api, client):
    """The libraries' own field messages (marshmallow), in plain words (plainwords.py), are translated too,
    with their values kept."""
    missing = client.post("/api/auth/signup", json={"username": "asha"}, headers=HI)
    assert error(missing) == (422, "validation_error", "कुछ फ़ील्ड सही नहीं हैं।")
    details = missing.get_json()["error"]["details"]
    assert details["email"] == ["ईमेल पता दर्ज करें।"] and details["password"] == ["पासवर्ड दर्ज करें।"]

    user = api.new_user()
    bad = client.patch(
        "/api/auth/me/preferences",
        json={"locale": "fr", "reminders": "often"},
        headers={
            **user["headers"],
            **HI,
        },
    )
    assert error(bad)[:2] == (422, "validation_error")
    details = bad.get_json()["error"]["details"]
    assert details["locale"] == ["इनमें से एक चुनें: en, hi, ta।"]
    assert details["reminders"] == ["हाँ या ना चुनें (true या false)।"]

    weak = client.post(
        "/api/auth/signup", json={"username": "meera", "email": "m@example.com", "password": "short"}, headers=TA
    )
    assert error(weak) == (422, "weak_password", "கடவுச்சொல் மிகவும் பலவீனமானது.")
    bad_address = client.post(
        "/api/auth/signup", json={"username": "kavya", "email": "kavya@", "password": "x" * 20}, headers=TA
    )
    assert bad_address.get_json()["error"]["details"]["email"] == ["மின்னஞ்சல் முகவரியை உள்ளிடுங்கள், எ.கா. name@example.com."]
    assert "குறைந்தது 8 எழுத்துகளைப் பயன்படுத்துங்கள்." in weak.get_json()["error"]["details"]["password"]

    too_many = book(client, user["headers"], 1, 500, **HI)
    assert error(too_many)[:2] == (422, "validation_error")
    assert too_many.get_json()["error"]["details"]["quantity"] == ["एक बार में 1 से 10 सीटें बुक करें।"]


def test_the_users_choice_beats_accept_language(api, client):
    user = api.new_user()
    headers = {**user["headers"], **HI}
    assert error(client.get("/api/bookings/999999", headers=headers)) == (404, "not_found", "यह बुकिंग नहीं मिली।")
    assert client.patch("/api/auth/me/preferences", json={"locale": "ta"}, headers=headers).status_code == 200
    assert error(client.get("/api/bookings/999999", headers=headers)) == (
        404,
        "not_found",
        "இந்தப் புக்கிங் இல்லை.",
    )
    client.patch("/api/auth/me/preferences", json={"locale": "en"}, headers=headers)
    assert error(client.get("/api/bookings/999999", headers=headers))[2] == "No such booking."


def test_bad_json_and_unknown_paths_in_tamil(client):
    bad = client.post("/api/auth/login", data=b"{", headers={"Content-Type": "application/json", **TA})
    assert error(bad) == (400, "invalid_json", "கோரிக்கையின் உள்ளடக்கம் சரியான JSON அல்ல.")
    assert error(client.get("/api/nothing/here", headers=TA)) == (404, "not_found", "கிடைக்கவில்லை.")


# What vite-plugin-pwa writes (frontend/vite.config.js), shortened: the test does not need a UI build.
BUILT_MANIFEST = {
    "name": "Ticket Show",
    "short_name": "Ticket Show",
    "description": "Book tickets for shows at theatres and cinemas near you.",
    "start_url": "/",
    "display": "standalone",
    "theme_color": "#6b1a36",
    "lang": "en",
    "icons": [{"src": "/icons/icon-192.png", "sizes": "192x192", "type": "image/png", "purpose": "any"}],
}


@pytest.fixture
def ui_client(data_dir, redis_server, tmp_path):
    """An app serving a built UI folder holding just the manifest."""
    from tests.conftest import make_settings
    from ticketshow import create_app
    from ticketshow.extensions import db

    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "manifest.webmanifest").write_text(json.dumps(BUILT_MANIFEST), "utf-8")
    application = create_app(make_settings(data_dir, redis_server["url"], ui_dist=dist))
    with application.app_context():
        yield application.test_client()
        db.session.remove()
        db.engine.dispose()


def test_a_manifest_per_language(ui_client):
    """The UI links /manifest.<locale>.webmanifest for its language (docs/i18n.md): the built manifest with
    `lang` and `description` in that language; icons, colours and start_url as vite-plugin-pwa built them."""
    client = ui_client
    base = BUILT_MANIFEST
    descriptions = {}
    for locale in ("en", "hi", "ta"):
        response = client.get(f"/manifest.{locale}.webmanifest")
        assert response.status_code == 200 and response.mimetype == "application/manifest+json"
        assert response.headers["Cache-Control"] == "no-cache"
        manifest = response.get_json(force=True)
        assert manifest["lang"] == locale and manifest["dir"] == "ltr"
        assert {k: v for k, v in manifest.items() if k not in {"lang", "dir", "description"}} == {
            k: v for k, v in base.items() if k not in {"lang", "dir", "description"}
        }
        descriptions[locale] = manifest["description"]
    assert descriptions == {
        "en": "Book tickets for shows at theatres and cinemas near you.",
        "hi": "अपने आस-पास के थिएटर और सिनेमा में शो के टिकट बुक करें।",
        "ta": "உங்கள் அருகிலுள்ள திரையரங்குகளிலும் சினிமா அரங்குகளிலும் காட்சிகளுக்கு டிக்கெட் புக் செய்யுங்கள்.",
    }
    unknown = client.get("/manifest.fr.webmanifest", headers=HI)
    assert unknown.status_code == 404 and unknown.get_json()["error"]["code"] == "not_found"


def test_calendar_file_in_the_callers_language(api, client, admin):
    from icalendar import Calendar

    theatre = api.create_theatre(admin)
    show = api.create_show(admin, name="Pyaasa")
    screening = api.create_screening(admin, show["id"], theatre["id"], later(2))
    user = api.new_user()
    booking = book(client, user["headers"], screening["id"], 2).get_json()
    ics = client.get(f"/api/bookings/{booking['id']}/calendar.ics", headers={**user["headers"], **HI})
    event = Calendar.from_ical(ics.data).walk("VEVENT")[0]
    assert str(event["summary"]) == "Pyaasa"  # a name: never translated
    assert str(event["description"]).startswith(f"बुकिंग {booking['id']}: सीटें {', '.join(booking['seats'])}। टिकट: ")

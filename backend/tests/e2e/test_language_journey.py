"""Ticket Show in Hindi and in Tamil on a 375 px phone (issue 21): a visitor whose browser prefers the language
gets the whole booking journey in it — home, a show, the seat map, booking, My bookings — with no English on
screen but names and data, nothing overflowing sideways, no clipped button or badge, and axe clean. Switching
to the other language, then to English, takes one click each and survives a reload (localStorage for the
browser, preferences.locale on the account)."""

import os
import re
from types import SimpleNamespace

import pytest
import requests
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, VIEWPORTS
from tests.e2e.test_accessibility import axe_violations
from tests.e2e.test_booking_journey import PASSWORD, Backstage
from tests.e2e.test_seat_picker_journey import house

# Latin-letter words that may stay on a Hindi or Tamil screen besides the test's own data: the brand, CLDR's
# am/pm (hi-IN and ta-IN time formats keep them, as Indian apps do), the language switch's "EN", and the key
# name in the seat map's keyboard help.
ALLOWED = {"Ticket", "Show", "am", "pm", "AM", "PM", "EN", "Enter"}
# What the journey must show in each language (a word or two from each page, so a page that silently fell
# back to English fails here, not just in the scan).
HEADINGS = {
    "hi": {"signup": "साइन अप", "show": "आने वाले शो", "book": "अपनी सीटें चुनें", "done": "बुकिंग कन्फ़र्म"},
    "ta": {
        "signup": "பதிவு செய்",
        "show": "வரவிருக்கும் காட்சிகள்",
        "book": "இருக்கைகளைத் தேர்வுசெய்யுங்கள்",
        "done": "புக்கிங் உறுதியானது",
    },
}
MY_BOOKINGS = {"en": "My bookings", "hi": "मेरी बुकिंग", "ta": "என் புக்கிங்"}
LANGUAGE_NAMES = {"en": "English", "hi": "हिन्दी", "ta": "தமிழ்"}

# Elements whose text must fit: a clipped label on a button or badge is as bad as a page that scrolls sideways.
FITS = ".btn, .badge, .nav-link, .breadcrumb-item, .form-label, h1, h2, h3, dt, .page-link"
OVERFLOW_SCRIPT = """(selector) => {
  const scroller = document.scrollingElement
  const clipped = [...document.querySelectorAll(selector)]
    .filter((el) => el.offsetParent !== null && !el.closest('[data-testid="seatmap-viewport"], .visually-hidden'))
    .filter((el) => el.scrollWidth > el.clientWidth + 1)
    .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}: ${el.innerText.trim().slice(0, 40)}`)
  return { page: scroller.scrollWidth, viewport: window.innerWidth, clipped }
}"""


@pytest.fixture(params=["hi-IN", "ta-IN"])
def phone(request, browser, live_server):
    """A phone (375 px, touch) whose browser prefers Hindi or Tamil; fails the test on any console error."""
    context = browser.new_context(base_url=live_server.url, locale=request.param, **VIEWPORTS["phone"])
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on(
        "console",
        lambda m: (
            m.type == "error"
            and not re.match(r"Failed to load resource: .* status of 4\d\d", m.text)
            and errors.append(m.text)
        ),
    )
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    shots = ARTIFACTS / request.node.name.replace("/", "_")
    shots.mkdir(parents=True, exist_ok=True)
    yield SimpleNamespace(
        page=page,
        lang=request.param.split("-")[0],
        console_errors=errors,
        shot=lambda name: page.screenshot(path=str(shots / f"{name}.png"), full_page=True),
    )
    context.close()


def english_left(page, allowed):
    """Latin-letter words of two letters or more in the page's text (screen-reader-only text included) that are
    neither allowed nor data: what a Hindi or Tamil reader would find untranslated."""
    text = page.evaluate("() => document.body.innerText")
    return sorted({word for word in re.findall(r"[A-Za-z]{2,}", text) if word not in allowed})


def check_page(page, where, allowed):
    """No English but names, nothing wider than the phone, no clipped label, axe clean."""
    page.wait_for_load_state("networkidle")
    left = english_left(page, allowed)
    assert left == [], f"{where}: English left on screen: {left}"
    fit = page.evaluate(OVERFLOW_SCRIPT, FITS)
    assert fit["page"] <= fit["viewport"], f"{where}: the page scrolls sideways ({fit['page']} > {fit['viewport']} px)"
    assert fit["clipped"] == [], f"{where}: text cut off"
    assert axe_violations(page, where) == []


def test_booking_journey_in_the_browsers_language(phone, live_server):
    page, lang = phone.page, phone.lang
    other = "ta" if lang == "hi" else "hi"
    tag = os.urandom(3).hex()
    stage = Backstage(live_server.url)
    theatre, screening_id = house(stage, tag)
    username = f"bhasha-{tag}-{lang}"
    show_name = f"Kantara {tag}"
    # The test's own data may appear in Latin letters: names (and the initials a poster without an image
    # shows), the place, tags, seat categories, the user.
    data = f"{show_name} {theatre['name']} Bengaluru drama Classic Prime Recliner {username}"
    initials = {"".join(word[0] for word in name.split()).upper() for name in (show_name, theatre["name"])}
    allowed = ALLOWED | initials | set(re.findall(r"[A-Za-z]{2,}", data))

    # the visitor arrives: the app is in their browser's language from the first page
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", lang)
    # an install from here is an app in this language (the server's per-language manifest)
    manifest = page.locator('link[rel="manifest"]').get_attribute("href")
    assert manifest == f"/manifest.{lang}.webmanifest"
    assert requests.get(live_server.url + manifest).json()["lang"] == lang
    expect(page.get_by_role("button", name=LANGUAGE_NAMES[lang])).to_have_attribute("aria-pressed", "true")
    page.goto(f"/?q={show_name}")
    expect(page.get_by_role("article")).to_have_count(1)
    check_page(page, "home", allowed)
    phone.shot("home")

    # signs up (booking needs an account), in the same language
    page.goto("/signup")
    expect(page.get_by_role("heading", level=1)).to_have_text(HEADINGS[lang]["signup"])
    check_page(page, "signup", allowed)
    page.locator("#signup-username").fill(username)
    page.locator("#signup-email").fill(f"{username}@example.com")
    page.locator("#signup-password").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/signup"))

    # finds the show and opens its page
    page.goto(f"/?q={show_name}")
    page.get_by_role("article").get_by_role("link").first.click()
    expect(page.get_by_role("heading", name=HEADINGS[lang]["show"])).to_be_visible()
    check_page(page, "show", allowed)
    phone.shot("show")

    # picks two seats on the map and books them
    page.locator(f"[data-screening-id='{screening_id}'] a.btn").click()
    expect(page.get_by_role("heading", name=HEADINGS[lang]["book"])).to_be_visible()
    # F12 with a tap, F13 with the keyboard (its neighbour may sit under the bar a hold brings up on a phone)
    page.locator("[data-seat='F12']").click()
    expect(page.locator("[data-seat='F12']")).to_have_attribute("aria-checked", "true")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    expect(page.locator("[data-seat='F13']")).to_have_attribute("aria-checked", "true")
    expect(page.get_by_test_id("held-seats").get_by_role("listitem")).to_have_count(2)
    expect(page.get_by_test_id("booking-total")).to_have_text("₹480.00")
    check_page(page, "book", allowed)
    phone.shot("book")
    page.locator("form.ts-book-panel button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(HEADINGS[lang]["done"])
    check_page(page, "booking confirmed", allowed)
    phone.shot("booking-confirmed")

    # My bookings, through the (folded) menu
    page.locator(".navbar-toggler").click()
    page.locator("#main-menu").get_by_role("link", name=MY_BOOKINGS[lang]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(MY_BOOKINGS[lang])
    expect(page.get_by_test_id("booking-seats").first).to_have_text(re.compile(r"F12\s*F13"))
    check_page(page, "my bookings", allowed)
    phone.shot("my-bookings")

    # one click to the other language; it sticks across a reload, in this browser and on the account
    with page.expect_response(lambda r: r.url.endswith("/api/auth/me/preferences") and r.ok):
        page.get_by_role("button", name=LANGUAGE_NAMES[other]).click()
    expect(page.locator("html")).to_have_attribute("lang", other)
    expect(page.get_by_role("heading", level=1)).to_have_text(MY_BOOKINGS[other])
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text(MY_BOOKINGS[other])
    check_page(page, f"my bookings after switching to {other}", allowed)
    me = requests.get(f"{live_server.url}/api/auth/me", headers=stage.headers(username, PASSWORD)).json()
    assert me["preferences"]["locale"] == other

    # and one click to English, which sticks too
    with page.expect_response(lambda r: r.url.endswith("/api/auth/me/preferences") and r.ok):
        page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My bookings")
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("My bookings")
    assert page.evaluate("() => localStorage.getItem('ticketshow.locale')") == "en"
    assert phone.console_errors == []


def test_a_visitors_choice_sticks_without_an_account(phone, live_server):
    """No account: the choice lives in this browser alone and outlasts a reload and a new page."""
    page, lang = phone.page, phone.lang
    page.goto("/theatres")
    expect(page.locator("html")).to_have_attribute("lang", lang)
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Theatres")
    page.goto("/whats-on")
    expect(page.get_by_role("heading", level=1)).to_have_text("What's on")
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("button", name=LANGUAGE_NAMES[lang]).click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text("What's on")
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", lang)
    assert phone.console_errors == []


def test_every_my_bookings_tab_is_in_view_on_a_phone(phone, live_server):
    """Upcoming, Past and Cancelled all fit the 375 px phone: in Tamil the strip of tabs was 482 px wide and
    scrolled sideways with no visible scrollbar, so Cancelled (ரத்தானது) sat entirely off screen."""
    page, tag = phone.page, os.urandom(3).hex()
    stage = Backstage(live_server.url)
    username = f"tabs-{tag}-{phone.lang}"
    stage.post("/api/auth/signup", {"username": username, "email": f"{username}@example.com", "password": PASSWORD})
    page.goto("/login")
    page.locator("input[autocomplete=username]").fill(username)
    page.locator("input[type=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto("/my-bookings")
    tabs = page.get_by_role("tab")
    expect(tabs).to_have_count(3)
    strip = page.get_by_role("tablist").bounding_box()
    for index in range(3):
        box = tabs.nth(index).bounding_box()
        assert strip["x"] <= box["x"] and box["x"] + box["width"] <= strip["x"] + strip["width"] + 0.5, (
            f"tab {index + 1} ({tabs.nth(index).inner_text()}) is outside the strip: {box} not within {strip}"
        )
    assert phone.console_errors == []

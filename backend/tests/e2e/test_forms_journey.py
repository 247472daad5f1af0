"""Issue 16, forms that teach (item 1) and respect (item 6), each at a phone and a desktop viewport: signing up
with a taken name, a bad email and a common password shows three messages, one beside each field, after one
submit; the password rule, meter and toggle; the reminders choice; cancel reasons in words; names with a lang;
the 404 heading; Escape closes the phone menu; the admin's words."""

from __future__ import annotations

import os
import re

import requests
from playwright.sync_api import expect

from tests.conftest import ADMIN_PASSWORD
from tests.e2e.test_accessibility import axe_violations
from tests.e2e.test_booking_journey import PASSWORD, Backstage, at
from tests.e2e.test_foundation_journey import log_in


def test_three_wrong_fields_three_messages_in_one_submit(ui, live_server):
    page, tag = ui.page, os.urandom(3).hex()
    name = f"asha-{tag}-{ui.viewport}"
    Backstage(live_server.url).post(
        "/api/auth/signup", {"username": name, "email": f"{name}@example.com", "password": PASSWORD}
    )
    page.goto("/signup")
    page.get_by_label("Username").fill(name.upper())
    page.get_by_label("Email").fill("not-an-address")
    page.get_by_label("Password", exact=True).fill("password")
    page.get_by_role("button", name="Sign up").click()
    for field, words in [("Username", "taken"), ("Email", "@"), ("Password", "common")]:
        box = page.get_by_label(field, exact=True)
        expect(box).to_have_attribute("aria-invalid", "true")
        described = box.get_attribute("aria-describedby") or ""
        texts = " ".join(page.locator(f"#{i}").inner_text() for i in described.split() if page.locator(f"#{i}").count())
        assert words in texts, (field, texts)
    assert axe_violations(page, "sign-up, three messages") == []


def test_signup_states_the_rule_guides_the_password_and_asks_about_reminders(ui, live_server):
    """Item 1 and 6: the rule is on screen before typing, the meter follows the server's rules, the
    show-password toggle is a pressed/unpressed button, and unticking the reminders box turns them off."""
    page, tag = ui.page, os.urandom(3).hex()
    name = f"meena-{tag}-{ui.viewport}"
    page.goto("/signup")
    password = page.get_by_label("Password", exact=True)
    help_id = password.get_attribute("aria-describedby").split()[0]
    expect(page.locator(f"#{help_id}")).to_contain_text("At least 8 characters, not your username")
    assert axe_violations(page, "sign-up") == []

    meter = page.get_by_test_id("password-strength")
    page.get_by_label("Username").fill(name)
    password.fill("password")
    expect(meter).to_contain_text("weak")
    expect(meter).to_contain_text("very common password")
    password.fill(name)
    expect(meter).to_contain_text("Do not use your username")
    password.fill("Monsoon-Filter-Kaapi-7")
    expect(meter).to_contain_text("strong")
    expect(meter.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "4")

    toggle = page.get_by_role("button", name="Show password")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    expect(password).to_have_attribute("type", "password")
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    expect(password).to_have_attribute("type", "text")
    toggle.click()
    expect(password).to_have_attribute("type", "password")

    reminders = page.get_by_label("Send me daily reminders")
    expect(reminders).to_be_visible()
    expect(reminders).to_be_checked()  # API.md's default stays on; the person now sees it
    reminders.uncheck()
    page.get_by_label("Email").fill(f"{name}@example.com")
    preference_changes = []
    page.on("request", lambda r: preference_changes.append(r) if r.url.endswith("/api/auth/me/preferences") else None)
    with page.expect_request(lambda r: r.url.endswith("/api/auth/signup") and r.method == "POST") as signup:
        page.get_by_role("button", name="Sign up").click()
    assert signup.value.post_data_json["reminders"] is False  # the choice goes with the sign-up itself
    expect(page).not_to_have_url(re.compile(r"/signup"))
    assert preference_changes == []  # ...not as a second request that could fail after the account exists
    me = requests.get(
        f"{live_server.url}/api/auth/me", headers=Backstage(live_server.url).headers(name, "Monsoon-Filter-Kaapi-7")
    )
    assert me.json()["preferences"]["reminders"] is False


def test_a_cancelled_booking_says_why_in_words(ui, live_server):
    """Item 1: no raw code reaches a person; a booking cancelled because its show was withdrawn says so."""
    page, tag = ui.page, os.urandom(3).hex()
    stage = Backstage(live_server.url)
    hall = stage.post("/api/theatres", {"name": f"Rex {tag}", "place": f"Coimbatore {tag}", "capacity": 20})
    show = stage.post(
        "/api/shows",
        {
            "name": f"Withdrawn {tag}",
            "rating": 3,
            "tags": [],
            "ticket_price": 120,
            "screenings": [{"theatre_id": hall["id"], "starts_at": at(2)}],
        },
    )
    name = f"ravi-{tag}-{ui.viewport}"
    stage.post("/api/auth/signup", {"username": name, "email": f"{name}@example.com", "password": PASSWORD})
    booking = stage.post(
        "/api/bookings",
        {"screening_id": stage.screening_ids(show["id"])[0], "quantity": 1},
        stage.headers(name, PASSWORD),
    )
    gone = requests.delete(f"{live_server.url}/api/shows/{show['id']}?force=true", headers=stage.admin)
    assert gone.status_code == 204, gone.text

    log_in(page, name, PASSWORD)
    expect(page).not_to_have_url(re.compile(r"/login"))
    page.goto("/my-bookings?when=cancelled")  # cancelled bookings have a tab of their own
    card = page.locator("article", has_text=f"Withdrawn {tag}")
    expect(card).to_contain_text("The show was withdrawn, so this booking was cancelled.")
    page.goto(f"/bookings/{booking['id']}")
    expect(page.get_by_text("The show was withdrawn, so this booking was cancelled.")).to_be_visible()
    assert "show_removed" not in page.locator("body").inner_text()


def test_names_speak_their_language_404_has_a_heading_and_the_menu_closes_on_escape(ui, live_server):
    """Item 6: Tamil and Kannada names carry lang, the 404 page has an h1, Escape closes the phone menu and
    gives focus back to its toggle, all axe clean."""
    page, tag = ui.page, os.urandom(3).hex()
    stage = Backstage(live_server.url)
    hall = stage.post("/api/theatres", {"name": f"ಕಪಾಲಿ {tag}", "place": f"ಬೆಂಗಳೂರು {tag}", "capacity": 20})
    show = stage.post(
        "/api/shows",
        {
            "name": f"மழைக்காலம் {tag}",
            "rating": 4,
            "tags": [],
            "ticket_price": 150,
            "screenings": [{"theatre_id": hall["id"], "starts_at": at(2)}],
        },
    )
    page.goto(f"/shows/{show['id']}")
    expect(page.get_by_role("heading", level=1)).to_have_attribute("lang", "ta")
    expect(page.get_by_role("link", name=f"ಕಪಾಲಿ {tag}")).to_have_attribute("lang", "kn")
    places = page.get_by_text(f"ಬೆಂಗಳೂರು {tag}", exact=True)
    expect(places.first).to_be_visible()
    assert [places.nth(i).get_attribute("lang") for i in range(places.count())] == ["kn"] * places.count()
    page.goto(f"/theatres/{hall['id']}")
    expect(page.get_by_role("heading", level=1)).to_have_attribute("lang", "kn")
    page.goto(f"/theatres?q={tag}")  # the shared server lists every test's theatres, paged: find this one
    expect(page.get_by_role("link", name=f"ಕಪಾಲಿ {tag}")).to_have_attribute("lang", "kn")

    page.goto(f"/no-such-page-{tag}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    assert axe_violations(page, "404") == []

    toggle = page.locator(".navbar-toggler")
    if ui.viewport == "phone":
        toggle.click()
        menu = page.locator("#main-menu")
        expect(menu).to_be_visible()
        menu.get_by_role("link").first.focus()
        page.keyboard.press("Escape")
        expect(menu).to_be_hidden()
        expect(toggle).to_have_attribute("aria-expanded", "false")
        expect(toggle).to_be_focused()
    else:
        expect(toggle).to_be_hidden()  # the links are always in view; there is no menu to close
        expect(page.locator("#main-menu")).to_be_visible()


def test_the_admin_says_show_and_theatre(ui, live_server):
    """Item 6: the screenings filters are labelled Show and Theatre, never Programme or Venue; a one-seat
    house reads "1 / 1 seat left", not "seats"."""
    page, tag = ui.page, os.urandom(3).hex()
    stage = Backstage(live_server.url)
    box = stage.post("/api/theatres", {"name": f"Box {tag}", "place": f"உதகமண்டலம் {tag}", "capacity": 1})
    show = stage.post(
        "/api/shows",
        {
            "name": f"Solo {tag}",
            "rating": 3,
            "tags": [],
            "ticket_price": 90,
            "screenings": [{"theatre_id": box["id"], "starts_at": at(2)}],
        },
    )
    log_in(page, "admin", ADMIN_PASSWORD)
    expect(page).not_to_have_url(re.compile(r"/login"))
    page.goto("/admin/screenings")
    expect(page.get_by_label("Show", exact=True)).to_be_visible()
    expect(page.get_by_label("Theatre", exact=True)).to_be_visible()
    expect(page.locator("#filter-show option").first).to_have_text("All shows")
    expect(page.locator("#filter-theatre option").first).to_have_text("All theatres")
    words = page.locator("main").inner_text().lower()
    assert "programme" not in words and "venue" not in words, words
    page.locator("#filter-show").select_option(value=str(show["id"]))
    expect(page.locator("main")).to_contain_text("1 / 1 seat left")
    # names in the admin's lists carry their language too (nameLang goes by most letters: the place's Tamil
    # name is long enough that a random tag of six Latin letters, "affdcf", can never outnumber it)
    expect(page.get_by_text(f"உதகமண்டலம் {tag}", exact=True)).to_have_attribute("lang", "ta")
    expect(page.get_by_role("link", name=f"Solo {tag}")).to_have_attribute("lang", "en")
    assert "1 / 1 seats" not in page.locator("main").inner_text()


def test_account_email_change_answers_beside_the_field(ui, live_server):
    """Item 1: changing the email address says a bad or taken address beside the field, then saves a good one."""
    page, tag = ui.page, os.urandom(3).hex()
    stage = Backstage(live_server.url)
    other = f"kavya-{tag}-{ui.viewport}"
    stage.post("/api/auth/signup", {"username": other, "email": f"{other}@example.com", "password": PASSWORD})
    name = f"arun-{tag}-{ui.viewport}"
    stage.post("/api/auth/signup", {"username": name, "email": f"{name}@example.com", "password": PASSWORD})
    log_in(page, name, PASSWORD)
    expect(page).not_to_have_url(re.compile(r"/login"))
    page.goto("/account")
    box = page.get_by_label("Email", exact=True)
    expect(box).to_have_value(f"{name}@example.com")
    change = page.get_by_role("button", name="Change email")

    def said_beside(words):
        expect(box).to_have_attribute("aria-invalid", "true")
        described = box.get_attribute("aria-describedby").split()
        texts = " ".join(page.locator(f"#{i}").inner_text() for i in described)
        assert words in texts, texts

    box.fill("not-an-address")
    change.click()
    said_beside("@")
    box.fill(f"{other}@example.com")
    change.click()
    said_beside("already")
    assert page.get_by_role("alert").count() == 0  # the field says it; no second, general message
    assert axe_violations(page, "account, taken email") == []
    box.fill(f"{name}-new@example.com")
    change.click()
    expect(page.get_by_text("Email address changed")).to_be_visible()
    expect(box).not_to_have_attribute("aria-invalid", "true")
    me = requests.get(f"{live_server.url}/api/auth/me", headers=stage.headers(name, PASSWORD)).json()
    assert me["email"] == f"{name}-new@example.com"


def test_an_admin_form_says_every_field_in_plain_words(ui, live_server):
    """Item 1: an empty or out-of-range theatre form gets a message beside each field in one submit, never
    the validator's own text ("Missing data for required field.", "Must be greater than or equal to ...")."""
    page = ui.page
    log_in(page, "admin", ADMIN_PASSWORD)
    expect(page).not_to_have_url(re.compile(r"/login"))
    page.goto("/admin/theatres")
    page.get_by_role("button", name="Create theatre").first.click()
    page.get_by_label("Capacity").fill("0")
    page.get_by_role("button", name="Save").click()
    dialog = page.get_by_role("dialog")
    for field in ("Name", "Place", "Capacity"):
        box = dialog.get_by_label(field, exact=True)
        expect(box).to_have_attribute("aria-invalid", "true")
    words = dialog.inner_text()
    for raw in ("Missing data", "greater than or equal", "Not a valid", "Shorter than"):
        assert raw not in words, words
    assert axe_violations(page, "theatre form, three messages") == []


def test_the_audit_log_names_a_refused_check_in(ui, live_server):
    """Item 1, no raw code on screen: a refused check-in reads "refused check-in", not checkin_refused."""
    page, tag = ui.page, os.urandom(3).hex()
    stage = Backstage(live_server.url)
    hall = stage.post("/api/theatres", {"name": f"Gate {tag}", "place": f"Salem {tag}", "capacity": 5})
    show = stage.post(
        "/api/shows",
        {
            "name": f"Gatecrash {tag}",
            "rating": 3,
            "tags": [],
            "ticket_price": 90,
            "screenings": [{"theatre_id": hall["id"], "starts_at": at(0, 1)}],
        },
    )
    screening = stage.screening_ids(show["id"])[0]
    refused = requests.post(
        f"{live_server.url}/api/checkin", json={"code": f"forged-{tag}", "screening_id": screening}, headers=stage.admin
    )
    assert 400 <= refused.status_code < 500, refused.text
    log_in(page, "admin", ADMIN_PASSWORD)
    expect(page).not_to_have_url(re.compile(r"/login"))
    page.goto("/admin/audit?action=checkin_refused")
    main = page.locator("main")
    expect(main).to_contain_text("refused check-in")
    assert "checkin_refused" not in main.inner_text()


def test_an_empty_sign_up_marks_every_field(ui, live_server):
    """Item 1: an empty sign-up form flags all three fields in one submit, each with its own message."""
    page = ui.page
    page.goto("/signup")
    page.get_by_role("button", name="Sign up").click()
    for field in ("Username", "Email", "Password"):
        box = page.get_by_label(field, exact=True)
        expect(box).to_have_attribute("aria-invalid", "true")
        error_id = box.get_attribute("aria-describedby").split()[-1]
        assert page.locator(f"#{error_id}").inner_text().strip(), field
    assert "Missing data" not in page.locator("main").inner_text()


def test_a_refused_name_shows_the_character_and_each_rule_is_said_once(ui, live_server):
    """Item 1: a refused username names the character a person can see ("n" in quotes, not "U+006E") and an
    invisible one by its name; a too-short password's rule is said once, by the server beside the field,
    and once edited the meter's guidance takes over (never both)."""
    page = ui.page
    page.goto("/signup")
    page.get_by_label("Username").fill("nنور")
    page.get_by_label("Email").fill(f"n-{os.urandom(3).hex()}@example.com")
    page.get_by_label("Password", exact=True).fill("short1")
    page.get_by_role("button", name="Sign up").click()

    username = page.get_by_label("Username")
    expect(username).to_have_attribute("aria-invalid", "true")
    error_id = username.get_attribute("aria-describedby").split()[-1]
    expect(page.locator(f"#{error_id}")).to_contain_text("\u201cn\u201d")
    assert "U+006E" not in page.locator("main").inner_text()
    rule = page.get_by_text("Use at least 8 characters.")
    expect(rule).to_have_count(1)
    expect(page.locator("#signup-password-error")).to_contain_text("Use at least 8 characters.")
    assert axe_violations(page, "sign-up, refused name and short password") == []

    page.get_by_label("Password", exact=True).fill("short12")  # edited: the meter speaks now, the stale answer goes
    expect(rule).to_have_count(1)
    expect(page.get_by_test_id("password-strength")).to_contain_text("Use at least 8 characters.")
    expect(page.locator("#signup-password-error")).to_have_count(0)

    page.get_by_label("Username").fill("asha\u200bn")
    page.get_by_role("button", name="Sign up").click()
    expect(page.locator(f"#{error_id}")).to_contain_text("U+200B ZERO WIDTH SPACE")


def test_breadcrumb_dividers_never_start_a_line(ui, live_server):
    """Item 6 (copy slips): a long Tamil show name wraps onto a line of its own in the breadcrumb at 375 px;
    the divider trails the item before it, so no line starts with a stray "/" (in any language)."""
    page, tag = ui.page, os.urandom(3).hex()
    stage = Backstage(live_server.url)
    hall = stage.post("/api/theatres", {"name": f"காசி {tag}", "place": "சென்னை", "capacity": 20})
    show = stage.post(
        "/api/shows",
        {
            "name": f"மழைக்காலம் நீண்ட பெயர் கொண்ட ஒரு படம் {tag}",
            "rating": 4,
            "tags": ["drama"],
            "ticket_price": 200,
            "screenings": [{"theatre_id": hall["id"], "starts_at": at(2)}],
        },
    )
    for locale in ("ta", "en"):
        page.add_init_script(f"localStorage.setItem('ticketshow.locale', '{locale}')")
        page.goto(f"/shows/{show['id']}")
        items = page.locator("ol.breadcrumb > li")
        expect(items).to_have_count(2)
        dividers = items.evaluate_all(
            """els => els.map(el => [getComputedStyle(el, '::before').content, getComputedStyle(el, '::after').content,
                                     el.getBoundingClientRect().left])"""
        )
        assert [before for before, _, _ in dividers] == ["none", "none"], dividers
        assert dividers[0][1].startswith('"›"') and dividers[1][1] == "none", dividers
        # the name starts its line at the list's left edge (it wrapped) on a phone, with nothing before it
        if ui.viewport == "phone" and locale == "ta":
            left = page.locator("ol.breadcrumb").bounding_box()["x"]
            assert abs(dividers[1][2] - left) < 1, dividers
        assert axe_violations(page, f"show page breadcrumb, {locale}") == []


def langs_of(page, name):
    """The language a screen reader would use for each place `name` is written on the page: the nearest
    lang attribute around each text node holding it."""
    return page.evaluate(
        """name => {
            const walker = document.createTreeWalker(document.querySelector('main') || document.body, NodeFilter.SHOW_TEXT)
            const found = []
            while (walker.nextNode()) {
                if (walker.currentNode.textContent.includes(name)) found.push(walker.currentNode.parentElement.closest('[lang]')?.lang)
            }
            return found
        }""",
        name,
    )


def test_names_carry_their_lang_through_the_booking(ui, live_server):
    """Item 6: a Tamil show at a Kannada-named theatre in a Bengali-named place keeps each name's lang on the
    booking page, the confirmation, My bookings and the tickets (the page's own language is English)."""
    page, tag = ui.page, os.urandom(3).hex()
    stage = Backstage(live_server.url)
    show_name, theatre_name, place = f"மழைக்காலம் {tag}", f"ಕಪಾಲಿ {tag}", f"কলকাতা {tag}"
    hall = stage.post("/api/theatres", {"name": theatre_name, "place": place, "capacity": 20})
    show = stage.post(
        "/api/shows",
        {
            "name": show_name,
            "rating": 4,
            "tags": [],
            "ticket_price": 150,
            "screenings": [{"theatre_id": hall["id"], "starts_at": at(2)}],
        },
    )
    [screening_id] = stage.screening_ids(show["id"])
    username = f"lang-{tag}-{ui.viewport}"
    stage.post("/api/auth/signup", {"username": username, "email": f"{username}@example.com", "password": PASSWORD})
    log_in(page, username, PASSWORD)
    page.wait_for_url(lambda url: "/login" not in url)

    def check(where):
        for name, lang in [(show_name, "ta"), (theatre_name, "kn"), (place, "bn")]:
            found = langs_of(page, name)
            assert found and set(found) == {lang}, (where, name, found)

    page.goto(f"/book/{screening_id}")
    expect(page.get_by_role("heading", level=1)).to_have_attribute("lang", "ta")
    check("book")
    assert axe_violations(page, "booking page, names in three scripts") == []
    page.get_by_role("button", name="Book now").click()
    expect(page.get_by_role("heading", name="Booking confirmed")).to_be_visible()
    check("confirmation")
    booking_id = page.url.rstrip("/").split("/")[-1]
    page.goto("/my-bookings")
    expect(page.get_by_role("link", name=show_name)).to_have_attribute("lang", "ta")
    assert set(langs_of(page, show_name)) == {"ta"}
    page.goto(f"/bookings/{booking_id}/tickets")
    expect(page.get_by_role("heading", level=1)).to_have_attribute("lang", "ta")
    check("tickets")

"""The staff pages and the seat picker in Tamil and in Hindi on a 375 px phone (issue 21): the admin dashboard,
the seat layout editor and the seat map speak the language (no English word left on screen or in an
accessible name, except the names that are data: theatres, shows, places, seat categories, people), nothing
sticks out sideways or is clipped, and axe finds nothing serious. Screenshots go to test-artifacts/.

The browser prefers the language (navigator.languages ta-IN or hi-IN) and nobody picks one, so no one's
saved preference changes: the server's admin keeps "no choice", which other tests rely on. A server of its
own (with a Celery worker) runs the forecast, an export and the daily reminders, so the words the server
makes and stores — the forecast's reasons, the past exports' and the jobs' summaries — are on the dashboard
and must arrive in the language too (they are worded per request from their codes).
"""

import os
import re
import time

import pytest
import requests
from playwright.sync_api import expect

from tests.conftest import ADMIN_PASSWORD, LiveServer, free_port
from tests.e2e.conftest import ARTIFACTS, VIEWPORTS
from tests.e2e.test_accessibility import axe_violations
from tests.e2e.test_booking_journey import PASSWORD, Backstage, at
from tests.e2e.test_seat_picker_journey import multiplex_layout, new_user

# Latin words allowed: the app's name, a file type, keys named as printed on keyboards, an IP address's label,
# and the AM/PM that CLDR's Tamil and Hindi time formats write (Intl's "6:30 PM" for ta-IN, "6:30 pm" for hi-IN).
ALLOWED_LATIN = {"Ticket", "Show", "CSV", "Ctrl", "Enter", "IP", "AM", "PM", "am", "pm"}

# Per language: data names in its script, and what the pages must say.
LANGUAGES = {
    "ta": {
        "theatre": "சத்யம்",
        "place": "சென்னை",
        "show": "காந்தாரா",
        "dashboard": "டாஷ்போர்டு",
        "export": "{theatre} CSV ஏற்றுமதி",
        "operations": "செயல்பாடுகள்",
        "run_forecast": "இப்போதே கணி",
        "description": "டிக்கெட் புக் செய்யுங்கள்",
        "send_reminders": "இன்றைய நினைவூட்டல்களை அனுப்பு",
        "reminders_sent": "அனுப்பப்பட்ட",  # one or many (the singular ends -ட்டது, the plural -ட்டன)
        "rows": "காட்சி வரிசை",
        "too_little_history": "வரலாறு போதாது",
        "layout": "{theatre} இருக்கை அமைப்பு",
        "count": "15 வரிசைகள், மொத்தம் 300 இருக்கைகள்.",
        "preview": "இருக்கை வரைபட முன்னோட்டம்: 15 வரிசைகள், மொத்தம் 300 இருக்கைகள்",
        "F12": "வரிசை F, இருக்கை 12, Prime, ₹240, காலி",
        "O1": "வரிசை O, இருக்கை 1, Recliner, ₹360, சக்கர நாற்காலி இடம், காலி",
        "screen": "திரை இந்தப் பக்கம்",
        "selected": ", தேர்ந்தெடுத்தது",
    },
    "hi": {
        "theatre": "रीगल",
        "place": "दिल्ली",
        "show": "शोले",
        "dashboard": "डैशबोर्ड",
        "export": "{theatre} का CSV एक्सपोर्ट करें",
        "operations": "ऑपरेशन",
        "run_forecast": "अभी अनुमान लगाएँ",
        "description": "शो के टिकट बुक करें",
        "send_reminders": "आज के रिमाइंडर भेजें",
        "reminders_sent": "रिमाइंडर भेज",  # one or many (भेजा गया, भेजे गए)
        "rows": "शो टाइम की पंक्ति",
        "too_little_history": "इतिहास बहुत कम",
        "layout": "{theatre} का सीट लेआउट",
        "count": "300 सीटें, 15 पंक्तियाँ।",
        "preview": "सीट मैप का प्रीव्यू: 300 सीटें, 15 पंक्तियाँ",
        "F12": "पंक्ति F, सीट 12, Prime, ₹240, ख़ाली",
        "O1": "पंक्ति O, सीट 1, Recliner, ₹360, व्हीलचेयर की जगह, ख़ाली",
        "screen": "स्क्रीन इस तरफ़",
        "selected": ", चुनी गई",
    },
}

# The text of `root` a person meets: what it shows, and what assistive technology reads out for it.
VISIBLE_AND_SPOKEN = """(root) => {
  const parts = [root.innerText]
  for (const el of root.querySelectorAll('*')) {
    for (const name of ['aria-label', 'placeholder', 'title', 'alt', 'data-label']) {
      const value = el.getAttribute(name)
      if (value) parts.push(value)
    }
    if (el.tagName.toLowerCase() === 'title') parts.push(el.textContent)
  }
  return parts.join('\\n')
}"""

# Elements that stick out of the viewport sideways (outside a container made to scroll), or whose text
# is clipped by overflow: hidden. Scroll containers (the seat map, wide tables) scroll by design.
OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth
  const found = []
  const scrolls = (el) => {
    for (let node = el.parentElement; node && node !== document.body; node = node.parentElement) {
      const style = getComputedStyle(node)
      if (['auto', 'scroll'].includes(style.overflowX)) return true
    }
    return false
  }
  for (const el of document.querySelectorAll('main *')) {
    const style = getComputedStyle(el)
    if (style.display === 'none' || style.visibility === 'hidden' || el.closest('.visually-hidden')) continue
    const rect = el.getBoundingClientRect()
    if (!rect.width || !rect.height) continue
    const label = `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} "${(el.innerText || '').slice(0, 40)}"`
    if (rect.right > width + 1 && !scrolls(el)) found.push(`sticks out (${Math.round(rect.right)} px): ${label}`)
    if (style.overflowX === 'hidden' && el.scrollWidth > el.clientWidth + 1 && el.children.length === 0)
      found.push(`clipped: ${label}`)
  }
  if (document.documentElement.scrollWidth > width + 1)
    found.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} px`)
  return found
}"""


def english_left(text, data_names):
    """Latin-script words in `text` once the data names and the allowed words are taken out."""
    for name in sorted(data_names, key=len, reverse=True):
        text = text.replace(name, " ")
    words = re.findall(r"[A-Za-z][A-Za-z']+", text)
    return sorted({word for word in words if word not in ALLOWED_LATIN})


@pytest.fixture(scope="module")
def own_server(tmp_path_factory, redis_server):
    server = LiveServer(
        tmp_path_factory.mktemp("languages"),
        # a Redis database of its own, as every LiveServer has: the session's live server (another file in this
        # xdist process) runs a Celery worker too, which took this server's forecast task on a shared database
        redis_server["url"],
        with_worker=True,
        SMTP_PORT=str(free_port()),
    ).start()
    yield server
    server.stop()


@pytest.fixture(params=list(LANGUAGES))
def phone(request, browser, own_server):
    """A phone (375 px, touch) whose browser prefers Tamil or Hindi; console errors fail the test."""
    context = browser.new_context(base_url=own_server.url, locale=f"{request.param}-IN", **VIEWPORTS["phone"])
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors = []
    page.on("console", lambda m: m.type == "error" and "status of 4" not in m.text and errors.append(m.text))
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page, errors, request.param
    context.close()


def sign_in(page, base, username, password):
    """Starts a session as the login page would leave it, without typing into a form in a language."""
    answer = requests.post(f"{base}/api/auth/login", json={"username": username, "password": password}).json()
    session = {"token": answer["access_token"], "expiresAt": None, "user": answer["user"]}
    page.goto("/no-such-page")
    page.evaluate("(session) => localStorage.setItem('ticketshow.session', JSON.stringify(session))", session)


def finish_job(stage, path):
    """Starts a job through the API and waits for the worker to finish it; returns the job."""
    accepted = requests.post(f"{stage.base}{path}", headers=stage.admin)
    assert accepted.status_code == 202, accepted.text
    deadline = time.time() + 60
    while time.time() < deadline:
        job = requests.get(f"{stage.base}/api/jobs/{accepted.json()['job_id']}", headers=stage.admin).json()
        if job["state"] in ("done", "failed"):
            assert job["state"] == "done", job
            return job
        time.sleep(0.2)
    raise AssertionError(f"the job of {path} did not finish")


def check_page(page, where, language, roots, data_names):
    """No English, no overflow, axe clean; returns the problems found."""
    page.wait_for_load_state("networkidle")
    expect(page.locator("html")).to_have_attribute("lang", language)
    problems = []
    for root in roots:
        for element in root.all():
            left = english_left(element.evaluate(VISIBLE_AND_SPOKEN), data_names)
            if left:
                problems.append(f"{where}: English left in {root}: {left}")
    problems += [f"{where}: {item}" for item in page.evaluate(OVERFLOWING)]
    problems += axe_violations(page, where)
    return problems


def test_dashboard_layout_editor_and_seat_picker_speak_the_language(phone, own_server):
    page, errors, language = phone
    words = LANGUAGES[language]
    shots = ARTIFACTS / f"staff-pages-{language}"
    shots.mkdir(parents=True, exist_ok=True)
    base, tag = own_server.url, os.urandom(3).hex()
    stage = Backstage(base)
    admin_me = requests.get(f"{base}/api/auth/me", headers=stage.admin).json()
    assert (admin_me.get("preferences") or {}).get("locale") is None  # the browser's language decides

    theatre_name, place, show_name = f"{words['theatre']} {tag}", words["place"], f"{words['show']} {tag}"
    theatre = stage.post("/api/theatres", {"name": theatre_name, "place": place, "capacity": 300})
    box = stage.post("/api/theatres", {"name": f"{theatre_name} 2", "place": place, "capacity": 2})
    saved = requests.put(f"{base}/api/theatres/{theatre['id']}/layout", json=multiplex_layout(), headers=stage.admin)
    assert saved.status_code == 200, saved.text
    show = stage.post(
        "/api/shows",
        {
            "name": show_name,
            "rating": 4.5,
            "tags": ["drama"],
            "ticket_price": 200,
            "screenings": [
                {"theatre_id": theatre["id"], "starts_at": at(2)},
                {"theatre_id": box["id"], "starts_at": at(3)},
            ],
        },
    )
    by_theatre = {s["theatre"]["id"]: s["id"] for s in stage.screenings(show["id"])}
    screening_id = by_theatre[theatre["id"]]
    fan = f"rasigar-{tag}"
    stage.post("/api/bookings", {"screening_id": screening_id, "quantity": 2}, new_user(stage, fan))
    # a houseful screening with someone on its waiting list, so that the dashboard's waiting-list table shows
    stage.post("/api/bookings", {"screening_id": by_theatre[box["id"]], "quantity": 2}, new_user(stage, f"{fan}-2"))
    stage.post(f"/api/screenings/{by_theatre[box['id']]}/waitlist", {"quantity": 1}, new_user(stage, f"{fan}-3"))
    # other runs' theatres and shows are on this server's dashboard too: their names are data as well
    data_names = {"Classic", "Prime", "Recliner", "admin", "drama", admin_me["email"], f"{fan}-3", f"{fan}-2", fan}
    for other in LANGUAGES.values():
        data_names |= {other["place"]} | {
            item["name"]
            for kind in ("theatres", "shows")
            for item in requests.get(f"{base}/api/{kind}", params={"per_page": 100}).json()["items"]
        }
    # the forecast and an export, so that the reasons and the past exports' summary are on the dashboard
    finish_job(stage, "/api/admin/jobs/forecast")
    export = finish_job(stage, f"/api/theatres/{theatre['id']}/export")
    assert export["summary_code"] == "export_rows"
    main = [page.locator("main")]
    found = []

    # the admin dashboard: figures, charts (their accessible names and tables), theatres, exports, operations
    sign_in(page, base, "admin", ADMIN_PASSWORD)
    page.goto("/admin/dashboard")
    expect(page.get_by_role("heading", name=words["dashboard"], exact=True)).to_be_visible()
    description = page.locator('meta[name="description"]')  # follows the language, as the manifest does
    expect(description).to_have_attribute("content", re.compile(words["description"]))
    expect(page.get_by_role("button", name=words["export"].format(theatre=theatre_name))).to_be_visible()
    expect(page.get_by_role("heading", name=words["operations"])).to_be_visible()
    expect(page.locator(".ts-waitlists__table tbody tr").first).to_be_visible()
    # the forecast's reasons (too little history here: the naive forecast says so), the export's summary
    expect(page.locator(".ts-reason").filter(has_text=words["too_little_history"]).first).to_be_visible()
    expect(page.get_by_text(re.compile(f"^{re.escape(theatre_name)}: \\d+ {words['rows']}"))).to_be_visible()
    # jobs started here: the forecast's and the reminders' summaries and toasts
    page.get_by_role("button", name=words["run_forecast"]).click()
    page.get_by_role("button", name=words["send_reminders"]).click()
    expect(page.locator("[data-testid=forecast-card] [aria-live=polite] span").last).not_to_be_empty(timeout=30_000)
    expect(page.get_by_text(words["reminders_sent"]).first).to_be_visible(timeout=30_000)
    expect(page.get_by_role("button", name=words["run_forecast"])).to_be_enabled(timeout=30_000)
    for toast in page.locator(".toast, [role=status], [role=alert]").all():  # toasts live outside <main>
        left = english_left(toast.inner_text(), data_names)
        if left:
            found.append(f"{language} toast: English left: {left}")
    found += check_page(page, f"{language} dashboard", language, main, data_names)
    page.screenshot(path=str(shots / "dashboard.png"), full_page=True)

    # the other staff lists (the audit log lists field names as the API names them, so it is left out)
    for path in ("theatres", "shows", "screenings", "bookings", "staff"):
        page.goto(f"/admin/{path}")
        expect(page.locator("main .ts-admin-list, main .ts-empty").first).to_be_visible()
        found += check_page(page, f"{language} {path}", language, main, data_names)

    # the seat layout editor, with the multiplex layout loaded
    page.goto(f"/admin/theatres/{theatre['id']}/layout")
    expect(page.get_by_role("heading", name=words["layout"].format(theatre=theatre_name))).to_be_visible()
    expect(page).to_have_title(f"{words['layout'].format(theatre=theatre_name)} · Ticket Show")
    expect(page.get_by_text(words["count"])).to_be_visible()
    expect(page.get_by_role("img", name=words["preview"])).to_be_visible()
    found += check_page(page, f"{language} layout editor", language, main, data_names)
    page.screenshot(path=str(shots / "layout-editor.png"), full_page=True)

    # the seat picker of a customer: the whole booking page, the map, its legend and the hold's countdown
    page.evaluate("localStorage.clear()")
    picker = f"parvai-{tag}"
    new_user(stage, picker)
    sign_in(page, base, picker, PASSWORD)
    page.goto(f"/book/{screening_id}")
    seat = page.locator("[data-seat='F12']")
    expect(seat).to_have_attribute("aria-label", words["F12"], timeout=15_000)  # a 300-seat map on a busy machine
    expect(page.locator("[data-seat='O1']")).to_have_attribute("aria-label", words["O1"])
    expect(page.get_by_text(words["screen"])).to_be_visible()
    seat.click()
    expect(page.get_by_test_id("hold-countdown")).to_be_visible()
    expect(seat).to_have_attribute("aria-label", re.compile(f"{words['selected']}$"))
    found += check_page(page, f"{language} seat picker", language, main, data_names)
    page.screenshot(path=str(shots / "seat-picker.png"), full_page=True)

    assert found == [], "\n".join(found)
    assert errors == []

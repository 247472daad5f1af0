"""Phones first (issue 16, item 3), checked at 375 px and 1366 px: compact screening rows, results on the first
screen, the show page's sticky Book bar, the admin's tab row with the open tab in view, the dashboard's theatres
paged and sortable, money that never breaks mid-number, the report without sideways scroll, and layout shift
(CLS) under 0.05 on the home and show pages — with axe checks on the way."""

import os
import re

from playwright.sync_api import expect

from tests.conftest import ADMIN_PASSWORD
from tests.e2e.test_accessibility import axe_violations
from tests.e2e.test_booking_journey import PASSWORD, Backstage, at
from tests.e2e.test_foundation_journey import admin_tab, log_in

# Collects layout shifts from the first paint on, as the CLS metric does (shifts right after input excluded).
CLS_OBSERVER = """
window.__cls = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.__cls += entry.value;
}).observe({ type: 'layout-shift', buffered: true });
"""

ACTIVE_TAB_IN_VIEW = """() => {
  const tab = document.querySelector('.ts-admin-tabs .nav-link.active');
  if (!tab) return false;
  const box = tab.getBoundingClientRect();
  return box.left >= 0 && box.right <= window.innerWidth;
}"""


def catalogue(stage, tag, screenings=3, description=""):
    """A theatre and a show with `screenings` upcoming screenings there."""
    hall = stage.post("/api/theatres", {"name": f"Hall {tag}", "place": "Coimbatore", "capacity": 40})
    show = stage.post(
        "/api/shows",
        {
            "name": f"Pocket Drama {tag}",
            "rating": 4,
            "tags": ["drama"],
            "ticket_price": 180,
            "description": description,
            "screenings": [{"theatre_id": hall["id"], "starts_at": at(days=1 + n)} for n in range(screenings)],
        },
    )
    return hall, show


def viewport(page):
    return page.viewport_size


def no_sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_screening_rows_are_compact_and_results_start_on_the_first_screen(ui, live_server):
    page, tag = ui.page, f"{os.urandom(3).hex()}{ui.viewport[0]}"
    stage = Backstage(live_server.url)
    _, show = catalogue(stage, tag)
    height = viewport(page)["height"]

    # What's on, one show's screenings: each row is at most two short lines on a phone, and the name has most
    # of the row (it had 106 of 351 px and rows were 240 px tall)
    page.goto(f"/whats-on?show_id={show['id']}")
    rows = page.locator(".ts-screening")
    expect(rows).to_have_count(3)
    row = rows.first.bounding_box()
    name = rows.first.locator(".min-w-0").bounding_box()
    assert row["height"] <= (150 if ui.viewport == "phone" else 110), row
    assert name["width"] >= 0.55 * row["width"], (name, row)
    # the first screening starts on the first screen, with room to read it
    assert row["y"] + 100 <= height, row
    assert no_sideways_scroll(page)

    # a search's first result on the home page, too
    page.goto(f"/?q={show['name'].replace(' ', '+')}")
    card = page.locator(".ts-card").first
    expect(card).to_contain_text(show["name"])
    assert card.bounding_box()["y"] + 100 <= height, card.bounding_box()
    assert axe_violations(page, "home search") == []


def test_show_page_has_a_sticky_book_bar_on_phones(ui, live_server):
    page, tag = ui.page, f"{os.urandom(3).hex()}{ui.viewport[0]}"
    stage = Backstage(live_server.url)
    # a long description puts the screenings below the first screen of a phone
    _, show = catalogue(stage, tag, screenings=1, description="A long evening of plot twists. " * 40)
    page.goto(f"/shows/{show['id']}")
    expect(page.get_by_role("heading", name=show["name"], level=1)).to_be_visible()
    bar = page.get_by_role("link", name="Book tickets")
    if ui.viewport == "desktop":
        expect(bar).to_be_hidden()  # the screenings are beside the poster's row already
        return
    # stuck to the bottom of the screen while the screenings are further down
    expect(bar).to_be_visible()
    box = bar.bounding_box()
    assert box["y"] + box["height"] <= viewport(page)["height"] + 1, box
    assert box["y"] >= viewport(page)["height"] - 100, box
    assert axe_violations(page, "show page with the Book bar") == []
    bar.click()
    heading = page.get_by_role("heading", name="Upcoming screenings")
    expect(heading).to_be_in_viewport()
    expect(page.locator(".ts-screening").first.get_by_role("link", name="Book")).to_be_in_viewport()


def test_admin_tabs_keep_the_open_tab_in_view(ui, live_server):
    page = ui.page
    log_in(page, "admin", ADMIN_PASSWORD)
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto("/admin/dashboard")
    tabs = page.get_by_role("navigation", name="Admin sections")
    expect(tabs).to_be_visible()
    width = viewport(page)["width"]

    def fully_in_view(name):
        box = tabs.get_by_role("link", name=name, exact=True).bounding_box()
        return box["x"] >= 0 and box["x"] + box["width"] <= width

    # "Screenings" can be reached (the row scrolls sideways on a phone) and, once open, sits in view
    admin_tab(page, "Screenings")
    page.wait_for_url(re.compile(r"/admin/screenings"))
    expect(tabs.get_by_role("link", name="Screenings", exact=True)).to_have_class(re.compile(r"\bactive\b"))
    page.wait_for_function(ACTIVE_TAB_IN_VIEW)
    assert fully_in_view("Screenings")
    # opened by its address, the last tab is scrolled into view too
    page.goto("/admin/audit")
    expect(tabs.get_by_role("link", name="Audit", exact=True)).to_have_class(re.compile(r"\bactive\b"))
    page.wait_for_function(ACTIVE_TAB_IN_VIEW)
    assert fully_in_view("Audit")
    assert no_sideways_scroll(page)


def test_dashboard_theatres_are_paged_and_sortable_and_money_stays_whole(ui, live_server):
    page, tag = ui.page, f"{os.urandom(3).hex()}{ui.viewport[0]}"
    stage = Backstage(live_server.url)
    for n in range(11):  # more than a page, whatever other tests made
        stage.post("/api/theatres", {"name": f"Paged hall {tag}-{n:02d}", "place": "Salem", "capacity": 20})
    _, show = catalogue(stage, tag, screenings=1)
    screening_id = stage.screening_ids(show["id"])[0]
    stage.post("/api/bookings", {"screening_id": screening_id, "quantity": 3})  # some revenue to show

    log_in(page, "admin", ADMIN_PASSWORD)
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto("/admin/dashboard")
    section = page.get_by_role("region", name="Theatres")
    table = section.get_by_role("table")
    expect(table).to_be_visible()
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(10)
    pages = section.get_by_role("navigation", name="Theatre pages")
    expect(pages).to_be_visible()
    expect(section).to_contain_text(re.compile(r"Theatres 1–10 of \d+"))
    first_page = rows.first.get_attribute("data-theatre")
    pages.get_by_role("button", name="Next page").click()
    expect(section).to_contain_text(re.compile(r"Theatres 11–\d+ of \d+"))
    assert rows.first.get_attribute("data-theatre") != first_page

    # sorted by bookings, largest first: the figures never go up down the page (and the sort starts at page 1)
    if ui.viewport == "desktop":
        table.get_by_role("button", name=re.compile("^Bookings")).click()
        expect(table.get_by_role("columnheader", name=re.compile("^Bookings"))).to_have_attribute(
            "aria-sort", "descending"
        )
    else:
        section.get_by_label("Sort by").select_option("bookings")
    expect(section).to_contain_text(re.compile(r"Theatres 1–10 of \d+"))
    figures = [
        int(text.replace(",", "").strip()) for text in table.locator("td[data-label='Bookings']").all_inner_texts()
    ]
    assert figures == sorted(figures, reverse=True) and len(figures) == 10, figures
    # one theatre found by part of its name, whatever page it sorted onto
    find = section.get_by_label("Find a theatre")
    find.fill(f"paged {tag}-07")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(f"Paged hall {tag}-07")
    expect(pages).to_be_hidden()
    section.get_by_label("Find a theatre").fill("")

    # revenue on one line, everywhere on the dashboard (it broke as "₹1,23,\n456.00")
    one_line = page.evaluate(
        """() => [...document.querySelectorAll('.ts-stat dd, td[data-label="Revenue"]')].map((el) => {
             const range = document.createRange();
             range.selectNodeContents(el);
             const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
             return { text: el.textContent.trim(), lines: tops.size, fits: el.scrollWidth <= el.clientWidth + 1 };
           })"""
    )
    assert one_line and all(cell["lines"] == 1 and cell["fits"] for cell in one_line), one_line
    assert no_sideways_scroll(page)
    assert axe_violations(page, "dashboard, sorted and paged") == []


def test_report_page_does_not_scroll_sideways(ui, live_server):
    page, tag = ui.page, f"{os.urandom(3).hex()}{ui.viewport[0]}"
    stage = Backstage(live_server.url)
    _, show = catalogue(stage, tag, screenings=1)
    username = f"reader-{tag}"
    stage.post("/api/auth/signup", {"username": username, "email": f"{username}@example.com", "password": PASSWORD})
    headers = stage.headers(username, PASSWORD)
    stage.post("/api/bookings", {"screening_id": stage.screening_ids(show["id"])[0], "quantity": 2}, headers)

    log_in(page, username, PASSWORD)
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto("/reports")
    month = page.get_by_label("Month")
    month.fill(month.get_attribute("max"))  # this month: the booking above is in it
    page.get_by_role("button", name="View report").click()
    frame = page.frame_locator("iframe.ts-report__frame")
    expect(frame.get_by_text(show["name"]).first).to_be_visible()
    sizes = page.locator("iframe.ts-report__frame").evaluate(
        """(el) => ({ scroll: el.contentDocument.documentElement.scrollWidth,
                     client: el.contentDocument.documentElement.clientWidth })"""
    )
    assert sizes["scroll"] <= sizes["client"], sizes
    assert no_sideways_scroll(page)


def test_home_and_show_pages_shift_less_than_cls_005(ui, live_server):
    page, tag = ui.page, f"{os.urandom(3).hex()}{ui.viewport[0]}"
    stage = Backstage(live_server.url)
    _, show = catalogue(stage, tag)
    page.add_init_script(CLS_OBSERVER)
    for path, ready in (("/", ".ts-card"), (f"/shows/{show['id']}", ".ts-screening")):
        page.goto(path)
        expect(page.locator(ready).first).to_be_visible()
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(500)  # a late shift (an image, a font) still counts
        cls = page.evaluate("window.__cls")
        assert cls < 0.05, f"{path}: CLS {cls:.3f}"

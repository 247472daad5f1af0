"""The admin creates a theatre and a show with a screening; a new user signs up and sees it first."""

import os
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import requests
from playwright.sync_api import expect

from tests.conftest import ADMIN_PASSWORD

USER_PASSWORD = "violet-tamarind-42"


def open_menu_if_collapsed(page):
    # The app first: right after a page load the navbar may not be rendered yet, and a toggler that is not
    # there yet would read as a wide screen's (a phone test then looked for "Log out" in a closed menu).
    expect(page.locator(".navbar-brand")).to_be_visible()
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()


def open_filters(page, form_id):
    """On a phone the filters fold behind a "Filters" button (its name carries how many are set); it is
    looked for once the form is there, so a page still rendering is not taken for a wide screen."""
    expect(page.locator(f"#{form_id}")).to_be_attached()
    toggle = page.locator(f"button[aria-controls='{form_id}']")
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false":
        toggle.click()


def admin_tab(page, name):
    page.get_by_role("navigation", name="Admin sections").get_by_role("link", name=name, exact=True).click()


def log_in(page, username, password, base=""):
    """Logs in through the form; `base`: another live server's address than the context's."""
    page.goto(f"{base}/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()


def test_admin_creates_catalogue_and_new_user_sees_it_first(ui, live_server):
    page, suffix = ui.page, os.urandom(3).hex()
    theatre_name, show_name = f"கமலா திரையரங்கம் {suffix}", f"Sholay {suffix}"
    # an older show, so that "first" means something
    token = requests.post(
        f"{live_server['url']}/api/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD}
    ).json()["access_token"]
    requests.post(
        f"{live_server['url']}/api/shows",
        headers={"Authorization": f"Bearer {token}"},
        json={"name": f"Older {suffix}", "rating": 3, "tags": ["drama"], "ticket_price": 100},
    )

    log_in(page, "admin", ADMIN_PASSWORD)
    open_menu_if_collapsed(page)
    page.get_by_role("link", name="Admin").click()
    expect(page).to_have_url(re.compile(r"/admin"))

    admin_tab(page, "Theatres")
    page.get_by_role("button", name="Create theatre").first.click()
    page.get_by_label("Name").fill(theatre_name)
    page.get_by_label("Place").fill("சென்னை")
    page.get_by_label("Capacity").fill("120")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text(theatre_name).first).to_be_visible()
    ui.shot("admin-theatre-created")

    admin_tab(page, "Shows")
    page.get_by_role("button", name="Create show").first.click()
    page.get_by_label("Name").fill(show_name)
    page.get_by_label("Rating").fill("4.5")
    page.get_by_label("Tags").fill("action, drama")
    page.get_by_label("Ticket price").fill("250")
    page.get_by_role("button", name="Add screening").click()
    page.get_by_label("Theatre").select_option(label=theatre_name)
    starts = (datetime.now(ZoneInfo("Asia/Kolkata")) + timedelta(days=2)).replace(hour=18, minute=30)
    page.get_by_label("Starts at").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text(show_name).first).to_be_visible()
    ui.shot("admin-show-created")

    open_menu_if_collapsed(page)
    page.get_by_role("button", name="Log out").click()

    page.goto("/signup")
    username = f"newbie-{suffix}-{ui.viewport}"
    page.get_by_label("Username").fill(username)
    page.get_by_label("Email").fill(f"{suffix}@example.com")
    page.get_by_label("Password", exact=True).fill(USER_PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page).not_to_have_url(re.compile(r"/signup"))  # signed up and logged in
    page.goto("/")
    open_menu_if_collapsed(page)
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    if page.locator(".navbar-toggler").is_visible():
        page.locator(".navbar-toggler").click()
    first_card = page.get_by_role("article").first
    expect(first_card).to_contain_text(show_name)
    ui.shot("home-newest-first")

    first_card.get_by_role("link").first.click()
    expect(page.get_by_text(theatre_name).first).to_be_visible()
    expect(page.get_by_text("₹250.00").first).to_be_visible()
    ui.shot("show-page")
    assert ui.console_errors == []

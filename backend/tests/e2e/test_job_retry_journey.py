"""The admin runs today's reminders while the mail server is down (the live server's mail catcher killed
with SIGKILL): the job does not spin for ever, it says it will retry later and why, at both viewports."""

import os

import requests
from playwright.sync_api import expect

from tests.conftest import ADMIN_PASSWORD, USER_PASSWORD
from tests.e2e.test_foundation_journey import log_in, open_menu_if_collapsed


def test_reminders_with_the_mail_server_down_say_they_retry_later(ui, live_server):
    page = ui.page
    # Someone to remind: a new user who has not visited today (signing up is not a visit).
    signup = requests.post(
        f"{live_server.url}/api/auth/signup",
        json={
            "username": f"idle-{os.urandom(3).hex()}",
            "email": f"idle-{os.urandom(3).hex()}@example.com",
            "password": USER_PASSWORD,
        },
    )
    assert signup.status_code == 201, signup.text
    live_server.supervisor.kill("mail")
    try:
        log_in(page, "admin", ADMIN_PASSWORD)
        open_menu_if_collapsed(page)
        page.get_by_role("link", name="Admin").click()
        page.get_by_role("button", name="Send today's reminders").click()
        expect(page.get_by_text("Retrying later")).to_be_visible(timeout=30_000)
        notice = page.get_by_role("status").filter(has_text="not yet sent")
        expect(notice).to_be_visible()
        expect(notice).to_contain_text("next attempt at")
        ui.shot("reminders-retrying-later")
        # The admin may run it again at once; the button is not held by a job that waits.
        expect(page.get_by_role("button", name="Send today's reminders")).to_be_enabled()
    finally:
        live_server.supervisor.start_again("mail")
    assert ui.console_errors == []

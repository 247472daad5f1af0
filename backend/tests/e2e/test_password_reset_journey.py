"""Forgot password, from the login page to the emailed link (read from the real mail catcher's files) to a
new password; then, on the Account page, a password change and "log out everywhere". Any console error,
a Content-Security-Policy violation included, fails the test."""

import email
import email.policy
import os
import re
import time

import requests
from playwright.sync_api import expect

FIRST, SECOND, THIRD = "violet-tamarind-42", "monsoon-verandah-77", "saffron-lantern-31"


def reset_link(live_server, address: str) -> str:
    deadline = time.time() + 20
    while time.time() < deadline:
        for path in sorted((live_server.data_dir / "mail").glob("*.eml")):
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            if address in str(message["To"]) and "Reset" in str(message["Subject"]):
                body = message.get_body(("plain",)).get_content()
                return re.search(r"https?://\S+/reset-password\?token=[\w-]+", body).group(0)
        time.sleep(0.2)
    raise AssertionError(f"no reset mail for {address}")


def test_forgot_password_then_change_it_and_log_out_everywhere(ui, live_server):
    page, tag = ui.page, os.urandom(3).hex()
    username, address = f"forgetful-{tag}-{ui.viewport}", f"forgetful-{tag}-{ui.viewport}@example.com"
    assert (
        requests.post(
            f"{live_server.url}/api/auth/signup", json={"username": username, "email": address, "password": FIRST}
        ).status_code
        == 201
    )
    other_device = requests.post(
        f"{live_server.url}/api/auth/login", json={"username": username, "password": FIRST}
    ).json()["access_token"]

    page.goto("/login")
    page.get_by_role("link", name="Forgot password?").click()
    page.get_by_label("Email").fill(address)
    page.get_by_role("button", name="Send reset link").click()
    expect(page.get_by_role("status")).to_contain_text("within 30 minutes")

    link = reset_link(live_server, address)
    page.goto(link)
    page.get_by_label("New password").fill("password")  # too common: the form says so, the link still works
    page.get_by_role("button", name="Set new password").click()
    expect(page.get_by_text("Please correct the highlighted fields.")).to_be_visible()
    page.get_by_label("New password").fill(SECOND)
    page.get_by_role("button", name="Set new password").click()
    expect(page).to_have_url(re.compile(r"/login"))
    assert (
        requests.get(f"{live_server.url}/api/auth/me", headers={"Authorization": f"Bearer {other_device}"}).status_code
        == 401
    )
    page.goto(link)  # the link works once
    page.get_by_label("New password").fill(THIRD)
    page.get_by_role("button", name="Set new password").click()
    expect(page.get_by_role("alert")).to_contain_text("used, has expired")

    page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(SECOND)
    page.get_by_role("button", name="Log in").click()
    expect(page).not_to_have_url(re.compile(r"/login"))

    other_device = requests.post(
        f"{live_server.url}/api/auth/login", json={"username": username, "password": SECOND}
    ).json()["access_token"]
    page.goto("/account")
    page.get_by_label("Current password").fill("not-my-password")
    page.get_by_label("New password").fill(THIRD)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("alert")).to_contain_text("current password is wrong")
    expect(page).to_have_url(re.compile(r"/account"))  # a wrong current password does not log out
    page.get_by_label("Current password").fill(SECOND)
    page.get_by_label("New password").fill(THIRD)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("Password changed.")).to_be_visible(timeout=20_000)  # two argon2 hashes, maybe under load
    assert (
        requests.get(f"{live_server.url}/api/auth/me", headers={"Authorization": f"Bearer {other_device}"}).status_code
        == 401
    )
    page.reload()
    expect(page.get_by_role("heading", name="Password and sessions")).to_be_visible()  # still logged in here
    ui.shot("account-password")

    page.get_by_role("button", name="Log out everywhere").click()
    expect(page).to_have_url(re.compile(r"/login"))
    page.goto("/account")
    expect(page).to_have_url(re.compile(r"/login"))
    assert not ui.console_errors, ui.console_errors

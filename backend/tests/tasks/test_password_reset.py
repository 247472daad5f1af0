"""Password reset by email through a real worker and a real SMTP catcher: 202 whether or not the address is
known, a single-use link valid for 30 minutes, every older token of the account ends."""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta, timezone

import time_machine

from ..conftest import USER_PASSWORD

NEW_PASSWORD = "monsoon-verandah-77"


def reset_link(smtp, address: str, count: int = 1) -> str:
    deadline = time.time() + 20
    while len(smtp.to(address)) < count and time.time() < deadline:
        time.sleep(0.05)
    messages = smtp.to(address)
    assert len(messages) == count, [m["Subject"] for m in smtp.messages]
    body = messages[-1].get_body(("plain",)).get_content()
    return re.search(r"http://ticketshow\.test/reset-password\?token=([\w-]+)", body).group(1)


def ask(client, email):
    return client.post("/api/auth/password-reset", json={"email": email})


def confirm(client, token, password=NEW_PASSWORD):
    return client.post("/api/auth/password-reset/confirm", json={"token": token, "new_password": password})


def test_reset_by_email_is_single_use_and_ends_every_session(api, client, smtp, worker):
    user = api.new_user("forgetful")
    old_tokens = [api.login("forgetful", USER_PASSWORD) for _ in range(2)]
    known, unknown = ask(client, user["email"].upper()), ask(client, "nobody@example.org")
    assert known.status_code == unknown.status_code == 202 and known.get_json() == unknown.get_json()
    token = reset_link(smtp, user["email"])
    assert smtp.to("nobody@example.org") == []
    assert smtp.to(user["email"])[0]["Subject"] == "Reset your Ticket Show password"

    weak = confirm(client, token, "password")
    assert weak.status_code == 422 and "new_password" in weak.get_json()["error"]["details"]
    assert confirm(client, token).status_code == 204  # a refused attempt did not spend the link
    used = confirm(client, token, NEW_PASSWORD + "x")
    assert used.status_code == 400 and used.get_json()["error"]["code"] == "invalid_token"
    for old in old_tokens:
        assert client.get("/api/auth/me", headers={"Authorization": f"Bearer {old}"}).status_code == 401
    assert client.post("/api/auth/login", json={"username": "forgetful", "password": USER_PASSWORD}).status_code == 401
    assert api.login("forgetful", NEW_PASSWORD)


def test_links_expire_after_30_minutes_and_unknown_ones_are_refused(api, client, smtp, worker):
    user = api.new_user("slowpoke")
    assert ask(client, user["email"]).status_code == 202
    token = reset_link(smtp, user["email"])
    with time_machine.travel(datetime.now(timezone.utc) + timedelta(minutes=30, seconds=1)):
        late = confirm(client, token)
    assert late.status_code == 400 and late.get_json()["error"]["code"] == "invalid_token"
    for bogus in ("x", token[:-1], token + "A", "\u0430" * 40):
        assert confirm(client, bogus).status_code == 400
    assert ask(client, user["email"]).status_code == 202
    fresh = reset_link(smtp, user["email"], count=2)
    assert confirm(client, fresh).status_code == 204
    assert confirm(client, token).status_code == 400  # an older link is spent by the reset too


def test_bad_addresses_are_422_and_mail_bombing_is_capped(api, client, smtp, worker):
    assert ask(client, "not an address").status_code == 422
    user = api.new_user("popular")
    for _ in range(5):
        assert ask(client, user["email"]).status_code == 202
    reset_link(smtp, user["email"], count=3)  # three live links at most: the fourth and fifth send nothing
    time.sleep(1)
    assert len(smtp.to(user["email"])) == 3

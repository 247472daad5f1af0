#!/usr/bin/env python3
"""Screenshots of the app with the demo catalogue, for the README (docs/screenshots/).

    .venv/bin/python scripts/take_screenshots.py [name ...]   # e.g. seat-picker layout-editor; default: all

Starts the app as `make run` does in a temporary data dir (with the demo data), logs in as a demo user
and as the admin in Debian's Chromium, and writes phone (375 px) and desktop (1366 px) pictures.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
from PIL import Image
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ADMIN_PASSWORD = "Screenshot-Admin-" + os.urandom(4).hex()
sys.path.insert(0, str(ROOT / "backend"))

from tests.conftest import free_port  # noqa: E402


def side_by_side(phone: Path, desktop: Path, target: Path) -> None:
    """One picture: the desktop page with the phone beside it, scaled to the same height."""
    with Image.open(desktop) as big, Image.open(phone) as small:
        height = 900
        big = big.resize((round(big.width * height / big.height), height))
        small = small.resize((round(small.width * height / small.height), height))
        canvas = Image.new("RGB", (big.width + small.width + 60, height + 40), (243, 236, 230))
        canvas.paste(big, (20, 20))
        canvas.paste(small, (big.width + 40, 20))
        canvas.save(target, optimize=True)


NAMES = ("home", "show", "whats-on", "my-bookings", "dashboard", "seat-picker", "layout-editor", "block-seats")


def two_free_seats(base, screening_id, headers):
    """Two free seats side by side in the middle row of a screening's map, for the seat picker picture."""
    seat_map = requests.get(f"{base}/api/screenings/{screening_id}/seats", headers=headers).json()
    rows = seat_map["rows"]
    for row in rows[len(rows) // 2 :] + rows[: len(rows) // 2]:
        seats = row["seats"]
        middle = len(seats) // 2
        for i in sorted(range(len(seats) - 1), key=lambda i: abs(i - middle)):
            pair = seats[i : i + 2]
            if all(s and s["state"] == "available" for s in pair):
                return [s["label"] for s in pair]
    return []


def showcase_screening(base, headers=None):
    """The upcoming screening whose map shows the most: several categories, mostly free."""
    screenings = requests.get(f"{base}/api/screenings", params={"per_page": 100}).json()["items"]

    def appeal(screening):
        seat_map = requests.get(f"{base}/api/screenings/{screening['id']}/seats", headers=headers).json()
        return len(seat_map["categories"]), seat_map["seats_left"]

    return max((s for s in screenings if not s["houseful"]), key=appeal)


def seat_picker(page, base, token, shots, viewport):
    """The booking page of the biggest upcoming screening with two seats held."""
    headers = {"Authorization": f"Bearer {token}"}
    screening = showcase_screening(base, headers)
    page.goto(f"/book/{screening['id']}")
    page.get_by_role("checkbox").first.wait_for()
    for label in two_free_seats(base, screening["id"], headers):
        page.locator(f"[data-seat='{label}']").click()
        page.get_by_test_id("held-seats").get_by_text(label).wait_for()
    page.wait_for_load_state("networkidle")
    page.evaluate("document.getElementById('seats-heading').scrollIntoView({behavior: 'instant'})")
    page.screenshot(path=str(shots / f"seat-picker-{viewport}.png"))
    # leave the seats for the next picture
    page.get_by_role("button", name="Clear selection").click()
    page.get_by_role("button", name="Best available").wait_for()


def layout_editor(page, base, shots, viewport):
    theatres = requests.get(f"{base}/api/theatres", params={"per_page": 100}).json()["items"]
    theatre = max(
        theatres,
        key=lambda t: (  # the richest layout: most categories, then sections
            len((layout := requests.get(f"{base}/api/theatres/{t['id']}/layout").json())["categories"]),
            len({row.get("section") for row in layout["rows"]}),
        ),
    )
    page.goto(f"/admin/theatres/{theatre['id']}/layout")
    page.get_by_test_id("layout-grid").wait_for()
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(shots / f"layout-editor-{viewport}.png"))


def block_seats(page, base, shots, viewport):
    """Admin → Screenings → Block seats for the seat picker's screening, two seats chosen (not saved)."""
    screening = showcase_screening(base)
    page.goto(f"/admin/screenings/{screening['id']}/seats")
    page.get_by_role("checkbox").first.wait_for()
    for label in two_free_seats(base, screening["id"], None):
        page.locator(f"[data-seat='{label}']").click()
    page.get_by_text("2 seats blocked").wait_for()
    page.wait_for_load_state("networkidle")
    page.evaluate("document.querySelector('.breadcrumb').scrollIntoView({behavior: 'instant'})")
    page.screenshot(path=str(shots / f"block-seats-{viewport}.png"))


def main() -> int:
    wanted = sys.argv[1:] or list(NAMES)
    unknown = set(wanted) - set(NAMES)
    if unknown:
        print(f"unknown pictures {sorted(unknown)}; choose from {NAMES}")
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    data = Path(tempfile.mkdtemp(prefix="screens-"))
    port, redis_port = free_port(), free_port()
    env = dict(
        os.environ,
        TICKETSHOW_DATA_DIR=str(data),
        PORT=str(port),
        ADMIN_PASSWORD=ADMIN_PASSWORD,
        REDIS_URL=f"redis://127.0.0.1:{redis_port}/0",
        SMTP_PORT=str(free_port()),
        ACCESS_LOG="",
    )
    with open(data / "run.log", "wb") as log:  # the server keeps its own copy of the file descriptor
        server = subprocess.Popen(
            [sys.executable, str(ROOT / "scripts" / "run.py")], env=env, stdout=log, stderr=subprocess.STDOUT
        )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):  # a new database gets the demo catalogue first
            try:
                if requests.get(f"{base}/api/health", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if server.poll() is not None:
                print((data / "run.log").read_text()[-3000:])
                return 1
            time.sleep(0.5)
        shots = Path(tempfile.mkdtemp(prefix="shots-"))
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            for viewport, options in {
                "phone": {
                    "viewport": {"width": 375, "height": 812},
                    "is_mobile": True,
                    "has_touch": True,
                    "device_scale_factor": 2,
                },
                "desktop": {"viewport": {"width": 1366, "height": 900}},
            }.items():
                page = browser.new_context(base_url=base, **options).new_page()
                page.goto("/")
                page.wait_for_load_state("networkidle")
                page.screenshot(path=str(shots / f"home-{viewport}.png"))
                first_show = page.get_by_role("article").first.get_by_role("link").first
                first_show.click()
                page.wait_for_load_state("networkidle")
                page.screenshot(path=str(shots / f"show-{viewport}.png"))
                page.goto("/login")
                page.get_by_label("Username").fill("asha")
                page.get_by_label("Password").fill("demo-tickets-2026")
                page.get_by_role("button", name="Log in").click()
                page.wait_for_url(lambda url: "/login" not in url)
                token = page.evaluate("JSON.parse(localStorage.getItem('ticketshow.session')).token")
                seat_picker(page, base, token, shots, viewport)
                page.goto("/whats-on")
                page.wait_for_load_state("networkidle")
                page.screenshot(path=str(shots / f"whats-on-{viewport}.png"))
                page.goto("/my-bookings")
                page.wait_for_load_state("networkidle")
                page.screenshot(path=str(shots / f"my-bookings-{viewport}.png"))
                page.evaluate("localStorage.clear()")
                page.goto("/login")
                page.get_by_label("Username").fill("admin")
                page.get_by_label("Password").fill(ADMIN_PASSWORD)
                page.get_by_role("button", name="Log in").click()
                page.wait_for_url(lambda url: "/login" not in url)
                page.goto("/admin/dashboard?days=90")
                page.wait_for_load_state("networkidle")
                time.sleep(1)  # charts animate in
                page.screenshot(path=str(shots / f"dashboard-{viewport}.png"))
                layout_editor(page, base, shots, viewport)
                block_seats(page, base, shots, viewport)
            browser.close()
        for name in wanted:
            side_by_side(shots / f"{name}-phone.png", shots / f"{name}-desktop.png", OUT / f"{name}.png")
            print(f"wrote {OUT / f'{name}.png'}")
        return 0
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())

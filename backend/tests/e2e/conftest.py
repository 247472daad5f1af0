"""End-to-end fixtures: Debian's Chromium driven by Playwright, at a phone and a desktop viewport."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

# Assertions wait as long as actions do (each context's default timeout, 10 s). At Playwright's 5 s a CI
# run at load 15 once failed: a fresh page's lazy view chunk had not arrived yet, and the page was fine.
expect.set_options(timeout=10_000)

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
VIEWPORTS = {
    "phone": {
        "viewport": {"width": 375, "height": 812},
        "has_touch": True,
        "is_mobile": True,
        "device_scale_factor": 2,
    },
    "desktop": {"viewport": {"width": 1366, "height": 768}},
}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture(params=list(VIEWPORTS))
def ui(request, browser, live_server):
    """A fresh browser context at one viewport, failing the test on any console error."""
    context = browser.new_context(base_url=live_server["url"], **VIEWPORTS[request.param])
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []

    def on_console(message):
        # The browser itself logs every 4xx answer; those are expected API answers (409 houseful...)
        # that the page handles. Anything else logged as an error fails the test.
        if message.type == "error" and not re.match(r"Failed to load resource: .* status of 4\d\d", message.text):
            errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    shots = ARTIFACTS / request.node.name.replace("/", "_")
    shots.mkdir(parents=True, exist_ok=True)

    class UI:
        viewport = request.param

        def __init__(self):
            self.page = page
            self.console_errors = errors

        def shot(self, name: str) -> None:
            page.screenshot(path=str(shots / f"{name}.png"), full_page=True)

    yield UI()
    context.close()

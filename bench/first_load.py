#!/usr/bin/env python3
"""What a first visit to the home page costs on the wire: bytes transferred, by kind, as Chromium counts
them (the DevTools protocol's encodedDataLength: headers and compressed bodies, after Content-Encoding).

    .venv/bin/python bench/first_load.py [--width 375] [--data-dir /tmp/first-load]

Serves frontend/dist (build it first: make ui) and the API with the demo catalogue (loaded once into
--data-dir) from a local server, opens / in headless Chromium with an empty cache and no service worker,
waits for the network to go quiet, and prints the totals. docs/benchmarks.md records the figures.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import threading
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "backend")]

from playwright.sync_api import sync_playwright  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from ticketshow import create_app  # noqa: E402
from ticketshow.config import Settings  # noqa: E402


def serve(data_dir: Path, redis_url: str):
    settings = dataclasses.replace(
        Settings.from_env(data_dir=data_dir, redis_url=redis_url, demo_data=True, admin_password="bench-Passw0rd-1st"),
        ui_dist=ROOT / "frontend" / "dist",
    )
    app = create_app(settings)
    if not (data_dir / "ticketshow.sqlite3").exists():
        result = app.test_cli_runner().invoke(args=["prepare"])
        assert result.exit_code == 0, result.output
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def measure(url: str, width: int) -> dict[str, int]:
    totals: dict[str, int] = defaultdict(int)
    kinds: dict[str, str] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        context = browser.new_context(viewport={"width": width, "height": 800}, service_workers="block")
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        cdp.on("Network.responseReceived", lambda e: kinds.__setitem__(e["requestId"], e["type"]))
        cdp.on(
            "Network.loadingFinished",
            lambda e: totals.__setitem__(
                kinds.get(e["requestId"], "Other"), totals[kinds.get(e["requestId"], "Other")] + e["encodedDataLength"]
            ),
        )
        page.goto(url, wait_until="networkidle")
        page.wait_for_timeout(500)
        browser.close()
    return dict(totals)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--width", type=int, default=375)
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/ticketshow-first-load"))
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    args = parser.parse_args()
    args.data_dir.mkdir(parents=True, exist_ok=True)
    server = serve(args.data_dir, args.redis_url)
    try:
        totals = measure(f"http://127.0.0.1:{server.server_port}/", args.width)
    finally:
        server.shutdown()
    for kind, size in sorted(totals.items(), key=lambda kv: -kv[1]):
        print(f"{kind:>12}: {size / 1024:8.1f} KB")
    print(f"{'total':>12}: {sum(totals.values()) / 1024:8.1f} KB")


if __name__ == "__main__":
    main()

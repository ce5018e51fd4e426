"""Take the README's screenshots of the forecast page for ``ukraine-2025-03``.

Starts the workbench on a free loopback port with a temporary run store, runs every
model on the built-in scenario through the API, opens the forecast page in Debian's
headless Chromium, waits for the run's analyses, and saves the issue-by-issue view as
``docs/images/forecast-ukraine.png`` and the overview at 1366x768 (its table and first row of answers,
:data:`OVERVIEW_HEIGHT` pixels) as ``docs/images/overview.png``.
Usage: ``python scripts/screenshot_forecast.py [OUTPUT]``.
"""

from __future__ import annotations

import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import uvicorn
from playwright.sync_api import sync_playwright

from realpolitik.web import create_app

CHROMIUM = "/usr/bin/chromium"
OUTPUT = Path(__file__).resolve().parents[1] / "docs" / "images" / "forecast-ukraine.png"
OVERVIEW = OUTPUT.with_name("overview.png")
OVERVIEW_HEIGHT = 1290
#: How long the run's analyses may take on a loaded two-core machine, in milliseconds.
ANALYSES_MS = 600_000


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main(output: Path) -> None:
    with tempfile.TemporaryDirectory() as folder:
        port = free_port()
        server = uvicorn.Server(uvicorn.Config(create_app(str(Path(folder) / "runs.sqlite")), host="127.0.0.1",
                                               port=port, log_level="warning"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        run = httpx.post(f"{base}/api/runs", json={"scenario_name": "ukraine-2025-03", "model": "all"}, timeout=60)
        run.raise_for_status()
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM)
            page = browser.new_page(viewport={"width": 1440, "height": 900}, device_scale_factor=1)
            page.goto(f"{base}/runs/{run.json()['id']}")
            page.wait_for_selector("#overview[data-analyses=done]", timeout=ANALYSES_MS)
            page.wait_for_timeout(1000)
            top = page.locator(".section-title").bounding_box()["y"]  # the issue-by-issue view
            height = page.evaluate("document.documentElement.scrollHeight")
            page.screenshot(path=str(output), full_page=True, clip={"x": 0, "y": top - 12, "width": 1440,
                                                                    "height": height - top + 12})
            page.set_viewport_size({"width": 1366, "height": 768})
            page.wait_for_timeout(1000)
            box = page.locator("#overview").bounding_box()
            page.screenshot(path=str(OVERVIEW), full_page=True, clip={
                "x": box["x"], "y": box["y"], "width": box["width"], "height": min(box["height"], OVERVIEW_HEIGHT)})
            browser.close()
        server.should_exit = True
        thread.join(timeout=10)
    print(f"wrote {output} and {OVERVIEW}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUTPUT)

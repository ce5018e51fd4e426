"""Take the README's screenshot of the forecast page for ``ukraine-2025-03``.

Starts the workbench on a free loopback port with a temporary run store, runs the
expected utility model on the built-in scenario through the API, opens the
forecast page in Debian's headless Chromium and saves
``docs/images/forecast-ukraine.png``. Usage: ``python scripts/screenshot_forecast.py [OUTPUT]``.
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
            page.wait_for_selector("#quadrant-chart[data-drawn] .main-svg")
            page.screenshot(path=str(output), full_page=True)
            browser.close()
        server.should_exit = True
        thread.join(timeout=10)
    print(f"wrote {output}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUTPUT)

"""Fixtures of the web app's tests: an in-process client and the files a careless analyst might upload."""

from __future__ import annotations

import contextlib
import socket
import threading
import time

import pytest
import uvicorn
from fastapi.testclient import TestClient

from realpolitik.web import create_app

#: A good one-issue table, and the bad uploads the issue names.
GOOD_CSV = b"Actor,Capability,Position,Salience\nA,1,10,50\nB,2,60,80\nC,1,90,30\n"
BAD_UPLOADS = {
    "wrong columns": ("table.csv", b"Actor,Clout,Position\nA,1,10\nB,2,60\n", 422, "missing column(s) Capability"),
    "salience 140": ("table.csv", GOOD_CSV.replace(b"B,2,60,80", b"B,2,60,140"), 422,
                     "table.csv, row 3, actor 'B', issue 'table', field 'salience': salience 140 is outside 0..100"),
    "20 MB file": ("big.csv", GOOD_CSV + b"D,1,50,50\n" * (20 * 2**20 // 10), 413, "larger than the 5 MiB accepted"),
    "binary junk as csv": ("junk.csv", bytes(range(256)) * 64, 422, "is not UTF-8 text"),
    "binary junk as xlsx": ("junk.xlsx", bytes(range(256)) * 64, 422, "junk.xlsx: cannot be opened"),
    "binary junk as yaml": ("junk.yaml", b"\x00\xff" * 500, 422, "junk.yaml"),
}


@pytest.fixture
def client(run_store) -> TestClient:
    """The app on a fresh temporary store, called in-process."""
    with TestClient(create_app(str(run_store))) as test_client:
        yield test_client


@pytest.fixture
def store_client(store_url) -> TestClient:
    """The app on a fresh store, called in-process: once on SQLite and once on PostgreSQL."""
    with TestClient(create_app(store_url)) as test_client:
        yield test_client


@pytest.fixture
def ukraine(client) -> dict:
    """The built-in ceasefire scenario as the API returns it."""
    return client.get("/api/scenarios/ukraine-2025-03").json()["scenario"]


@contextlib.contextmanager
def serving(app, start_within_s: float = 30):
    """``app`` under uvicorn on 127.0.0.1 and a free port, in a thread; yields its base URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    instance = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + start_within_s
    while not instance.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail(f"the web app did not start within {start_within_s:g} s")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        instance.should_exit = True
        thread.join(timeout=10)

"""Loopback by default, the token rule, and request-size limits."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from realpolitik.web import create_app
from realpolitik.web.security import is_loopback

TOKEN = "a-long-enough-test-token"


@pytest.mark.parametrize("host, loopback", [
    ("127.0.0.1", True), ("127.8.9.10", True), ("localhost", True), ("::1", True), ("[::1]", True),
    ("0.0.0.0", False), ("192.168.1.20", False), ("::", False), ("example.org", False),
])
def test_loopback_addresses(host, loopback):
    assert is_loopback(host) is loopback


def test_with_a_token_every_api_call_must_carry_it(run_store):
    with TestClient(create_app(str(run_store), token=TOKEN)) as client:
        assert client.get("/api/meta").status_code == 401
        assert client.post("/api/runs", json={"scenario_name": "emissions-1994"}).status_code == 401
        assert client.get("/api/meta", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert client.get("/api/meta", headers={"Authorization": f"Bearer {TOKEN}"}).json()["token_required"]
        assert client.get("/api/scenarios", headers={"X-Realpolitik-Token": TOKEN}).status_code == 200
        assert client.get("/").status_code == 200


def test_serve_refuses_a_public_bind_without_a_token(cli, monkeypatch):
    started = []
    monkeypatch.setattr("uvicorn.run", lambda app, host, port, **kwargs: started.append((host, port)))
    monkeypatch.delenv("REALPOLITIK_TOKEN", raising=False)
    refused = cli("serve", "--host", "0.0.0.0")
    assert refused.exit_code == 2
    assert "refusing to listen on 0.0.0.0 without a token" in refused.stderr
    short = cli("serve", "--host", "0.0.0.0", "--token", "short")
    assert short.exit_code == 2
    assert started == []
    assert cli("serve", "--host", "0.0.0.0", "--token", TOKEN, "--port", "8123").exit_code == 0
    monkeypatch.setenv("REALPOLITIK_TOKEN", TOKEN)
    assert cli("serve", "--host", "192.168.0.5").exit_code == 0
    monkeypatch.delenv("REALPOLITIK_TOKEN")
    assert cli("serve").exit_code == 0
    assert started == [("0.0.0.0", 8123), ("192.168.0.5", 8000), ("127.0.0.1", 8000)]


def test_a_loopback_server_answers_only_requests_addressed_to_loopback(run_store, monkeypatch, cli):
    app = create_app(str(run_store), allowed_hosts=["127.0.0.1", "localhost"])
    with TestClient(app, base_url="http://127.0.0.1:8000") as client:
        assert client.get("/api/meta").status_code == 200
        assert client.get("/api/meta", headers={"Host": "attacker.example"}).status_code == 400
    created = []
    monkeypatch.setattr("uvicorn.run", lambda application, **kwargs: created.append(application))
    assert cli("serve").exit_code == 0
    assert cli("serve", "--host", "0.0.0.0", "--token", TOKEN).exit_code == 0
    loopback, public = created
    with TestClient(loopback, base_url="http://evil.example") as client:
        assert client.get("/").status_code == 400
    with TestClient(public, base_url="http://203.0.113.9:8000") as client:
        assert client.get("/api/meta", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200


def test_large_bodies_are_refused_whether_announced_or_streamed(client):
    body = b"x" * (6 * 2**20)
    announced = client.post("/api/scenarios/validate", content=body, headers={"Content-Type": "application/json"})
    assert announced.status_code == 413

    def chunks():
        for _ in range(6):
            yield b"y" * 2**20

    streamed = client.post("/api/scenarios/validate", content=chunks(), headers={"Content-Type": "application/json"})
    assert streamed.status_code == 413
    assert client.get("/api/meta").status_code == 200

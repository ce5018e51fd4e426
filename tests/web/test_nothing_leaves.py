"""Nothing leaves the machine: no served page, script, stylesheet or report names an outside address,
and every chart is configured without plotly's cloud, sharing and editing links.

plotly.js itself (the library shipped in the plotly package) holds addresses for map tiles and
Chart Studio, reachable only from map traces (never drawn here) and from the cloud buttons (switched
off by the configuration checked below); it is cut out of the text before the scan, and the
browser tests check that no page fetches anything from outside the app.
"""

from __future__ import annotations

import json
import re

import pytest

from realpolitik.report.figures import PLOTLY_CONFIG, plotly_library
from realpolitik.web.pages import STATIC

#: An address outside the app: a scheme and host, or a protocol-relative ``//host`` in an attribute or url().
OUTSIDE = re.compile(r"""(?:https?:)?//[A-Za-z0-9][A-Za-z0-9.-]*\.[A-Za-z]{2,}|(?:src|href|action)\s*=\s*["']?https?:""",
                     re.IGNORECASE)
#: XML namespace names are names, not addresses: nothing is fetched from them.
NAMESPACES = ("http://www.w3.org/",)
PAGES = ("/", "/editor", "/runs", "/runs/1", "/diff?a=1&b=1", "/ledger")
CLOUD_WORDS = ("Edit in Chart Studio", "sendDataToCloud", "plot.ly", "chart-studio", "cloud.plotly")


def outside_addresses(text: str) -> list[str]:
    """The outside addresses in ``text`` (namespace names aside)."""
    found = []
    for match in OUTSIDE.finditer(text):
        start = match.start()
        window = text[max(0, start - 5): match.end() + 20]
        if not any(space in window for space in NAMESPACES):
            found.append(text[max(0, start - 40): match.end() + 40])
    return found


def test_the_scan_finds_an_outside_address():
    assert outside_addresses('<script src="https://cdn.example.org/x.js"></script>')
    assert outside_addresses("fetch('//tracker.example.com/p')")
    assert not outside_addresses('<svg xmlns="http://www.w3.org/2000/svg"></svg> <a href="/runs">runs</a>')


def without_library(text: str) -> str:
    library = plotly_library()
    return text.replace(library, "").replace(library.replace("</script", "<\\/script"), "")


def assert_cloud_free(text: str, where: str) -> None:
    assert outside_addresses(text) == [], f"{where} names an outside address"
    text = re.sub(r"Plotly\.setPlotConfig\(\{.*?\}\);", "", text)  # names the buttons it removes
    for word in CLOUD_WORDS:
        assert word not in text, f"{where} mentions {word}"


@pytest.fixture
def run_id(client):
    response = client.post("/api/runs", json={"scenario_name": "emissions-1994", "model": "all"})
    assert response.status_code == 201
    return response.json()["id"]


def test_pages_scripts_styles_and_reports_name_no_outside_address(client, run_id):
    for path in PAGES:
        response = client.get(path.replace("/runs/1", f"/runs/{run_id}"))
        assert response.status_code == 200, path
        assert_cloud_free(response.text, path)
        for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', response.text):
            served = client.get(asset)
            assert served.status_code == 200, asset
            assert_cloud_free(without_library(served.text), asset)
    for path in sorted(STATIC.glob("*")):
        assert_cloud_free(path.read_text(encoding="utf-8"), path.name)
    report = client.get(f"/api/runs/{run_id}/report")
    assert report.status_code == 200
    assert_cloud_free(without_library(report.text), "the HTML report")


def test_every_chart_is_configured_without_cloud_links(client, run_id):
    served = client.get("/static/vendor/plotly.min.js").text
    report = client.get(f"/api/runs/{run_id}/report").text
    for text in (served, report):
        configured = re.search(r"Plotly\.setPlotConfig\((\{.*?\})\);", without_library(text))
        assert configured, "plotly.js is served without its configuration"
        config = json.loads(configured.group(1))
        assert config["displaylogo"] is False and config["showSendToCloud"] is False
        assert config["showEditInChartStudio"] is False and config["showLink"] is False
        assert {"sendDataToCloud", "editInChartStudio"} <= set(config["modeBarButtonsToRemove"])
    assert json.loads(json.dumps(PLOTLY_CONFIG)) == config

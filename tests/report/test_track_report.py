"""The report of a timeline run: its chart, its events and the ledger's entries on the scenario."""

from __future__ import annotations

import json


def test_a_timeline_report_charts_the_events_and_lists_the_ledger(cli, tmp_path):
    assert cli("ledger", "add", "ukraine-2025-03", "--question", "ceasefire>=75", "--by", "2025-12-31",
               "--model", "median", "--draws", "20").exit_code == 0
    assert cli("timeline", "ukraine-2025-03", "--model", "compromise").exit_code == 0
    run_id = json.loads(cli("runs", "list", "--kind", "timeline", "--format", "json").stdout)[0]["id"]
    target = tmp_path / "timeline.html"
    result = cli("report", str(run_id), "--html", str(target))
    assert result.exit_code == 0, result.stderr
    html = target.read_text()
    assert "<h2>Timeline</h2>" in html and "Jeddah: Ukraine accepts" in html and "USA.position[aid]+=40" in html
    figures = json.loads(html.split('<script type="application/json" id="figures">')[1].split("</script>")[0])
    assert [trace["name"] for trace in figures["timeline"]["data"]][:2] == ["Ceasefire scope", "Territory"]
    assert len(figures["timeline"]["data"][0]["x"]) == 11
    assert "<h2>Ledger</h2>" in html and "ceasefire&gt;=75" in html

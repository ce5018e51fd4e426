"""A seeded fuzz test over every reader, every renderer and every web endpoint.

Small valid inputs of each format are mutated (bytes cut, doubled, swapped and
replaced with fragments known to trouble parsers: markup, mathtext, invisible and
bidirectional characters, other scripts' digits, long numbers, deep nesting,
aliases, entities, lone carriage returns). Every case must end in a result or in
the one precise refusal each layer promises (ScenarioError and exit code 2 for
readers and the command line, a 4xx for the web), never in a traceback or a 5xx,
and no case may take more than 10 seconds. The cases are drawn from one seed, so
a failure names a case that can be replayed.
"""

from __future__ import annotations

import io
import json
import random
import time
import zipfile
from html import escape as escape_html
from pathlib import Path
from collections.abc import Iterator
from typing import Any, Callable

import pytest

from realpolitik.io import load_scenario
from realpolitik.scenario import ScenarioError
from tests.conftest import SHARED

SEED = 20261129
CASE_SECONDS = 10.0
ROOT = Path(__file__).resolve().parents[1]

#: Fragments that have broken parsers and renderers before.
FRAGMENTS = [
    "[/]", "[bold]", "$\\frac{$", "<script>", "&amp;", "\u200b", "\u202e", "\ufeff", "\x00", "\r", "\r\n", "\n",
    "١٢", "1_000", "9" * 120, "1e308", "-1e308", "5e-324", "nan", "inf", "0x1F", "012", "1:20", "&a [*a]", "*a",
    "[" * 80, "{" * 80, "<!DOCTYPE x [<!ENTITY a 'b'>]>", "\"", "'", ",", "\t", ";", "±", "yes", "NO", "~", "null",
    "é", "e\u0301", "ＵＳＡ", "\U0001f600", "\\", "#A", "#P", "Actor", "=",
]


def mutate(data: bytes, rng: random.Random) -> bytes:
    """One to four random edits of ``data``."""
    data = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        where = rng.randrange(len(data) + 1)
        kind = rng.randrange(6)
        if kind == 0 and data:  # cut a run
            del data[where:where + rng.randint(1, 40)]
        elif kind == 1:  # insert a troublesome fragment
            data[where:where] = rng.choice(FRAGMENTS).encode("utf-8")
        elif kind == 2 and data:  # double a run
            data[where:where] = data[where:where + rng.randint(1, 60)]
        elif kind == 3 and data:  # replace bytes with random ones
            for index in range(where, min(len(data), where + rng.randint(1, 4))):
                data[index] = rng.randrange(256)
        elif kind == 4:  # truncate
            del data[where:]
        else:  # swap two runs
            other = rng.randrange(len(data) + 1)
            low, high = sorted((where, other))
            data[low:high] = data[low:high][::-1]
    return bytes(data)


def timed(call: Callable[[], Any], case: str) -> Any:
    started = time.monotonic()
    result = call()
    elapsed = time.monotonic() - started
    assert elapsed < CASE_SECONDS, f"{case}: took {elapsed:.1f} s"
    return result


# --------------------------------------------------------------------------- seeds of each format

NATIVE_YAML = """name: fuzz
title: A fuzzed table
issues:
  - name: ceasefire
    scale_min: 0
    scale_max: 100
    anchors: {0: none, 100: lasting}
    status_quo: 20
  - name: aid
actors:
  - name: Russia
    capability: 90 ± 5
    stances:
      ceasefire: {position: 20, salience: 90}
      aid: {position: 0, salience: 40}
  - name: Ukraine
    capability: 40
    stances:
      ceasefire: {position: 70, salience: 95, position_rationale: "wants guarantees"}
      aid: {position: 100, salience: 80}
  - name: USA
    capability: 100
    stances:
      ceasefire: {position: 60, salience: 70}
"""
SCHOLZ_CSV = "Actor,Capability,Position,Salience\nA,1,10,50\nB,2,60,80\nC,1,90,30\n"
KTAB_CSV = "s,d,3,2\nActor,Desc,Cap,D1,S1,D2,S2\nA,a,10,20,40,30,50\nB,b,20,80,40,60,30\nC,c,30,50,20,10,70\n"


def seeds() -> dict[str, bytes]:
    """A small valid file of each format the readers take (reference data where it is present)."""
    files = {
        "yaml": NATIVE_YAML.encode(),
        "json": json.dumps(__import__("yaml").safe_load(NATIVE_YAML.replace(" ± 5", ""))).encode(),
        "scholz.csv": SCHOLZ_CSV.encode(),
        "ktab.csv": KTAB_CSV.encode(),
    }
    decide = SHARED / "data" / "decide" / "sample_data.txt"
    if decide.exists():
        files["decide.txt"] = decide.read_bytes()[:1500].rsplit(b"\n", 1)[0]
    xml = SHARED / "data" / "ktab" / "smpExample.xml"
    if xml.exists():
        files["xml"] = xml.read_bytes()
    deu3 = SHARED / "data" / "deu3" / "deu3.tsv"
    if deu3.exists():
        files["deu3.tsv"] = b"\n".join(deu3.read_bytes().splitlines()[:12]) + b"\n"
    return files


def reader_cases(count: int) -> list[tuple[str, str, bytes]]:
    rng = random.Random(SEED)
    originals = seeds()
    names = sorted(originals)
    return [(f"reader-{number}", name, mutate(originals[name], rng))
            for number, name in ((number, names[number % len(names)]) for number in range(count))]


def read(path: Path) -> Any:
    if path.name.endswith(".tsv"):
        from realpolitik.io.deu3 import read_deu3

        return read_deu3(path)
    return load_scenario(path)


@pytest.mark.parametrize("block", range(8))
def test_readers_refuse_or_read_every_mutated_file(tmp_path, block):
    cases = reader_cases(1200)[block::8]
    for case, kind, content in cases:
        suffix = kind.rsplit(".", 1)[-1]
        path = tmp_path / f"{case}.{'yaml' if suffix == 'yaml' else suffix}"
        path.write_bytes(content)
        try:
            timed(lambda: read(path), f"{case} ({kind})")
        except ScenarioError as error:
            assert error.problems and all(str(problem) for problem in error.problems), case


def _workbook_parts() -> tuple[list[zipfile.ZipInfo], dict[str, bytes]]:
    good = ROOT / "docs" / "examples" / "ukraine-2025-03.xlsx"
    with zipfile.ZipFile(good) as archive:
        entries = archive.infolist()
        return entries, {entry.filename: archive.read(entry.filename) for entry in entries}


def test_workbooks_refuse_or_read_every_mutated_part(tmp_path):
    entries, parts = _workbook_parts()
    rng = random.Random(SEED + 1)
    xml_parts = [entry.filename for entry in entries if entry.filename.endswith(".xml")]
    for number in range(120):
        changed = rng.choice(xml_parts)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for entry in entries:
                data = parts[entry.filename]
                archive.writestr(entry, mutate(data, rng) if entry.filename == changed else data)
        content = buffer.getvalue() if number % 10 else mutate(buffer.getvalue(), rng)
        path = tmp_path / f"book-{number}.xlsx"
        path.write_bytes(content)
        try:
            timed(lambda: load_scenario(path), f"workbook {number} ({changed})")
        except ScenarioError as error:
            assert error.problems, number


def test_the_command_line_ends_every_mutated_file_in_exit_code_0_or_2(cli, tmp_path):
    for case, kind, content in reader_cases(1200)[::20]:
        if kind.endswith(".tsv"):
            continue
        suffix = kind.rsplit(".", 1)[-1]
        path = tmp_path / f"{case}.{suffix}"
        path.write_bytes(content)
        result = timed(lambda: cli("validate", str(path)), case)
        assert result.exit_code in (0, 2), f"{case}: exit {result.exit_code}\n{result.output}"
        assert "Traceback" not in result.output, case


# --------------------------------------------------------------------------- renderers

def scenario_with_names(rng: random.Random) -> dict[str, Any]:
    """A valid table whose names, titles and anchors are drawn from the troublesome fragments."""
    visible = [fragment for fragment in FRAGMENTS if fragment.isprintable() and "\ufeff" not in fragment]

    def text() -> str:
        return "".join(rng.choice(visible) for _ in range(rng.randint(1, 3))) + "x"

    issues = [f"{text()}-{k}" for k in range(rng.randint(1, 2))]
    actors = [f"{text()}-{n}" for n in range(rng.randint(2, 4))]
    return {"name": text(), "title": text(), "issues": [{"name": name, "title": text(),
                                                         "anchors": {0: text(), 100: text()}} for name in issues],
            "actors": [{"name": name, "capability": rng.uniform(1, 100),
                        "stances": {issue: {"position": rng.uniform(0, 100), "salience": rng.uniform(1, 100)}
                                    for issue in issues}} for name in actors]}


def valid_scenarios(rng: random.Random, count: int) -> Iterator[tuple[int, Any]]:
    """The tables of :func:`scenario_with_names` that validate (the others name invisible
    characters or look-alikes, refused before anything is rendered), with their case number."""
    from realpolitik.scenario import load_scenario_dict

    for number in range(count):
        try:
            yield number, load_scenario_dict(scenario_with_names(rng))
        except ScenarioError:
            continue


def test_table_and_json_renderers_show_any_valid_names(tmp_path):
    from rich.console import Console

    from realpolitik.comparison import forecasts_document, run_models
    from realpolitik.render import forecast_csv, print_comparison, print_forecast

    rng = random.Random(SEED + 2)
    rendered = 0
    for number, scenario in valid_scenarios(rng, 220):
        model = rng.choice(["compromise", "median", "nash", "eum", "exchange", "smp", "all"])
        forecasts = timed(lambda: run_models(scenario, model), f"render {number}")
        console = Console(file=io.StringIO(), width=5000)
        if model == "all":
            print_comparison(console, scenario, forecasts)
        else:
            print_forecast(console, scenario, forecasts[0])
        output = console.file.getvalue()
        assert scenario.issues[0].label in output  # as written: markup is not read as markup
        json.dumps(forecasts_document(forecasts, compared=model == "all"), allow_nan=False)
        forecast_csv(forecasts)
        rendered += 1
    assert rendered > 110


def test_html_and_png_reports_draw_any_valid_names(tmp_path, run_store):
    from realpolitik.comparison import forecasts_document, run_models
    from realpolitik.report.html import html_report
    from realpolitik.report.png import write_png_charts
    from realpolitik.store import get_run, record_run

    rng = random.Random(SEED + 3)
    reports = 0
    for number, scenario in valid_scenarios(rng, 25):
        forecasts = run_models(scenario, rng.choice(["compromise", "eum"]))
        run_id = record_run("forecast", scenario, {forecast.model: forecast.options for forecast in forecasts},
                            forecasts_document(forecasts, compared=False))
        stored = get_run(run_id)
        page = timed(lambda: html_report(stored), f"html {number}")
        assert escape_html(scenario.actors[0].name) in page
        if reports < 3:  # matplotlib is slow: a few cases show that names are drawn as text
            charts = timed(lambda: write_png_charts(stored, tmp_path / f"png-{number}"), f"png {number}")
            assert charts and all(path.stat().st_size > 0 for path in charts)
        reports += 1
    assert reports > 12


# --------------------------------------------------------------------------- web endpoints

def json_mutation(value: Any, rng: random.Random, depth: int = 0) -> Any:
    """``value`` with one node replaced, dropped or grown."""
    junk = [None, True, -1, 0, 1e308, -1e308, 5e-324, 2**70, "", "[/]", "x" * 300, [], {}, [[[[]]]], "١٢", "1_000",
            "30 ± 10", {"a": 1}, "\u202e", "\x00"]
    if isinstance(value, dict) and value and rng.random() < 0.8:
        key = rng.choice(list(value))
        copy = dict(value)
        choice = rng.random()
        if choice < 0.2:
            del copy[key]
        elif choice < 0.3:
            copy[rng.choice(["extra", "name", "issues", "actors", key + "_"])] = rng.choice(junk)
        else:
            copy[key] = json_mutation(value[key], rng, depth + 1)
        return copy
    if isinstance(value, list) and value and rng.random() < 0.8:
        copy = list(value)
        index = rng.randrange(len(copy))
        choice = rng.random()
        if choice < 0.2:
            del copy[index]
        elif choice < 0.35:
            copy.append(copy[index])
        else:
            copy[index] = json_mutation(copy[index], rng, depth + 1)
        return copy
    return rng.choice(junk)


def request_cases(count: int) -> list[tuple[str, str, dict[str, Any]]]:
    """``(method, path, request options)`` for every endpoint, valid and mutated."""
    rng = random.Random(SEED + 4)
    scenario = __import__("yaml").safe_load(NATIVE_YAML.replace(" ± 5", ""))
    texts = ["ukraine-2025-03", "emissions-1994", "fuzz", "[/]", "..%2F..%2Fetc", "x" * 300, "%00", "١", "CON",
             "a b", "\u200b"]
    numbers = ["1", "0", "-1", "2", "99999999999999999999999", "abc", "1e3", "١", ""]
    cases: list[tuple[str, str, dict[str, Any]]] = []
    for _ in range(count):
        kind = rng.randrange(14)
        body = json_mutation({"scenario": scenario}, rng) if rng.random() < 0.8 else {"scenario": scenario}
        if kind == 0:
            cases.append(("GET", rng.choice(["/api/meta", "/api/scenarios", "/api/runs", "/api/ledger",
                                             "/api/timelines", "/", "/editor", "/runs", "/diff", "/ledger",
                                             "/api/openapi.json"]), {}))
        elif kind == 1:
            cases.append(("GET", "/api/runs", {"params": {"kind": rng.choice(texts), "scenario": rng.choice(texts),
                                                          "limit": rng.choice(numbers)}}))
        elif kind == 2:
            cases.append(("GET", f"/api/runs/{rng.choice(numbers)}", {}))
        elif kind == 3:
            cases.append(("GET", f"/api/runs/{rng.choice(numbers)}/issues/{rng.choice(texts)}",
                          {"params": {"model": rng.choice(["eum", "smp", "x", ""]),
                                      "perspective": rng.choice(texts), "round": rng.choice(numbers)}}))
        elif kind == 4:
            cases.append(("GET", f"/api/runs/{rng.choice(numbers)}/report", {}))
        elif kind == 5:
            cases.append(("GET", "/api/diff", {"params": {"a": rng.choice(numbers), "b": rng.choice(numbers)}}))
        elif kind == 6:
            cases.append(("GET", f"/api/scenarios/{rng.choice(texts)}", {}))
        elif kind == 7:
            cases.append((rng.choice(["PUT", "DELETE"]), f"/api/scenarios/{rng.choice(texts)}", {"json": body}))
        elif kind == 8:
            cases.append(("POST", rng.choice(["/api/scenarios/validate", "/api/scenarios/yaml"]), {"json": body}))
        elif kind == 9:
            request = {**(body if isinstance(body, dict) else {}),
                       "model": rng.choice(["compromise", "eum", "smp", "exchange", "nash", "all", "x"])}
            if rng.random() < 0.3:
                request = {"scenario_name": rng.choice(texts), "model": request["model"]}
            cases.append(("POST", "/api/runs", {"json": json_mutation(request, rng) if rng.random() < 0.3
                                                else request}))
        elif kind == 10:
            name = rng.choice(["t.yaml", "t.json", "t.csv", "t.xlsx", "t.exe", "x" * 120 + ".yaml",
                               "..\\..\\evil.yaml", "CON.yaml", "[/].csv", "", "t"])
            content = mutate(rng.choice([NATIVE_YAML.encode(), SCHOLZ_CSV.encode(), KTAB_CSV.encode()]), rng)
            cases.append(("POST", "/api/scenarios/import", {"files": {"file": (name, content)}}))
        elif kind == 11:
            raw = mutate(json.dumps(body).encode(), rng)
            cases.append(("POST", rng.choice(["/api/runs", "/api/scenarios/validate", "/api/scenarios/yaml",
                                              "/api/timelines"]),
                          {"content": raw, "headers": {"content-type": rng.choice(
                              ["application/json", "text/plain", "application/json; charset=latin-1"])}}))
        elif kind == 12:
            request = {"scenario_name": rng.choice(["ukraine-2025-03", "emissions-1994"] + texts),
                       "model": rng.choice(["compromise", "median", "eum"]), "draws": rng.choice([0, 0, 5, -1, "x"]),
                       "seed": rng.choice([0, 1, -1, 2**80])}
            cases.append(("POST", "/api/timelines", {"json": request}))
        else:
            cases.append(("GET", f"/api/ledger/questions/{rng.choice(numbers)}", {}))
    return cases


@pytest.fixture(scope="module")
def web_client(tmp_path_factory):
    from fastapi.testclient import TestClient

    from realpolitik.web.app import create_app

    client = TestClient(create_app(str(tmp_path_factory.mktemp("fuzz") / "runs.sqlite")),
                        raise_server_exceptions=False)
    # a few stored runs, so that run ids lead somewhere
    for model in ("compromise", "eum"):
        client.post("/api/runs", json={"scenario_name": "emissions-1994", "model": model})
    return client


@pytest.mark.parametrize("block", range(4))
def test_every_endpoint_answers_every_request_without_a_server_error(web_client, block):
    for number, (method, path, options) in enumerate(request_cases(600)[block::4]):
        response = timed(lambda: web_client.request(method, path, **options), f"{method} {path} #{number}")
        assert response.status_code < 500, f"{method} {path} {options}: {response.status_code} {response.text[:300]}"

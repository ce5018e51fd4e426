"""Malformed files of every format: one precise message, exit code 2, in bounded time.

Each input is made in the test from a small good file.
"""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import pytest

from realpolitik.io import load_scenario
from realpolitik.scenario import ScenarioError
from tests.conftest import shared_file

SCHOLZ = "Actor,Capability,Position,Salience\nA,1,10,50\nB,2,60,80\nC,1,90,30\n"
KTAB_CSV = "s,d,2,1\nActor,Desc,Cap,D1,S1\nA,a,10,20,50\nB,b,20,80,40\n"
LONG = "x" * 140_000


def refused(path: Path) -> str:
    started = time.monotonic()
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert time.monotonic() - started < 5
    return str(caught.value)


def decide_text() -> str:
    return shared_file("decide", "sample_data.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("name, text", [("scholz.csv", lambda: SCHOLZ), ("ktab.csv", lambda: KTAB_CSV),
                                        ("decide.txt", decide_text)])
def test_cr_only_line_endings_read_like_lf(tmp_path, name, text):
    (tmp_path / "lf").mkdir()
    (tmp_path / "cr").mkdir()
    lf, cr = tmp_path / "lf" / name, tmp_path / "cr" / name
    lf.write_bytes(text().encode())
    cr.write_bytes(text().replace("\r\n", "\n").replace("\n", "\r").encode())
    assert load_scenario(cr).model_dump() | {"sources": None} == load_scenario(lf).model_dump() | {"sources": None}


@pytest.mark.parametrize("name, text, expected", [
    ("scholz.csv", SCHOLZ.replace("B,2", f'"{LONG}",2'), "row 3: a cell is longer than the 131072 characters"),
    ("ktab.csv", KTAB_CSV.replace("B,b", f'"{LONG}",b'), "row 4: a cell is longer than the 131072 characters"),
    ("decide.txt", None, "row 2"),
])
def test_cells_over_131072_characters_are_refused(tmp_path, name, text, expected):
    path = tmp_path / name
    path.write_text(text or decide_text().replace("'PvdA'", f"'{LONG}'", 1))
    assert expected in refused(path)


def test_deu3_cell_over_the_limit_and_all_zero_gdp(tmp_path):
    from realpolitik.io.deu3 import read_deu3

    lines = shared_file("deu3", "deu3.tsv").read_text(encoding="utf-8").splitlines()
    long_cell = tmp_path / "long.tsv"
    cells = lines[2].split("\t")
    cells[3] = f'"{LONG}"'
    long_cell.write_text("\n".join([lines[0], lines[1], "\t".join(cells)]) + "\n")
    with pytest.raises(ScenarioError, match=r"long.tsv, row 3: a cell is longer than the 131072 characters"):
        read_deu3(long_cell)

    zero = tmp_path / "zero.tsv"
    gdp = ["0" if cell.strip('"').replace(".", "").isdigit() else cell for cell in lines[1].split("\t")]
    zero.write_text("\n".join([lines[0], "\t".join(gdp), *lines[2:40]]) + "\n")
    with pytest.raises(ScenarioError, match=r"zero.tsv, row 2, field 'gdp': every GDP figure is 0"):
        read_deu3(zero)


def test_deu3_all_zero_gdp_ends_in_exit_code_2_not_a_solver_error(cli, tmp_path):
    lines = shared_file("deu3", "deu3.tsv").read_text(encoding="utf-8").splitlines()
    gdp = ["0" if cell.strip('"').replace(".", "").isdigit() else cell for cell in lines[1].split("\t")]
    zero = tmp_path / "zero.tsv"
    zero.write_text("\n".join([lines[0], "\t".join(gdp), *lines[2:]]) + "\n")
    result = cli("backtest", "deu3", "--data", str(zero), "--models", "compromise")
    assert result.exit_code == 2
    assert "every GDP figure is 0" in result.stderr


def _ktab_xml(tmp_path: Path, name: str, change) -> Path:
    source = shared_file("ktab", "smpExample.xml").read_text(encoding="utf-8-sig")
    path = tmp_path / name
    path.write_text(change(source), encoding="utf-8")
    return path


@pytest.mark.parametrize("seed, shown", [("9" * 5000, "'99999999999999999999... (5000 characters)'"),
                                         ("١٢", "'١٢'"), ("18446744073709551616", "'18446744073709551616'")])
def test_ktab_seed_must_be_a_plain_64_bit_number(tmp_path, seed, shown):
    path = _ktab_xml(tmp_path, "seed.xml", lambda text: text.replace("03507583219545544127", seed))
    assert f"row 5, field 'prngSeed': prngSeed must be a whole number in 0..2^64-1, got {shown}" in refused(path)


def test_ktab_xml_with_a_doctype_is_refused(tmp_path):
    path = _ktab_xml(tmp_path, "doctype.xml", lambda text: text.replace(
        "<Scenario ", '<!DOCTYPE Scenario [<!ENTITY a "aa"><!ENTITY b "&a;&a;">]>\n<Scenario ', 1))
    assert "row 2: declares a document type or entities" in refused(path)


def test_ktab_xml_text_in_many_pieces_is_read_in_linear_time(tmp_path):
    # 2.4 MB of description split by entity references into 800,000 pieces
    path = _ktab_xml(tmp_path, "long.xml", lambda text: text.replace("<desc>", "<desc>" + "ab&amp;" * 400_000))
    started = time.monotonic()
    scenario = load_scenario(path)
    assert time.monotonic() - started < 5
    assert scenario.description.startswith("ab&ab&")


def _rewrite_workbook(tmp_path: Path, name: str, change) -> Path:
    good = Path(__file__).resolve().parents[2] / "docs" / "examples" / "ukraine-2025-03.xlsx"
    path = tmp_path / name
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(path, "w") as target:
        for entry in source.infolist():
            target.writestr(entry, change(entry.filename, source.read(entry.filename)))
    return path


def test_workbooks_declaring_entities_or_damaged_are_refused(tmp_path):
    doctype = _rewrite_workbook(tmp_path, "doctype.xlsx", lambda name, data: data.replace(
        b"<worksheet", b'<!DOCTYPE worksheet [<!ENTITY a "aaaa">]><worksheet', 1)
        if name.endswith("sheet2.xml") else data)
    assert "part xl/worksheets/sheet2.xml declares a document type or entities" in refused(doctype)
    damaged = _rewrite_workbook(tmp_path, "damaged.xlsx", lambda name, data: data[: len(data) // 2]
                                if name.endswith("sheet2.xml") else data)
    assert "damaged.xlsx: cannot be read (damaged workbook: ParseError" in refused(damaged)
    truncated = tmp_path / "truncated.xlsx"
    truncated.write_bytes(doctype.read_bytes()[:3000])
    assert "truncated.xlsx: cannot be opened (not an .xlsx workbook" in refused(truncated)


@pytest.mark.parametrize("name, text", [("scholz.csv", SCHOLZ.replace("60", "١٢")),
                                        ("ktab.csv", KTAB_CSV.replace("80", "1_0")),
                                        ("decide.txt", None)])
def test_csv_numbers_only_in_ascii_notation(tmp_path, name, text):
    path = tmp_path / name
    if text is None:
        lines = decide_text().splitlines()
        row = next(k for k, line in enumerate(lines) if line.startswith("'#D'"))
        cells = lines[row].split("\t")
        cells[3] = "'٨٠'"
        lines[row] = "\t".join(cells)
        text = "\n".join(lines)
    path.write_text(text, encoding="utf-8")
    assert "is not a number" in refused(path) or "must be a number" in refused(path)


def test_cli_exit_code_2_for_a_damaged_workbook(cli, tmp_path):
    path = tmp_path / "damaged.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"x" * 100)
    result = cli("forecast", str(path))
    assert result.exit_code == 2
    assert "cannot be opened" in result.stderr

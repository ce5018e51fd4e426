"""The DEU III reader: the public copy as its NOTICE describes it, the documented rules, and bad files."""

from __future__ import annotations

import numpy as np
import pytest

from realpolitik.io.deu3 import read_deu3
from realpolitik.scenario import ScenarioError
from tests.conftest import shared_file
from tests.io.deu3_table import HEADER, issue_row, write_deu3


def backtest(cli, path):
    return cli("backtest", "deu3", "--data", str(path), "--models", "compromise")


def test_the_public_copy_as_its_notice_describes_it():
    dataset = read_deu3(shared_file("deu3", "deu3.tsv"))
    assert len(dataset.issues) == 353  # "353 rows have an outcome"
    assert dataset.skipped_without_outcome == 364 - 353
    assert len(dataset.dossiers) == 137
    assert dataset.gdp["de"] == 4.1 and dataset.gdp["com"] == 4.1 and dataset.gdp["mt"] == 0.02
    first = dataset.issues[0]  # line 3 of the file
    assert (first.name, first.dossier, first.procedure, first.voting_rule, first.row) == \
        ("d00032i1", "d00032", "COD", "QMV", 3)
    assert first.outcome == 100 and first.arrays.issue.status_quo == 0
    assert first.arrays.actors[:4] == ["com", "ep", "at", "be"]
    assert len(first.arrays.actors) == 17  # the other 13 position cells are empty
    np.testing.assert_allclose(first.arrays.position[:4], [100, 100, 40, 40])
    np.testing.assert_allclose(first.arrays.salience[:4], [0.5, 0.5, 0.4, 0.2])
    assert {issue.voting_rule for issue in dataset.issues} == {"QMV", "QMV(10)", "Unan"}
    assert {issue.procedure for issue in dataset.issues} == {"COD", "CNS"}


def test_missing_salience_counts_as_50_and_salience_without_position_is_ignored(tmp_path):
    path = write_deu3(tmp_path / "deu.tsv", [
        issue_row("d1", "i1", {"com": 100, "de": 0}, {"com": 80, "fr": 90}, reference_point=0, outcome=60),
    ])
    issue = read_deu3(path).issues[0]
    assert issue.arrays.actors == ["com", "de"]
    np.testing.assert_allclose(issue.arrays.salience, [0.8, 0.5])
    np.testing.assert_allclose(issue.arrays.capability, [4.1, 4.1])


def test_rows_without_outcome_or_positions_are_skipped_and_counted(tmp_path):
    path = write_deu3(tmp_path / "deu.tsv", [
        issue_row("d1", "i1", {"com": 100}, {"com": 50}, outcome=40),
        issue_row("d1", "i2", {"com": 100}, {"com": 50}),
        issue_row("d2", "i3", {}, {"com": 50}, outcome=10),
    ])
    dataset = read_deu3(path)
    assert [issue.name for issue in dataset.issues] == ["i1"]
    assert (dataset.skipped_without_outcome, dataset.skipped_without_positions) == (1, 1)
    assert dataset.issues[0].arrays.issue.status_quo is None


def test_columns_are_found_by_name(tmp_path):
    header = list(reversed(HEADER))
    path = write_deu3(tmp_path / "deu.tsv", [issue_row("d1", "i1", {"ep": 30}, {"ep": 70}, outcome=30)], header)
    issue = read_deu3(path).issues[0]
    assert issue.arrays.actors == ["ep"] and issue.outcome == 30


def test_missing_column(cli, tmp_path):
    header = [name for name in HEADER if name not in ("sat", "out")]
    path = write_deu3(tmp_path / "deu.tsv", [issue_row("d1", "i1", {"com": 100}, outcome=50)], header)
    result = backtest(cli, path)
    assert result.exit_code == 2
    assert f"{path}, row 1: missing column(s) sat, out" in result.stderr
    assert "Traceback" not in result.output


def test_non_numeric_cells(cli, tmp_path):
    path = write_deu3(tmp_path / "deu.tsv", [
        issue_row("d1", "i1", {"com": 100, "at": "abc"}, {"com": 50}, outcome=50),
        issue_row("d1", "i2", {"com": 100}, {"com": "high"}, outcome="n/a"),
    ])
    result = backtest(cli, path)
    assert result.exit_code == 2
    assert f"{path}, row 3, actor 'at', issue 'i1', field 'pat': 'abc' is not a number" in result.stderr
    assert f"{path}, row 4, actor 'com', issue 'i2', field 'scom': 'high' is not a number" in result.stderr
    assert f"{path}, row 4, issue 'i2', field 'out': 'n/a' is not a number" in result.stderr
    assert "Traceback" not in result.output


def test_numbers_off_the_scale_and_a_bad_gdp_row(cli, tmp_path):
    gdp = {"com": "lots", "ep": 4.1}
    path = write_deu3(tmp_path / "deu.tsv", [issue_row("d1", "i1", {"com": 140}, {"com": 50}, outcome=-5)], gdp=gdp)
    result = backtest(cli, path)
    assert result.exit_code == 2
    assert f"{path}, row 3, actor 'com', issue 'i1', field 'pcom': 140 is not a number in 0..100" in result.stderr
    assert f"{path}, row 3, issue 'i1', field 'out': -5 is not a number in 0..100" in result.stderr
    assert f"{path}, row 2, actor 'com', field 'pcom': 'lots' is not a number" in result.stderr
    assert f"{path}, row 2, actor 'at', field 'pat': the GDP row has no figure for this actor" in result.stderr


def test_no_usable_issues(cli, tmp_path):
    path = write_deu3(tmp_path / "deu.tsv", [issue_row("d1", "i1", {"com": 100}, {"com": 50}),
                                             issue_row("d1", "i2", {}, {}, outcome=20)])
    result = backtest(cli, path)
    assert result.exit_code == 2
    assert f"{path}: no usable issues: none of its 2 issue row(s) has both an outcome ('out') and a position" in \
        result.stderr


def test_duplicate_issue_and_short_row(cli, tmp_path):
    path = write_deu3(tmp_path / "deu.tsv", [issue_row("d1", "i1", {"com": 100}, outcome=50),
                                             issue_row("d1", "i1", {"com": 0}, outcome=50)])
    with path.open("a") as stream:
        stream.write("1\t2\t3\n")
    result = backtest(cli, path)
    assert result.exit_code == 2
    assert f"{path}, row 4, issue 'i1', field 'isnr': duplicate issue id (first on row 3)" in result.stderr
    assert f"{path}, row 5: has 3 cells, the header has {len(HEADER)}" in result.stderr


@pytest.mark.parametrize("content, message", [
    (b"", "is empty"),
    (b"\xff\xfe junk", "is not UTF-8 text"),
    (b"a,b,c\n1,2,3\n", "missing column(s) prnr, isnr, proc, counvte, pcom"),
])
def test_junk_files(cli, tmp_path, content, message):
    path = tmp_path / "deu.tsv"
    path.write_bytes(content)
    result = backtest(cli, path)
    assert result.exit_code == 2
    assert str(path) in result.stderr and message in result.stderr
    assert "Traceback" not in result.output


def test_missing_file(cli, tmp_path):
    result = backtest(cli, tmp_path / "nope.tsv")
    assert result.exit_code == 2
    assert f"{tmp_path / 'nope.tsv'}: no such file" in result.stderr


def test_reader_raises_scenario_error_listing_every_problem(tmp_path):
    path = write_deu3(tmp_path / "deu.tsv", [issue_row("d1", "i1", {"com": "x", "ep": "y"}, outcome=50)])
    with pytest.raises(ScenarioError) as raised:
        read_deu3(path)
    assert [problem.field for problem in raised.value.problems] == ["pcom", "pep"]

"""The DEU III backtest: the published baselines as oracles, out-of-sample scoring, the command and its JSON."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from realpolitik.analysis.backtest import NICE_COUNCIL_VOTES, Scores, capability, run_backtest
from realpolitik.analysis.fitted import ConvexCombination, FittedCapability, SnapToPosition, leave_one_group_out
from realpolitik.io.deu3 import read_deu3
from tests.conftest import shared_file
from tests.io.deu3_table import ACTOR_CODES, issue_row, write_deu3

README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.fixture(scope="module")
def deu3():
    return read_deu3(shared_file("deu3", "deu3.tsv"))


@pytest.fixture(scope="module")
def every_model(deu3):
    """The default backtest, as the README's table reports it (run once: about ten seconds)."""
    return run_backtest(deu3)


# data/deu3/NOTICE.md: "compromise model with GDP x salience weights 23.09; unweighted mean 23.71;
# salience-weighted mean 23.61; GDP x salience weighted median 27.32".
@pytest.mark.parametrize("model, capability_rule, salience_rule, published", [
    ("compromise", "gdp", "recorded", 23.09),
    ("compromise", "equal", "equal", 23.71),
    ("compromise", "equal", "recorded", 23.61),
    ("median", "gdp", "recorded", 27.32),
])
def test_published_baselines(deu3, model, capability_rule, salience_rule, published):
    result = run_backtest(deu3, [model], capability_rule, salience_rule).model(model)
    assert result.overall.n == 353
    assert round(result.overall.mae, 2) == published


def test_scores():
    scores = Scores.of(np.array([-5.0, 10.0, 12.0, -30.0]))
    assert (scores.mae, scores.median_ae, scores.within_10, scores.n) == (14.25, 11.0, 0.5, 4)


def test_breakdowns_partition_the_issues(every_model):
    for result in every_model.models:
        for groups in (result.by_procedure, result.by_voting_rule):
            assert sum(scores.n for scores in groups.values()) == 353
            pooled = sum(scores.mae * scores.n for scores in groups.values()) / 353
            assert pooled == pytest.approx(result.overall.mae)
    assert set(every_model.model("compromise").by_procedure) == {"COD", "CNS"}
    assert every_model.model("compromise").by_procedure["COD"].n == 205


def test_council_votes_of_the_treaty_of_nice(deu3):
    assert sum(NICE_COUNCIL_VOTES.values()) == 352  # 28 member states; QMV threshold 260
    assert sorted(state for state, votes in NICE_COUNCIL_VOTES.items() if votes == 29) == ["de", "fr", "it", "uk"]
    assert set(NICE_COUNCIL_VOTES) == set(ACTOR_CODES) - {"com", "ep"}
    first = deu3.issues[0]
    votes = dict(zip(first.arrays.actors, capability(first, "council-votes")))
    assert (votes["com"], votes["ep"], votes["de"], votes["lu"]) == (29, 29, 29, 4)


def test_leave_one_group_out_never_trains_on_the_held_out_group():
    groups = np.array(["a", "a", "b", "c", "c", "c"])
    seen = []

    def fit_and_predict(training, held_out):
        seen.append((set(groups[training]), set(groups[held_out])))
        return np.full(held_out.sum(), float(training.sum()))

    forecast = leave_one_group_out(groups, fit_and_predict)
    assert seen == [({"b", "c"}, {"a"}), ({"a", "c"}, {"b"}), ({"a", "b"}, {"c"})]
    np.testing.assert_array_equal(forecast, [4, 4, 5, 3, 3, 3])


def _random_dataset(path: Path, reflected: set[str] = frozenset()) -> Path:
    """Twelve dossiers of three issues among eight actors; the same numbers every call, except that the
    outcomes of the ``reflected`` dossiers become 100 - outcome."""
    # A fit that lands on a corner (one model alone, the largest snap distance) for both the plain and
    # the reflected data cannot be moved by other dossiers' outcomes; seeds 0, 1, 3 and 6 to 10 of 0..15 do
    # that for the ensemble or the snapped compromise. This one does not.
    rng = np.random.default_rng(13)
    rows = []
    for dossier in range(12):
        for issue in range(3):
            actors = rng.choice(ACTOR_CODES[:8], size=6, replace=False)
            positions = {actor: int(rng.integers(0, 101)) for actor in actors}
            saliences = {actor: int(rng.integers(10, 101)) for actor in actors}
            outcome = int(rng.integers(0, 101))
            if f"d{dossier}" in reflected:
                outcome = 100 - outcome
            rows.append(issue_row(f"d{dossier}", f"d{dossier}i{issue}", positions, saliences, outcome=outcome,
                                  procedure=("COD", "CNS")[issue % 2]))
    return write_deu3(path, rows)


@pytest.mark.parametrize("model", ["ensemble", "compromise-snap", "fitted-capability", "fitted-capability-snap"])
def test_a_dossier_forecast_ignores_its_own_outcomes(tmp_path, model):
    """Changing one dossier's outcomes leaves its out-of-sample forecasts unchanged; changing every
    other dossier's outcomes changes them (its forecasts come from fits on those)."""
    def forecasts(name: str, reflected: set[str]) -> np.ndarray:
        result = run_backtest(read_deu3(_random_dataset(tmp_path / f"{name}.tsv", reflected)), [model])
        assert result.model(model).validation == "leave-one-dossier-out"
        return result.model(model).forecasts

    own = np.repeat(np.arange(12) == 3, 3)
    plain = forecasts("plain", set())
    np.testing.assert_allclose(forecasts("own", {"d3"})[own], plain[own], rtol=0, atol=1e-9)
    others = {f"d{dossier}" for dossier in range(12)} - {"d3"}
    assert np.max(np.abs(forecasts("others", others)[own] - plain[own])) > 1e-3


def test_fitted_capability_recovers_the_capabilities_that_made_the_outcomes():
    rng = np.random.default_rng(11)
    true_capability = np.array([1.0, 4.0, 0.5, 2.0, 8.0])
    position = rng.uniform(0, 100, size=(300, 5))
    position[rng.random((300, 5)) < 0.2] = np.nan  # absent actors
    position[:, 0] = rng.uniform(0, 100, size=300)  # at least one participant per issue
    salience = rng.uniform(0.1, 1.0, size=(300, 5))
    present = ~np.isnan(position)
    weight = np.where(present, true_capability * salience, 0.0)
    outcome = (weight * np.nan_to_num(position)).sum(axis=1) / weight.sum(axis=1)
    fitted = FittedCapability().fit(position, salience, outcome)
    ratios = fitted.capability_ / fitted.capability_[0]
    np.testing.assert_allclose(ratios, true_capability, rtol=0.02)
    assert np.max(np.abs(fitted.predict(position, salience) - outcome)) < 0.1


def test_snapping_finds_the_distance_that_made_the_outcomes():
    """Outcomes made by snapping forecasts onto the nearest position within 7 points; every other
    forecast lies 12 or more points from its nearest position, so 7 is the smallest exact distance."""
    rng = np.random.default_rng(3)
    position = np.tile([0.0, 40.0, 100.0, np.nan], (120, 1))
    position[::2, 3] = 60.0
    offset = rng.choice([-7.0, -3.0, 0.0, 5.0, 7.0, 12.0, -15.0], size=120)
    forecast = 40.0 + offset
    outcome = np.where(np.abs(offset) <= 7, 40.0, forecast)
    snap = SnapToPosition().fit(forecast, position, outcome)
    assert snap.distance_ == 7
    np.testing.assert_array_equal(snap.predict(forecast, position), outcome)
    np.testing.assert_array_equal(snap.predict(np.array([54.0, 54.0]), position[:2]), [60.0, 54.0])


def test_convex_combination_finds_the_mix_that_made_the_outcomes():
    rng = np.random.default_rng(5)
    forecasts = rng.uniform(0, 100, size=(80, 3))
    outcome = forecasts @ np.array([0.3, 0.0, 0.7])
    weights = ConvexCombination().fit(forecasts, outcome).weights_
    np.testing.assert_allclose(weights, [0.3, 0.0, 0.7], atol=1e-6)


def test_readme_table_is_what_the_backtest_gives(every_model):
    """Every MAE in the README's DEU III table comes from this backtest (to the two decimals shown)."""
    section = README.read_text().split("## Accuracy on 353 real EU negotiations (DEU III)")[1].split("\n## ")[0]
    rows = re.findall(r"^\| `([\w:-]+)` \| ([\d.]+) \|", section, flags=re.MULTILINE)
    assert {model for model, _ in rows} == {result.model for result in every_model.models}
    for model, mae in rows:
        assert f"{every_model.model(model).overall.mae:.2f}" == mae, model


def test_readme_calibration_is_the_benchmarks():
    """The README's interval calibration is the one written by benchmarks/deu3_backtest.py, for the same
    models."""
    results = json.loads((README.parent / "benchmarks" / "results" / "deu3_backtest.json").read_text())
    section = README.read_text().split("**Interval calibration.**")[1].split("Reading rules")[0]
    rows = re.findall(r"^\| `([\w:-]+)` \| (\d+)% \| (\d+)% \| (\d+)% \|", section, flags=re.MULTILINE)
    benchmark = {model["model"]: model for model in results["calibration"]["models"]}
    assert [model for model, *_ in rows] == list(benchmark)
    for model, *shares in rows:
        assert shares == [f"{100 * benchmark[model][f'inside_{level}']:.0f}" for level in (50, 80, 95)], model
    assert results["calibration"]["draws"] == 200 and results["calibration"]["seed"] == 0


def test_fitted_capability_beats_the_baseline_out_of_sample(every_model):
    fitted = every_model.model("fitted-capability")
    assert fitted.validation == "leave-one-dossier-out"
    assert fitted.overall.mae < every_model.model("compromise").overall.mae


def test_json_contract(cli):
    result = cli("backtest", "deu3", "--data", str(shared_file("deu3", "deu3.tsv")), "--models",
                 "compromise,eum:bdm-pairwise", "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert [model["model"] for model in document["models"]] == ["compromise", "eum:bdm-pairwise"]
    compromise = document["models"][0]
    assert round(compromise["mae"], 2) == 23.09 and compromise["n"] == 353
    assert set(compromise) >= {"model", "mae", "median_ae", "within_10", "n", "by_procedure", "by_voting_rule"}
    assert set(compromise["by_voting_rule"]) == {"QMV", "QMV(10)", "Unan"}
    assert compromise["by_procedure"]["CNS"]["n"] == 148
    assert document["calibration"] is None
    assert len(document["issues"]) == 353
    assert document["issues"][0]["outcome"] == 100 and set(document["issues"][0]["forecasts"]) == \
        {"compromise", "eum:bdm-pairwise"}


def test_the_run_is_stored(cli):
    from realpolitik.store import list_runs

    data = shared_file("deu3", "deu3.tsv")
    result = cli("backtest", "deu3", "--data", str(data), "--models", "compromise", "--capability", "equal")
    assert result.exit_code == 0
    (stored,) = list_runs(kind="backtest")
    assert stored.parameters == {"dataset": "deu3", "data": str(data), "capability": "equal", "salience": "recorded"}
    assert stored.models == ["compromise"]
    assert round(stored.result["models"][0]["mae"], 2) == 23.61


def test_table_output(cli):
    result = cli("backtest", "deu3", "--data", str(shared_file("deu3", "deu3.tsv")), "--models", "compromise,median")
    assert result.exit_code == 0
    assert re.search(r"compromise\s+│\s+23\.09", result.stdout)
    assert re.search(r"median\s+│\s+27\.32", result.stdout)
    assert "MAE by Council voting rule" in result.stdout and "10.34810/data53" in result.stdout


@pytest.mark.parametrize("arguments, message", [
    (["backtest", "deu2", "--data", "x.tsv"], "unknown dataset 'deu2' (datasets: deu3)"),
    (["backtest", "deu3", "--data", "{data}", "--models", "compromise,oracle"], "unknown model 'oracle'"),
    (["backtest", "deu3", "--data", "{data}", "--models", "eum:nonesuch"], "model 'eum' has no preset 'nonesuch'"),
    (["backtest", "deu3", "--data", "{data}", "--models", ","], "--models names no model"),
])
def test_bad_requests(cli, tmp_path, arguments, message):
    data = write_deu3(tmp_path / "deu.tsv", [issue_row("d1", "i1", {"com": 100}, outcome=50)])
    result = cli(*(argument.format(data=data) for argument in arguments))
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_models_that_span_issues_run_each_dossier_as_one_table(cli):
    """SMP and exchange negotiate a dossier's issues together; every usable issue gets a forecast
    inside the range of its positions."""
    from realpolitik.analysis.backtest import forecast_issues
    from realpolitik.io.deu3 import read_deu3

    dataset = read_deu3(shared_file("deu3", "deu3.tsv"))
    for model in ("smp", "exchange"):
        forecasts = forecast_issues(dataset, model)
        assert forecasts.shape == (353,)
        for issue, value in zip(dataset.issues, forecasts):
            assert issue.arrays.position.min() - 1e-6 <= value <= issue.arrays.position.max() + 1e-6

"""Models that span issues, run on a batch of tables at once, give the numbers of running the
tables one by one (the adapters' ``run_table``): forecasts and every stability field, to 1e-9,
on seeded Monte Carlo draws of the flagship scenario and on lever steps."""

from __future__ import annotations

import numpy as np
import pytest

from realpolitik.analysis.levers import LeverSteps, _stepped_tables
from realpolitik.analysis.montecarlo import ValueTable
from realpolitik.forecast import MODELS, resolve_options
from realpolitik.io import load_scenario
from realpolitik.models.table_batch import draw_by_draw
from realpolitik.scenario import Uncertainty

FIELDS = ("forecast", "status", "period", "low", "high", "rounds_run")


def _batched_without_the_kernel(model, tables, options, monkeypatch):
    """The batch's result, checking that no draw was handed to the one-by-one path."""
    handed = []

    def refuse(batch, run_table, options):
        handed.append(batch.draws)
        return draw_by_draw(batch, run_table, options)

    monkeypatch.setattr(f"realpolitik.models.{model}.batch.draw_by_draw", refuse)
    result = MODELS[model].run_tables(tables, options)
    assert handed == []
    return result


def _assert_same(batched, one_by_one) -> None:
    for name in FIELDS:
        np.testing.assert_allclose(getattr(batched, name), getattr(one_by_one, name), rtol=0, atol=1e-9,
                                   err_msg=name)


@pytest.mark.parametrize("model", ["smp", "exchange"])
def test_seeded_draws_equal_the_draws_one_by_one(model, monkeypatch):
    scenario = load_scenario("ukraine-2025-03")
    table = ValueTable.of(scenario, scenario.uncertainty or Uncertainty())
    tables = table.table_batch(table.draw(np.random.default_rng(11), 12))
    options = resolve_options(model)
    batched = _batched_without_the_kernel(model, tables, options, monkeypatch)
    one_by_one = draw_by_draw(tables, MODELS[model].run_table, options)
    _assert_same(batched, one_by_one)
    assert len(np.unique(one_by_one.forecast.round(6), axis=0)) == 12  # the draws differ


@pytest.mark.parametrize("model", ["smp", "exchange"])
def test_lever_steps_equal_the_steps_one_by_one(model, monkeypatch):
    """The flagship's own numbers give exchanges of exactly equal gain: the order the kernel's queue
    gives them is kept."""
    scenario = load_scenario("ukraine-2025-03")
    table = ValueTable.of(scenario, Uncertainty())
    _, rows = _stepped_tables(table, 0, LeverSteps())
    tables = table.table_batch(rows[:10])
    options = resolve_options(model)
    batched = _batched_without_the_kernel(model, tables, options, monkeypatch)
    _assert_same(batched, draw_by_draw(tables, MODELS[model].run_table, options))


def test_exchange_ties_decided_by_a_coin_are_the_kernels():
    scenario = load_scenario("ukraine-2025-03")
    table = ValueTable.of(scenario, Uncertainty())
    _, rows = _stepped_tables(table, 1, LeverSteps())
    tables = table.table_batch(rows[:4])
    options = resolve_options("exchange", "decide-2022-coin")
    _assert_same(MODELS["exchange"].run_tables(tables, options),
                 draw_by_draw(tables, MODELS["exchange"].run_table, options))


def test_smp_draws_that_hit_the_round_limit_and_stop_early_in_one_batch():
    scenario = load_scenario("ukraine-2025-03")
    table = ValueTable.of(scenario, scenario.uncertainty or Uncertainty())
    tables = table.table_batch(table.draw(np.random.default_rng(3), 30))
    options = resolve_options("smp", overrides={"max_iterations": 10})
    batched = MODELS["smp"].run_tables(tables, options)
    one_by_one = draw_by_draw(tables, MODELS["smp"].run_table, options)
    _assert_same(batched, one_by_one)
    rounds = set(one_by_one.rounds_run.tolist())
    assert 10 in rounds and len(rounds) >= 3  # some stopped early, at different turns, some at the limit


def test_smp_ideal_adjustments_in_one_batch(monkeypatch):
    """KTAB's ideal-accommodation matrix: Russia's ideal keeps 10% of its own lag and moves 30% toward the USA."""
    scenario = load_scenario("ukraine-2025-03")
    table = ValueTable.of(scenario, scenario.uncertainty or Uncertainty())
    tables = table.table_batch(table.draw(np.random.default_rng(5), 6))
    options = resolve_options("smp", overrides={"ideal_adjustment": [
        {"adjusting": "Russia", "reference": "Russia", "adjust": 0.6},
        {"adjusting": "Russia", "reference": "USA", "adjust": 0.3}]})
    batched = _batched_without_the_kernel("smp", tables, options, monkeypatch)
    _assert_same(batched, draw_by_draw(tables, MODELS["smp"].run_table, options))


@pytest.mark.parametrize("model", ["smp", "exchange"])
def test_a_one_issue_scenario_in_one_batch(model):
    """One issue: nothing to trade across for the exchange model, one dimension for the SMP."""
    scenario = load_scenario("emissions-1994")
    table = ValueTable.of(scenario, scenario.uncertainty or Uncertainty())
    tables = table.table_batch(table.draw(np.random.default_rng(1), 6))
    options = resolve_options(model)
    _assert_same(MODELS[model].run_tables(tables, options), draw_by_draw(tables, MODELS[model].run_table, options))

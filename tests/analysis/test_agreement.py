"""Deal or no deal on hand-derived cases (Tsebelis's rule |y - x_v| <= |q - x_v|)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from realpolitik.analysis.agreement import accepts, agreement, outcome
from realpolitik.analysis.outlook import share


def test_veto_player_accepts_what_is_no_farther_than_the_reversion_point():
    # Veto player at 30, reversion 0: it accepts 0..60 (60 is as far as 0), refuses 61 and -5.
    result = accepts(np.array([10.0, 60.0, 61.0, -5.0, 0.0]), np.array([[30.0]] * 5), 0.0, 100.0)
    assert result[:, 0].tolist() == [True, True, False, False, True]


def test_two_veto_players_on_one_side_accept_up_to_the_reflection_through_the_nearer():
    # Reversion 0, veto players at 20 and 70: the winset is 0..40 (reflection of 0 through 20).
    ideals = np.array([[20.0, 70.0]] * 3)
    assert agreement(np.array([40.0, 41.0, 25.0]), ideals, 0.0, 100.0).tolist() == [True, False, True]


def test_veto_players_on_both_sides_leave_only_the_reversion_point():
    # Reversion 50, veto players at 20 and 80: no point but 50 satisfies both.
    ideals = np.array([[20.0, 80.0]] * 3)
    assert agreement(np.array([45.0, 55.0, 50.0]), ideals, 50.0, 100.0).tolist() == [False, False, False]


def test_a_veto_player_at_the_reversion_point_blocks_every_other_settlement():
    ideals = np.array([[0.0, 75.0]] * 4)
    assert not agreement(np.array([1.0, 25.0, 62.0, 100.0]), ideals, 0.0, 100.0).any()


def test_settling_on_the_reversion_point_is_no_agreement():
    assert agreement(np.array([0.0]), np.array([[50.0]]), 0.0, 100.0).tolist() == [False]


def test_without_veto_players_any_move_is_an_agreement():
    assert agreement(np.array([0.0, 30.0]), np.empty((2, 0)), 0.0, 100.0).tolist() == [False, True]


def test_the_outcome_mixes_settlement_and_reversion():
    assert outcome(np.array([40.0, 70.0]), np.array([True, False]), 5.0).tolist() == [40.0, 5.0]


@given(st.floats(-1e3, 1e3), st.floats(-1e3, 1e3), st.floats(-1e3, 1e3), st.floats(0.1, 10),
       st.floats(-1e3, 1e3))
def test_agreement_is_affine_equivariant(settlement, ideal, reversion, scale, shift):
    before = agreement(np.array([settlement]), np.array([[ideal]]), reversion, 2000.0)
    after = agreement(np.array([settlement * scale + shift]), np.array([[ideal * scale + shift]]),
                      reversion * scale + shift, 2000.0 * scale)
    assert before.tolist() == after.tolist()


def test_wilson_interval_matches_hand_computed_values():
    from realpolitik.analysis.outlook import wilson_interval

    # 0 of 200: centre (0 + 1.96²/400) / (1 + 1.96²/200) = 0.00942; half-width the same: 0 .. 0.01884.
    low, high = wilson_interval(0.0, 200)
    assert low == 0.0 and abs(high - 0.01884) < 1e-4
    # 50 of 100: 0.5 ± 1.96 * sqrt(0.25/100 + 1.96²/40000) / (1 + 1.96²/100) = 0.4038 .. 0.5962.
    low, high = wilson_interval(0.5, 100)
    assert abs(low - 0.4038) < 1e-4 and abs(high - 0.5962) < 1e-4


def test_winset_of_veto_players_on_one_side_and_on_both_sides():
    from realpolitik.analysis.outlook import winset

    # Reversion 0, ideals 20 and 70: [0, 40] (reflection of 0 through the nearer ideal, 20).
    assert winset([20.0, 70.0], 0.0) == (0.0, 40.0)
    # Reversion 50, ideals 20 and 80 on both sides: only 50 itself.
    assert winset([20.0, 80.0], 50.0) == (50.0, 50.0)


def test_outlook_says_how_far_a_refusing_veto_player_must_move():
    from realpolitik.analysis.outlook import issue_outlook

    # Settlement 75, reversion 20; Russia at 20 refuses, Ukraine at 75 accepts: Russia would accept 75 from the
    # midpoint (20 + 75) / 2 = 47.5 on. The draws found no deal.
    document = {"issue": "ceasefire", "scale": [0, 100], "anchors": {}, "forecast": 75.0, "status_quo": 20.0,
                "rounds": [{"positions": {"Russia": 20.0, "Ukraine": 75.0, "USA": 80.0}}],
                "agreement": {"probability": 0.0, "draws": 200, "reversion": 20.0, "veto_players": ["Russia", "Ukraine"],
                              "refusal_share": {"Russia": 1.0, "Ukraine": 0.0}, "outcome_median": 20.0,
                              "agreed_settlement_median": None}}
    outlook = issue_outlook(document, {"eum": document}, "eum", None)
    assert outlook.most_likely == 20.0 and outlook.agreement_probability == 0.0
    text = " ".join(outlook.sentences)
    assert "the veto players accept only 20" in text
    assert "Russia from 20 to at least 48" in text
    assert "Russia (100%)" in text and "Ukraine (" not in text


@pytest.mark.parametrize(("probability", "text"), [
    (0.0, "0%"), (1.0, "100%"), (0.002, "<1%"), (0.005, "<1%"),  # 1 draw in 200 is no 0%
    (0.995, ">99%"), (0.999, ">99%"), (0.37, "37%"), (0.006, "1%"),
])
def test_a_probability_is_never_rounded_to_certainty(probability, text):
    assert share(probability) == text

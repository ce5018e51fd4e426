"""Which scale saliences are on, where a file does not say: inferred only where the numbers leave no doubt.

Saliences are read onto 0..100. A file that does not state its scale is read as
0..1 (then multiplied by 100) when every salience is at most 1 and some are fractions
strictly between 0 and 1, and as 0..100 when the largest exceeds
:data:`PLAINLY_PERCENT`. Anything else is ambiguous and refused, with a message saying
how to state the scale: saliences that are all 0 or 1 (fractions, or actors that hardly
care?), or a largest salience between 1 and 10 (above 0..1, too small to be plainly
0..100: 0.5 and 1.4 are more likely a typo in a 0..1 file than two indifferent actors).
"""

from __future__ import annotations

from realpolitik.scenario import Problem, ScenarioError

#: Without a stated scale, saliences whose largest value exceeds this are plainly on 0..100.
PLAINLY_PERCENT = 10.0


def inferred_salience_factor(saliences: list[float], where: str, inferences: list[str], how: str) -> float:
    """The factor onto 0..100 of saliences on no stated scale; appends the inference to ``inferences``.

    Raises :class:`ScenarioError` (file ``where``, row 1, field ``Salience``) where the scale
    is ambiguous; ``how`` tells the user how to state it.
    """
    largest = max(saliences)
    if largest <= 1 and any(0 < value < 1 for value in saliences):
        inferences.append(f"saliences read as 0..1 and multiplied by 100 (every one is at most 1 and some are "
                          f"fractions); {how}")
        return 100.0
    if largest > PLAINLY_PERCENT:
        inferences.append(f"saliences read as 0..100 (the largest is {largest:g}); {how}")
        return 1.0
    reason = ("every salience is 0 or 1, which reads as 0..1 (then multiplied by 100) or as 0..100 (actors that "
              "hardly care)" if largest <= 1 else
              f"the largest salience is {largest:g}: above 1, so not 0..1, yet too small to be plainly 0..100")
    raise ScenarioError([Problem(f"the salience scale is ambiguous: {reason}; {how}", file=where, row=1,
                                 field="Salience")])

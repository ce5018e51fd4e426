"""A predictive distribution on a bounded scale: point masses plus a piecewise-uniform part.

Outcomes of negotiations are often one of the positions put forward (on DEU III 64%
of outcomes equal some actor's position) and otherwise fall between them, so a useful
forecast distribution mixes *atoms* (probability ``m_j`` exactly at ``a_j``) with a
*continuous part* given as probability ``w_c`` spread uniformly over each cell
``[e_c, e_{c+1})`` of a grid. Its CDF is

    F(x) = Σ_{a_j ≤ x} m_j + Σ_c w_c · clip((x - e_c) / (e_{c+1} - e_c), 0, 1),

piecewise linear with jumps at the atoms. Draws of a Monte Carlo run and point
forecasts are the special cases without a continuous part. Everything here is exact
for this representation: the CDF from the left and the right, quantiles
(``Q(p) = inf{x: F(x) ≥ p}``), central intervals ``[Q((1-p)/2), Q((1+p)/2)]``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Tolerance on cumulative probabilities (sums of many masses are not exact).
PROBABILITY_TOLERANCE = 1e-9


@dataclass(frozen=True)
class MixedDistribution:
    """Atoms ``atom_values (J,)`` (sorted, distinct) with ``atom_masses (J,)``, and a continuous part:
    ``cell_masses (C,)`` spread uniformly over the cells of ``cell_edges (C + 1,)`` (increasing;
    empty when there is no continuous part). The masses sum to 1."""

    atom_values: np.ndarray
    atom_masses: np.ndarray
    cell_edges: np.ndarray
    cell_masses: np.ndarray

    @classmethod
    def create(cls, atom_values, atom_masses, cell_edges=(), cell_masses=()) -> MixedDistribution:
        """Merge equal atom values, drop zero masses, and normalise the total to 1."""
        values = np.asarray(atom_values, dtype=float).ravel()
        masses = np.asarray(atom_masses, dtype=float).ravel()
        edges = np.asarray(cell_edges, dtype=float).ravel()
        cells = np.asarray(cell_masses, dtype=float).ravel()
        if values.shape != masses.shape or (cells.size and edges.size != cells.size + 1):
            raise ValueError("atom values and masses, or cell edges and masses, do not match in size")
        if np.any(masses < 0) or np.any(cells < 0) or np.any(np.diff(edges) <= 0):
            raise ValueError("masses must be non-negative and cell edges increasing")
        total = masses.sum() + cells.sum()
        if not total > 0:
            raise ValueError("a distribution needs positive mass")
        unique, inverse = np.unique(values, return_inverse=True)
        merged = np.bincount(inverse, weights=masses, minlength=unique.size) if values.size else masses
        keep = merged > 0
        if not cells.size:
            edges = np.empty(0)
        return cls(unique[keep], merged[keep] / total, edges, cells / total)

    @classmethod
    def point(cls, value: float) -> MixedDistribution:
        """All the probability at ``value``: a point forecast."""
        return cls.create([value], [1.0])

    @classmethod
    def from_draws(cls, draws) -> MixedDistribution:
        """The empirical distribution of ``draws``: mass 1/B at each draw."""
        draws = np.asarray(draws, dtype=float).ravel()
        return cls.create(draws, np.full(draws.size, 1.0 / draws.size))

    @property
    def breakpoints(self) -> np.ndarray:
        """The sorted points where F jumps or changes slope."""
        return np.union1d(self.atom_values, self.cell_edges)

    def cdf(self, x) -> np.ndarray:
        """``F(x) = P(X ≤ x)``, elementwise."""
        return self._atoms_up_to(x, "right") + self._continuous(x)

    def cdf_left(self, x) -> np.ndarray:
        """``F(x-) = P(X < x)``, elementwise."""
        return self._atoms_up_to(x, "left") + self._continuous(x)

    def _atoms_up_to(self, x, side: str) -> np.ndarray:
        cumulative = np.concatenate([[0.0], np.cumsum(self.atom_masses)])
        return cumulative[np.searchsorted(self.atom_values, np.asarray(x, dtype=float), side=side)]

    def _continuous(self, x) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        if not self.cell_masses.size:
            return np.zeros_like(x)
        return np.interp(x, self.cell_edges, np.concatenate([[0.0], np.cumsum(self.cell_masses)]))

    def quantile(self, probability: float) -> float:
        """``Q(p) = inf{x: F(x) ≥ p}`` (for ``p ≤ 0`` the lowest point of the support)."""
        points = self.breakpoints
        right, left = self.cdf(points), self.cdf_left(points)
        target = probability - PROBABILITY_TOLERANCE
        index = int(np.argmax(right >= target)) if np.any(right >= target) else points.size - 1
        if index > 0 and left[index] >= target and left[index] > right[index - 1]:
            start, end = points[index - 1], points[index]
            share = (probability - right[index - 1]) / (left[index] - right[index - 1])
            return float(start + np.clip(share, 0.0, 1.0) * (end - start))
        return float(points[index])

    @property
    def median(self) -> float:
        return self.quantile(0.5)

    def central_interval(self, level: float) -> tuple[float, float]:
        """``[Q((1 - level) / 2), Q((1 + level) / 2)]``; ``level`` in 0..1."""
        return self.quantile((1.0 - level) / 2.0), self.quantile((1.0 + level) / 2.0)

    def mass_between(self, low: float, high: float) -> float:
        """``P(low ≤ X ≤ high)``."""
        return float(self.cdf(high) - self.cdf_left(low))

    def mixed_with(self, other: MixedDistribution, weight_of_other: float) -> MixedDistribution:
        """``(1 - q) · self + q · other`` for ``q = weight_of_other`` in 0..1."""
        if not 0.0 <= weight_of_other <= 1.0:
            raise ValueError(f"mixing weight {weight_of_other} is outside 0..1")
        keep = 1.0 - weight_of_other
        values = np.concatenate([self.atom_values, other.atom_values])
        masses = np.concatenate([keep * self.atom_masses, weight_of_other * other.atom_masses])
        if self.cell_masses.size and other.cell_masses.size and not np.array_equal(self.cell_edges, other.cell_edges):
            raise ValueError("cannot mix continuous parts on different grids")
        edges = self.cell_edges if self.cell_masses.size else other.cell_edges
        cells = (keep * self.cell_masses if self.cell_masses.size else 0.0) + (
            weight_of_other * other.cell_masses if other.cell_masses.size else 0.0)
        return MixedDistribution.create(values, masses, edges, np.atleast_1d(cells) if edges.size else ())

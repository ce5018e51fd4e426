"""KTAB's pseudo-random number generator, reproduced bit for bit.

KTAB (``KBase::PRNG``) draws 64-bit integers from C++11's ``std::mt19937_64``
seeded with the run's 64-bit seed, passes each through a fixed one-to-one
quadratic map (``qTrans``: ``q(s) = (s + a) * (2 s + 3) mod 2**64`` with
``a = 0xE08C1D668B756F83``), and turns it into a uniform number on [0, 1] by
dividing by ``2**64 - 1``. The SMP's stochastic state transitions pick one
bargain per actor with ``probSel``: draw ``u`` and take the first option whose
cumulative probability reaches ``u``.

Reproducing the generator lets a stochastic run be replayed against a KTAB log
(``20170530_ref-smpExample.txt`` was made this way). The Mersenne Twister here
is the standard 64-bit one (Matsumoto & Nishimura 1998; Nishimura 2000); the
test suite checks it against the C++ standard's required 10000th output.
"""

from __future__ import annotations

from collections.abc import Sequence

_MASK = (1 << 64) - 1
_STATE_SIZE = 312
_SHIFT_SIZE = 156
_MATRIX_A = 0xB5026F5AA96619E9
_UPPER = 0xFFFFFFFF80000000
_LOWER = 0x7FFFFFFF
_INIT_MULTIPLIER = 6364136223846793005
_QTRANS_OFFSET = 0xE08C1D668B756F83


class MersenneTwister64:
    """The 64-bit Mersenne Twister (``std::mt19937_64``), one integer at a time."""

    def __init__(self, seed: int):
        state = [seed & _MASK]
        for index in range(1, _STATE_SIZE):
            previous = state[-1]
            state.append((_INIT_MULTIPLIER * (previous ^ (previous >> 62)) + index) & _MASK)
        self._state = state
        self._index = _STATE_SIZE

    def _twist(self) -> None:
        state = self._state
        for k in range(_STATE_SIZE):
            y = (state[k] & _UPPER) | (state[(k + 1) % _STATE_SIZE] & _LOWER)
            value = state[(k + _SHIFT_SIZE) % _STATE_SIZE] ^ (y >> 1)
            if y & 1:
                value ^= _MATRIX_A
            state[k] = value
        self._index = 0

    def next_integer(self) -> int:
        """The next 64-bit output."""
        if self._index >= _STATE_SIZE:
            self._twist()
        y = self._state[self._index]
        self._index += 1
        y ^= (y >> 29) & 0x5555555555555555
        y ^= (y << 17) & 0x71D67FFFEDA60000
        y ^= (y << 37) & 0xFFF7EEE000000000
        y ^= y >> 43
        return y & _MASK


def quadratic_transform(value: int) -> int:
    """KTAB's ``qTrans``: a fixed-point-free bijection of 64-bit integers."""
    return ((value + _QTRANS_OFFSET) * (2 * value + 3)) & _MASK


class KTABRandom:
    """KTAB's ``PRNG``: ``mt19937_64`` followed by ``qTrans``.

    ``seed`` must be a non-zero 64-bit unsigned integer (KTAB replaces 0 by a
    random seed; here the caller chooses one).
    """

    def __init__(self, seed: int):
        if not 0 < seed <= _MASK:
            raise ValueError(f"the seed must be an integer in 1..2**64-1, got {seed}")
        self.seed = seed
        self._twister = MersenneTwister64(seed)

    def integer(self) -> int:
        """KTAB's ``PRNG::uniform()``: a 64-bit integer."""
        return quadratic_transform(self._twister.next_integer())

    def uniform(self) -> float:
        """KTAB's ``PRNG::uniform(0, 1)``."""
        return float(self.integer()) / float(_MASK)

    def select(self, probabilities: Sequence[float]) -> int:
        """KTAB's ``PRNG::probSel``: the first index whose cumulative probability reaches a draw."""
        draw = self.uniform()
        total = 0.0
        for index, probability in enumerate(probabilities):
            total = total + float(probability)
            if draw <= total:
                return index
        return len(probabilities) - 1

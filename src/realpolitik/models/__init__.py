"""Forecasting models, one package each (kernel, options and presets, the forecast layer's
adapter); every kernel is a pure function of arrays. Shared: :mod:`.weighted` (weighted
mean and median), :mod:`.runs` (what adapters return), :mod:`.stability` (converged,
cycle or still moving).

Array shapes: a leading batch axis of Monte Carlo draws ``B`` and an actor axis ``N``
(``positions: (B, N)``). Saliences are on 0..1, capabilities non-negative.
"""

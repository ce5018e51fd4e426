"""Forecasting models, one module each; every kernel is a pure function of arrays.

Array shapes: a leading batch axis of Monte Carlo draws ``B`` and an actor axis ``N``
(``positions: (B, N)``). Saliences are on 0..1, capabilities non-negative.
"""

"""Analyses built on the forecasting models: Monte Carlo, leverage, backtests and the like."""

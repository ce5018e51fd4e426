"""Stokman and Van Oosten's exchange model: the run and its results (:mod:`.kernel`), one round
of trades (:mod:`.trades`), options and presets (:mod:`.options`), the forecast layer's
adapter (:mod:`.adapter`) and its batch of tables (:mod:`.batch`, whose rounds are compiled in
:mod:`.compiled`)."""

from realpolitik.models.exchange.adapter import run_table
from realpolitik.models.exchange.batch import run_tables
from realpolitik.models.exchange.kernel import ExchangeRecord, ExchangeResult, run_exchange
from realpolitik.models.exchange.options import PRESETS, ExchangeOptions

__all__ = ["PRESETS", "ExchangeOptions", "ExchangeRecord", "ExchangeResult", "run_exchange", "run_table", "run_tables"]

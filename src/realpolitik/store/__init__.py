"""The run store: every forecast, simulation and backtest with its inputs, options,
seed, package version and results, and the scenarios saved from the web app.

The database is SQLite by default, at :func:`default_database_url` (under
``$XDG_DATA_HOME/realpolitik/`` or ``~/.local/share/realpolitik/``); the
``REALPOLITIK_DB`` environment variable or a ``db`` argument (``--db`` on the
command line) names another file or any SQLAlchemy URL, such as
``postgresql+psycopg://user@host/realpolitik``. Each run is written in one
transaction, so a run that is killed midway leaves no record at all.
"""

from realpolitik.store.database import StoreError, database_url, default_database_url, open_store
from realpolitik.store.diff import diff_runs
from realpolitik.store.ledger import (
    LedgerError,
    QuestionNotFound,
    export_ledger,
    get_question,
    import_ledger,
    list_questions,
    record_forecasts,
    resolve_question,
)
from realpolitik.store.rerun import reproduction_differences, rerun_run
from realpolitik.store.runs import RunNotFound, StoredRun, export_run, get_run, list_runs, record_run
from realpolitik.store.scenarios import (
    ScenarioNotFound,
    delete_saved_scenario,
    get_saved_scenario,
    list_saved_scenarios,
    save_scenario,
)

__all__ = [
    "LedgerError", "QuestionNotFound", "export_ledger", "get_question", "import_ledger", "list_questions",
    "record_forecasts", "resolve_question",
    "RunNotFound", "ScenarioNotFound", "StoreError", "StoredRun", "database_url", "default_database_url",
    "delete_saved_scenario", "diff_runs", "export_run", "get_run", "get_saved_scenario", "list_runs",
    "list_saved_scenarios", "open_store", "record_run", "reproduction_differences", "rerun_run", "save_scenario",
]

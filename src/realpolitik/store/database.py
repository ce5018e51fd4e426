"""Where the store lives and how to talk to it: URL resolution, engines, transactions."""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from realpolitik.store.tables import Base

#: The environment variable naming the database (a file path or an SQLAlchemy URL).
DATABASE_VARIABLE = "REALPOLITIK_DB"


class StoreError(Exception):
    """The store cannot be opened or written; the message says which database and why."""


class StoreAddressError(StoreError):
    """The store's URL names no database this tool can use: malformed, an unknown dialect, or a
    driver that is not installed. Unlike a store that cannot be reached, it is the user's to fix."""


def shown_url(url: str) -> str:
    """The URL as messages show it: any password replaced by ``***``."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def _reason(error: BaseException) -> str:
    """Why a database call failed, in the driver's words: without SQLAlchemy's wrapping, the
    statement it ran, or its link to background reading."""
    reason = str(getattr(error, "orig", None) or error)
    kept = [line.strip() for line in reason.splitlines()
            if line.strip() and not line.strip().startswith(("(Background on this error", "[SQL:", "[parameters:"))]
    return " ".join(kept) or type(error).__name__


def default_database_url() -> str:
    """``sqlite:///$XDG_DATA_HOME/realpolitik/runs.sqlite`` (``~/.local/share`` without XDG_DATA_HOME)."""
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return f"sqlite:///{Path(data_home) / 'realpolitik' / 'runs.sqlite'}"


def database_url(db: str | None = None) -> str:
    """The database to use: ``db`` if given, else ``$REALPOLITIK_DB``, else the default.

    A value without ``://`` is a path to an SQLite file.
    """
    value = db or os.environ.get(DATABASE_VARIABLE) or default_database_url()
    url = value if "://" in value else f"sqlite:///{Path(value).expanduser().resolve()}"
    _refuse_temporary(url)
    return url


def _refuse_temporary(url: str) -> None:
    """Refuse an SQLite database that lives in memory only (``sqlite://``, ``sqlite:///``,
    ``sqlite:///:memory:``, ``mode=memory``): every run stored there is gone when the command ends."""
    from sqlalchemy.engine import make_url

    try:
        parsed = make_url(url)
    except ArgumentError:
        return  # reported when the store is opened
    if parsed.get_backend_name() != "sqlite":
        return
    database = parsed.database or ""
    if database in ("", ":memory:") or database.startswith("file::memory:") or \
            "memory" in str(parsed.query.get("mode", "")):
        raise StoreError(f"the run store {url} is an in-memory database that keeps nothing once the command "
                         "ends; give a file (e.g. --db runs.sqlite)")


def _tune_sqlite(connection, _record) -> None:
    """Write-ahead logging so readers never block the writer; wait for locks instead of failing."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


#: Engines kept open at once; the least recently used one is closed beyond this.
OPEN_ENGINES = 8
_sessionmakers: OrderedDict[str, sessionmaker[Session]] = OrderedDict()
_opening = threading.Lock()


def _open(url: str) -> sessionmaker[Session]:
    """An engine for ``url`` with its tables created (retried once, for another process creating them too)."""
    try:
        if url.startswith("sqlite:///"):
            Path(url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
        engine: Engine = create_engine(url)
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _tune_sqlite)
        try:
            Base.metadata.create_all(engine)
        except SQLAlchemyError:
            Base.metadata.create_all(engine)
    except (ArgumentError, ImportError) as error:
        raise StoreAddressError(f"cannot open the run store {shown_url(url)}: {_reason(error)}") from None
    except (SQLAlchemyError, OSError) as error:
        raise StoreError(f"cannot open the run store {shown_url(url)}: {_reason(error)}") from None
    return sessionmaker(engine, expire_on_commit=False)


def _sessions(url: str) -> sessionmaker[Session]:
    """One engine per database, shared by all threads and opened by the first of them."""
    with _opening:
        if url not in _sessionmakers:
            _sessionmakers[url] = _open(url)
            if len(_sessionmakers) > OPEN_ENGINES:
                _, oldest = _sessionmakers.popitem(last=False)
                oldest.kw["bind"].dispose()
        _sessionmakers.move_to_end(url)
        return _sessionmakers[url]


def open_store(db: str | None = None) -> str:
    """Open the store now (creating its tables) so that a bad location fails early; returns its URL."""
    url = database_url(db)
    _sessions(url)
    return url


@contextmanager
def transaction(db: str | None = None) -> Iterator[Session]:
    """A session whose work is committed at the end of the block, or not at all."""
    url = database_url(db)
    sessions = _sessions(url)
    try:
        with sessions.begin() as session:
            yield session
    except SQLAlchemyError as error:
        raise StoreError(f"run store {shown_url(url)}: {_reason(error)}") from None

"""The scenario library the web app offers: the built-in scenarios (read-only) and the saved ones.

Scenarios are addressed by name only; the browser never names a server file.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from realpolitik.scenario import Scenario
from realpolitik.scenarios import builtin_names, load_builtin
from realpolitik.store import get_saved_scenario, list_saved_scenarios


class ReadOnlyScenario(PermissionError):
    """A built-in scenario cannot be changed or deleted."""

    def __init__(self, name: str):
        super().__init__(f"'{name}' is a built-in scenario and cannot be changed; save it under another name")


@dataclass(frozen=True)
class LibraryEntry:
    """A scenario of the library and where it comes from."""

    scenario: Scenario
    builtin: bool
    updated_at: datetime | None = None

    def summary(self) -> dict[str, Any]:
        scenario = self.scenario
        return {"name": scenario.name, "title": scenario.title, "date": scenario.date,
                "actors": len(scenario.actors), "issues": len(scenario.issues), "builtin": self.builtin,
                "updated_at": self.updated_at.isoformat() if self.updated_at else None}


@functools.lru_cache(maxsize=None)
def _parsed_builtin(name: str) -> Scenario:
    return load_builtin(name)


def _builtin(name: str) -> Scenario:
    """A built-in scenario, parsed once per process (they are read-only); each caller gets its own copy."""
    return _parsed_builtin(name).model_copy(deep=True)


def library(db: str | None) -> list[LibraryEntry]:
    """Every scenario on offer: built-ins first, then the saved ones by name."""
    entries = [LibraryEntry(_builtin(name), True) for name in builtin_names()]
    entries += [LibraryEntry(saved.scenario, False, saved.updated_at) for saved in list_saved_scenarios(db)
                if saved.scenario.name not in builtin_names()]
    return entries


def find_scenario(name: str, db: str | None) -> LibraryEntry:
    """The library's scenario ``name``; :class:`realpolitik.store.ScenarioNotFound` if there is none."""
    if name in builtin_names():
        return LibraryEntry(_builtin(name), True)
    return LibraryEntry(get_saved_scenario(name, db), False)


def check_writable(name: str) -> None:
    """Refuse to overwrite or delete a built-in scenario."""
    if name in builtin_names():
        raise ReadOnlyScenario(name)

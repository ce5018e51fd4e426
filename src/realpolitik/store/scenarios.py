"""Scenarios saved from the web app's editor.

Only valid scenarios are saved (callers validate first, with
:func:`realpolitik.scenario.load_scenario_dict`); a save replaces the previous
version in one transaction, so a failed import or edit leaves it as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import select

from realpolitik.io.native import scenario_to_dict
from realpolitik.scenario import Scenario, load_scenario_dict
from realpolitik.store.database import transaction
from realpolitik.store.tables import ScenarioRow


class ScenarioNotFound(LookupError):
    """No saved scenario of that name."""

    def __init__(self, name: str):
        self.name = name
        super().__init__(f"no saved scenario '{name}'")


@dataclass(frozen=True)
class SavedScenario:
    """A saved scenario and when it was last saved."""

    scenario: Scenario
    updated_at: datetime


def save_scenario(scenario: Scenario, db: str | None = None) -> None:
    """Save ``scenario`` under its name, replacing an earlier version of the same name."""
    with transaction(db) as session:
        row = session.get(ScenarioRow, scenario.name)
        if row is None:
            row = ScenarioRow(name=scenario.name)
            session.add(row)
        row.data = scenario_to_dict(scenario)
        row.updated_at = datetime.now(timezone.utc)


def list_saved_scenarios(db: str | None = None) -> list[SavedScenario]:
    """Every saved scenario, by name."""
    with transaction(db) as session:
        rows = session.scalars(select(ScenarioRow).order_by(ScenarioRow.name)).all()
        return [SavedScenario(load_scenario_dict(row.data), row.updated_at) for row in rows]


def get_saved_scenario(name: str, db: str | None = None) -> Scenario:
    """The saved scenario ``name``; :class:`ScenarioNotFound` if there is none."""
    with transaction(db) as session:
        row = session.get(ScenarioRow, name)
        if row is None:
            raise ScenarioNotFound(name)
        return load_scenario_dict(row.data)


def delete_saved_scenario(name: str, db: str | None = None) -> None:
    """Remove the saved scenario ``name``; :class:`ScenarioNotFound` if there is none."""
    with transaction(db) as session:
        row = session.get(ScenarioRow, name)
        if row is None:
            raise ScenarioNotFound(name)
        session.delete(row)

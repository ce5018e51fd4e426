"""What differs between two stored runs: inputs, options, parameters and forecasts."""

from __future__ import annotations

from typing import Any

from realpolitik.comparison import documents_of
from realpolitik.store.runs import StoredRun

#: At most this many differing result values are listed for runs that are not forecasts.
MAX_RESULT_CHANGES = 200


#: Fields that name an entry of a list (actors and issues of a scenario; models, issues, rounds of a result).
IDENTIFYING_KEYS = ("name", "model", "issue", "round")


def _identifying_key(value: Any) -> str | None:
    """The field that tells the entries of a list of mappings apart, if there is one."""
    if not isinstance(value, list) or not value or not all(isinstance(item, dict) for item in value):
        return None
    for key in IDENTIFYING_KEYS:
        names = [item.get(key) for item in value]
        if None not in names and len(set(map(str, names))) == len(names):
            return key
    return None


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """Leaves of a nested document by dotted path; entries of lists are keyed by their name where they have one."""
    if isinstance(value, dict):
        leaves: dict[str, Any] = {}
        for key, item in value.items():
            leaves.update(_flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return leaves
    key = _identifying_key(value)
    if key is not None:
        leaves = {}
        for item in value:
            rest = {name: entry for name, entry in item.items() if name != key}
            leaves.update(_flatten(rest, f"{prefix}[{item[key]}]"))
        return leaves
    return {prefix: value}


def changed_values(a: Any, b: Any) -> list[dict[str, Any]]:
    """Every path whose value differs between ``a`` and ``b`` (absent on one side: None)."""
    left, right = _flatten(a or {}), _flatten(b or {})
    paths = list(left) + [path for path in right if path not in left]
    return [{"field": path, "a": left.get(path), "b": right.get(path)}
            for path in paths if left.get(path) != right.get(path)]


def _forecasts(run: StoredRun) -> dict[tuple[str, str], float]:
    """Each model's forecast of each issue, for forecast runs (other kinds: none)."""
    if run.kind != "forecast":
        return {}
    documents = documents_of(run.result)
    return {(document["model"], item["issue"]): item["forecast"]
            for document in documents for item in document["issues"]}


def diff_runs(a: StoredRun, b: StoredRun) -> dict[str, Any]:
    """The differences between runs ``a`` and ``b``.

    ``inputs``, ``options`` and ``parameters`` list ``{field, a, b}`` for every
    differing value (actors and issues are named, e.g.
    ``actors[Russia].stances.ceasefire.salience``); ``forecasts`` lists every
    model and issue of either run with both forecasts and the change; ``results``
    lists differing result values for runs that are not forecasts.
    """
    left, right = _forecasts(a), _forecasts(b)
    keys = list(left) + [key for key in right if key not in left]
    forecasts = [{"model": model, "issue": issue, "a": left.get((model, issue)), "b": right.get((model, issue)),
                  "change": (right[(model, issue)] - left[(model, issue)]
                             if (model, issue) in left and (model, issue) in right else None)}
                 for model, issue in keys]
    document = {
        "a": a.summary(),
        "b": b.summary(),
        "inputs": changed_values(a.scenario, b.scenario),
        "options": changed_values(a.options, b.options),
        "parameters": changed_values(a.parameters, b.parameters),
        "forecasts": forecasts,
    }
    if not keys:
        document["results"] = changed_values(a.result, b.result)[:MAX_RESULT_CHANGES]
    return document

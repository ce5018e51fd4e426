"""Built-in scenarios, shipped with the package and addressable by name."""

from __future__ import annotations

from importlib import resources

from realpolitik.scenario import Scenario


def builtin_names() -> list[str]:
    """Names of the built-in scenarios, sorted."""
    folder = resources.files(__name__)
    return sorted(entry.name[: -len(".yaml")] for entry in folder.iterdir() if entry.name.endswith(".yaml"))


def load_builtin(name: str) -> Scenario:
    """The built-in scenario ``name`` (KeyError if there is none)."""
    from realpolitik.io.native import parse_native

    if name not in builtin_names():
        raise KeyError(name)
    text = resources.files(__name__).joinpath(f"{name}.yaml").read_text(encoding="utf-8")
    return parse_native(text, f"built-in scenario '{name}'")

"""The calibration file: fitted parameters with their provenance, as JSON.

The package ships one (``realpolitik/calibrations/deu3.json``, fitted on DEU III);
``realpolitik calibrate deu3 --data PATH -o FILE`` writes another, and forecasts read
it with ``--calibration FILE``. Layout: ``{format, fitted_on: {data, description,
kind, issues, dossiers, decided, date, code_version, weights, validation}, models:
{model: {features, coefficients, continuous_share, bandwidth, levels, conformity_scores,
out_of_sample}}}``
(see ``docs/json-output.md``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from realpolitik.analysis.calibrated import Calibration
from realpolitik.analysis.conformal import LEVELS
from realpolitik.forecast import ForecastRequestError

FORMAT = "realpolitik-calibration/2"
#: Earlier formats, refused with a pointer to 'realpolitik calibrate'.
OLDER_FORMATS = ("realpolitik-calibration/1",)
#: The model whose calibration serves models without their own.
FALLBACK_MODEL = "compromise"


class CalibrationFileError(ForecastRequestError):
    """A calibration file that cannot be read; the message names the file and what is wrong."""


@dataclass
class CalibrationFile:
    """The calibrations of a file, by model, and what they were fitted on."""

    path: str
    fitted_on: dict[str, Any]
    calibrations: dict[str, Calibration]

    def for_model(self, model: str) -> tuple[str, Calibration]:
        """The model whose calibration applies to ``model`` (itself, or the fallback) and that calibration."""
        chosen = model if model in self.calibrations else FALLBACK_MODEL
        return chosen, self.calibrations[chosen]

    @property
    def label(self) -> str:
        """How messages name the file: the shipped calibration by its name, another by its path."""
        return "the shipped calibration (deu3.json)" if Path(self.path) == packaged_path() else self.path

    def borrowed_for(self, kind: str | None) -> str | None:
        """The kind of negotiation this calibration was fitted on when it is borrowed for a scenario of
        ``kind`` (a different kind, or none declared); None when the kinds agree (ignoring case and
        spacing) or the file names no kind."""
        fitted = self.fitted_on.get("kind")
        if not fitted or (kind is not None and " ".join(kind.split()).casefold() == " ".join(fitted.split()).casefold()):
            return None
        return fitted

    @property
    def summary(self) -> str:
        """``"DEU III: EU legislative issues (...): 353 issues in 137 dossiers, decided 1998-2019; fitted
        2026-11-29 by realpolitik 0.1.0"``."""
        fitted = self.fitted_on
        decided = fitted.get("decided")
        years = f", decided {decided[0]}-{decided[1]}" if decided else ""
        return (f"{fitted.get('description', fitted.get('data'))}: {fitted.get('issues')} issues in "
                f"{fitted.get('dossiers')} dossiers{years}; fitted {fitted.get('date')} by "
                f"{fitted.get('code_version')}")


def packaged_path() -> Path:
    """The calibration shipped with the package."""
    return Path(str(resources.files("realpolitik.calibrations").joinpath("deu3.json")))


def read_calibration(path: str | Path | None = None) -> CalibrationFile:
    """Read a calibration file (the packaged one when ``path`` is None)."""
    file = packaged_path() if path is None else Path(path)
    try:
        document = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CalibrationFileError(f"{file}: no such calibration file") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CalibrationFileError(f"{file}: not a calibration file ({error})") from None
    if isinstance(document, dict) and document.get("format") in OLDER_FORMATS:
        raise CalibrationFileError(f"{file}: written by an earlier version (format '{document['format']}', without "
                                   f"the conformity scores that intervals mixed with a reversion point need); write "
                                   "it again with 'realpolitik calibrate'")
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise CalibrationFileError(f"{file}: not a calibration file (field 'format' is not '{FORMAT}'; write one "
                                   "with 'realpolitik calibrate')")
    try:
        calibrations = {model: Calibration.from_dict(entry) for model, entry in document["models"].items()}
    except (KeyError, TypeError, ValueError) as error:
        raise CalibrationFileError(f"{file}: field 'models' is malformed ({error})") from None
    for model, calibration in calibrations.items():
        missing = [str(level) for level in LEVELS if level not in calibration.levels]
        if missing:
            raise CalibrationFileError(f"{file}: model '{model}' has no level for {', '.join(missing)}% "
                                       "(field 'levels')")
    if FALLBACK_MODEL not in calibrations:
        raise CalibrationFileError(f"{file}: field 'models' has no '{FALLBACK_MODEL}' calibration")
    return CalibrationFile(str(file), document.get("fitted_on", {}), calibrations)


def calibration_json(document: dict[str, Any]) -> bytes:
    """The file's bytes (strict JSON)."""
    return (json.dumps(document, indent=1, ensure_ascii=False, allow_nan=False) + "\n").encode("utf-8")

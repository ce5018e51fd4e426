"""The ``calibrate`` command: fit the calibrated forecast on resolved issues and write the file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from realpolitik.cli import UsageError, app, console, guarded

DATASETS = ("deu3",)


@app.command()
@guarded
def calibrate(
    dataset: Annotated[str, typer.Argument(help="The layout of the data: deu3 (DEU III, or your own resolved issues "
                                                "in its layout).")],
    data: Annotated[Path, typer.Option("--data", help="The file of resolved issues (DEU III tab-separated layout).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="The calibration file to write (JSON).")],
) -> None:
    """Fit the calibrated forecast (candidate probabilities and conformal interval levels) on resolved
    issues and write it, with its provenance and out-of-sample scores; point forecasts at it with
    --calibration FILE. Writes all or nothing."""
    from realpolitik.analysis.calibration_file import calibration_json
    from realpolitik.analysis.deu3_calibration import CalibrationDataError, calibrate_deu3
    from realpolitik.io.deu3 import read_deu3
    from realpolitik.io.files import write_atomically

    if dataset not in DATASETS:
        raise UsageError(f"unknown dataset '{dataset}' (datasets: {', '.join(DATASETS)})")
    if not output.parent.is_dir():
        raise UsageError(f"{output}: folder {output.parent} does not exist")
    if output.is_dir():
        raise UsageError(f"{output}: is a folder; name the calibration file to write")
    from realpolitik.analysis.deu3_calibration import CALIBRATED_MODELS
    from realpolitik.cli.uncertainty_commands import _progress

    try:
        dataset_read = read_deu3(data)
        with _progress("fitting the calibration", len(CALIBRATED_MODELS)) as update:
            document = calibrate_deu3(dataset_read, progress=update)
    except CalibrationDataError as error:
        raise UsageError(str(error)) from None
    write_atomically(output, calibration_json(document))
    compromise = document["models"]["compromise"]["out_of_sample"]["overall"]
    coverage = ", ".join(f"{level}%: {share:.0%}" for level, share in compromise["coverage"].items())
    console.print(f"wrote {output}: {', '.join(document['models'])} fitted on {document['fitted_on']['issues']} "
                  f"issues; compromise out of sample: CRPS {compromise['crps']:.2f}, coverage {coverage}",
                  highlight=False)

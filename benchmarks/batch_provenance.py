"""Where a batch benchmark ran: the machine and library versions, its load, and the commit measured.

Shared by ``smp_batch.py`` and ``exchange_batch.py`` (imported from beside them); not a benchmark.
"""

from __future__ import annotations

import os
import platform
import subprocess
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def machine() -> dict:
    """Platform, processor, cores, Python, numpy and numba (None when it is not installed)."""
    try:
        import numba
        numba_version = numba.__version__
    except ImportError:
        numba_version = None
    return {"platform": platform.platform(), "processor": platform.processor() or platform.machine(),
            "cpus": os.cpu_count(), "python": platform.python_version(), "numpy": np.__version__,
            "numba": numba_version}


def load() -> float:
    """The one-minute load average, which inflates wall times on a shared machine."""
    return round(os.getloadavg()[0], 2)


def commit() -> str:
    """The commit of the code measured."""
    return subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                          check=True).stdout.strip()

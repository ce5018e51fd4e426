"""Fitted calibrations shipped with the package (``deu3.json``: fitted on DEU III).

Regenerate with ``realpolitik calibrate deu3 --data deu3.tsv -o src/realpolitik/calibrations/deu3.json``.
"""

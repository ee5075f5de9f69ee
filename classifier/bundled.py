"""The classifier's bundled trained model: the accusation and out-of-scope gates and their thresholds.

``classifier/data/model.json`` is written by ``python -m classifier train`` from the labelled files in
classifier/data/labelled/ (a test checks that it still matches what the current code would train).
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

from classifier.gates import Gates

GATES_PATH = Path(__file__).resolve().parent / "data" / "model.json"


@functools.cache
def bundled_gates() -> Gates:
    """The trained gates shipped with the application (read once per process)."""
    return Gates.from_json(json.loads(GATES_PATH.read_text(encoding="utf-8")))

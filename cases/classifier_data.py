"""The classifier's bundled trained data: the accusation and out-of-scope gates in cases/data/.

``cases/data/classifier_gates.json`` is written by ``bench/train_gates.py`` from the labelled files
in tests/data/ (a test checks that it still matches what the current code would train); reading it
is I/O, so it lives here and not in :mod:`cases.domain`.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

from cases.domain.gates import Gates

GATES_PATH = Path(__file__).resolve().parent / "data" / "classifier_gates.json"


@functools.cache
def bundled_gates() -> Gates:
    """The trained gates shipped with the application (read once per process)."""
    return Gates.from_json(json.loads(GATES_PATH.read_text(encoding="utf-8")))

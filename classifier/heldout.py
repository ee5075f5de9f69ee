"""Held-out gates: for each labelled file, gates trained on every other file (leave one file out).

Training 20-odd pairs of models is the slow part of the honest figures (tests, ``evaluate --holdout``,
``sweep``), so the gates trained without each file are kept on disk, keyed by a hash of the
labelled files, the catalogue and lexicon the classifier was built with, and the package's code and
data: the first run trains them for real, later runs with the same data and code read them back.
``CLASSIFIER_CACHE`` says where (default: ``var/cache/hqcbd-classifier`` in the Python environment, so
.venv/ in a checkout: a clean clone, as CI has, trains once per run); ``CLASSIFIER_CACHE=off`` trains
every time, and so does a place that cannot be written.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from classifier.bundled import bundled_gates
from classifier.gates import GateInput, Gates, train_gates
from classifier.logistic import LogisticModel

if TYPE_CHECKING:
    from classifier.engine import Classifier

PACKAGE = Path(__file__).resolve().parent
SOURCES = {".py", ".json", ".jsonl", ".txt"}


def gate_labels(records: Iterable[dict[str, Any]]) -> list[tuple[str, str, bool, bool]]:
    """``(text, subject, is_accusation, is_out_of_scope)`` of labelled records: what the gates learn."""
    return [
        (r["text"], r.get("subject") or "", bool(r["accusation"]), r["problem"] == "out_of_scope")
        for r in records
    ]


def load_labelled(path: str | Path) -> list[dict[str, Any]]:
    """The labelled records of a JSON Lines file (blank lines skipped)."""
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def cache_dir() -> Path | None:
    """Where held-out gates are kept, or None when the cache is off."""
    chosen = os.environ.get("CLASSIFIER_CACHE")
    if chosen == "off":
        return None
    return Path(chosen) if chosen else Path(sys.prefix) / "var" / "cache" / "hqcbd-classifier"


def code_hash() -> str:
    """Hash of everything that decides what training gives: the package's code and data files."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*")):
        if path.is_file() and path.suffix in SOURCES and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(PACKAGE)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


class HeldOut:
    """Gates trained without one file at a time; every file's gate inputs are computed once."""

    def __init__(self, classifier: Classifier, files: Iterable[str | Path]) -> None:
        self.classifier = classifier
        self._inputs: dict[Path, list[tuple[GateInput, bool, bool]]] = {
            Path(path).resolve(): [
                (classifier.gate_input(text, subject), acc, oos)
                for text, subject, acc, oos in gate_labels(load_labelled(path))
            ]
            for path in files
        }
        self._trained: dict[Path, Classifier] = {}
        # What decides the gates: the package's code and data, the catalogue and lexicon the classifier
        # was built with, and the labelled files. (Not the inputs' repr: their float sums differ in the
        # last digits with the hash seed.)
        lexicon = classifier.lexicon
        digest = hashlib.sha256(code_hash().encode())
        digest.update(repr((classifier.entries, lexicon.problem_terms, lexicon.general_terms,
                            lexicon.out_of_scope_terms, sorted(lexicon.stopwords))).encode())
        for path in sorted(self._inputs):
            digest.update(path.name.encode() + hashlib.sha256(path.read_bytes()).digest())
        self._key = digest.hexdigest()[:24]

    def examples(self, path: str | Path) -> list[tuple[GateInput, bool, bool]]:
        """``(gate input, is_accusation, is_out_of_scope)`` of every record of ``path``."""
        return self._inputs[Path(path).resolve()]

    def without(self, path: str | Path) -> Classifier:
        """The classifier with gates trained on every file but ``path`` (trained once per data and code)."""
        held = Path(path).resolve()
        if held not in self._trained:
            self._trained[held] = self.classifier.with_gates(self._gates_without(held))
        return self._trained[held]

    def _gates_without(self, held: Path) -> Gates:
        directory = cache_dir()
        cached = directory / self._key / f"{held.stem}.json" if directory else None
        if cached is not None and cached.is_file():
            return _exact_gates(json.loads(cached.read_text(encoding="utf-8")))
        examples = [x for source, xs in self._inputs.items() if source != held for x in xs]
        gates = train_gates(examples, bundled_gates())
        if cached is not None:
            partial = cached.with_suffix(f".{os.getpid()}.tmp")  # written whole, then renamed
            try:
                cached.parent.mkdir(parents=True, exist_ok=True)
                partial.write_text(json.dumps(_exact_json(gates)), encoding="utf-8")
                partial.replace(cached)
            except OSError:  # a read-only environment: the figures are the same, only slower
                partial.unlink(missing_ok=True)
        return gates


def _exact_json(gates: Gates) -> dict[str, Any]:
    """The two models with every weight as trained (the model file rounds; a cache must not)."""
    return {name: {"bias": model.bias, "weights": model.weights}
            for name, model in (("accusation", gates.accusation), ("out_of_scope", gates.out_of_scope))}


def _exact_gates(data: dict[str, Any]) -> Gates:
    """Gates back from :func:`_exact_json`, at the model file's thresholds (as trained)."""
    accusation, out_of_scope = (LogisticModel(dict(data[n]["weights"]), float(data[n]["bias"]))
                                for n in ("accusation", "out_of_scope"))
    return replace(bundled_gates(), accusation=accusation, out_of_scope=out_of_scope)

"""The classifier as a package: its model file, its lexicon files, its held-out cache and its commands."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from classifier import heldout, lexicon
from classifier.bundled import GATES_PATH, bundled_gates
from classifier.engine import Classifier
from classifier.evaluation import training_files
from classifier.heldout import HeldOut
from classifier.training import gates_text

ROOT = Path(__file__).resolve().parents[2]


def test_the_model_file_is_compact_and_written_as_training_writes_it() -> None:
    text = GATES_PATH.read_text(encoding="utf-8")
    assert gates_text(bundled_gates()) == text  # deterministic: keys sorted, floats as trained
    # One line per threshold and one per model's weights: a retraining rewrites two lines, not 65,000.
    assert len(text.splitlines()) < 20
    shipped = json.loads(text)
    assert shipped["accusation"]["threshold"] == bundled_gates().accusation_threshold
    assert shipped["out_of_scope"]["threshold"] == bundled_gates().scope_threshold


def test_lexicon_files_are_read_with_their_sections_and_comments(tmp_path: Path) -> None:
    path = tmp_path / "terms.txt"
    path.write_text("# a comment\n[1.1]\n楼太多:2 空着  # why\n[1.1 空置率]\nvacan*:2.5\n\n[2.1]\n地库\n",
                    "utf-8")
    assert lexicon.read_problem_terms(path) == {
        "1.1": {"": "楼太多:2 空着", "空置率": "vacan*:2.5"}, "2.1": {"": "地库"}
    }
    path.write_text("[1.1]\n", "utf-8")
    assert lexicon.read_problem_terms(path) == {"1.1": {"": ""}}
    path.write_text("orphan:1\n[1.1]\n", "utf-8")
    with pytest.raises(ValueError):
        lexicon.read_problem_terms(path)
    codes = {"1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "2.3", "3.1", "3.2", "3.3", "4.1", "4.2"}
    assert set(lexicon.PROBLEM_TERMS) == codes
    assert "违停" in lexicon.OUT_OF_SCOPE_TERMS and "的" in lexicon.STOPWORDS
    assert "#" not in lexicon.GENERAL_TERMS


def test_held_out_gates_are_trained_once_per_data_and_code(
    classifier: Classifier, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = training_files()[:3]
    rules = classifier.with_gates(None)
    trained: list[int] = []
    real_train = heldout.train_gates
    monkeypatch.setattr(heldout, "train_gates",
                        lambda xs, like: trained.append(len(xs)) or real_train(xs, like))
    monkeypatch.setenv("CLASSIFIER_CACHE", str(tmp_path))
    first = HeldOut(rules, files).without(files[0]).gates
    assert len(trained) == 1 and len(list(tmp_path.rglob("*.json"))) == 1
    again = HeldOut(rules, files).without(files[0]).gates  # a new run: read back, not trained
    assert len(trained) == 1 and again == first
    HeldOut(rules, files[:2]).without(files[0])  # other data: another key, trained
    assert len(trained) == 2
    monkeypatch.setenv("CLASSIFIER_CACHE", "off")
    assert HeldOut(rules, files).without(files[0]).gates == first and len(trained) == 3


def test_the_commands_run_as_a_module() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "classifier", "nonsense"], cwd=ROOT, capture_output=True, text=True,
        check=False,
    )
    assert done.returncode == 2 and "python -m classifier" in done.stderr
    done = subprocess.run(
        [sys.executable, "-m", "classifier", "evaluate", "--help"], cwd=ROOT, capture_output=True, text=True,
        check=True,
    )
    assert "--holdout" in done.stdout

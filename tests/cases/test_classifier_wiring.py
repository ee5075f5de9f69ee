"""The classifier in the application: `cases classify --jsonl`, `cases evaluate`, per-process cache."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from flask.testing import FlaskCliRunner

from cases.triage.suggest import current_classifier

DATA = Path(__file__).resolve().parents[2] / "classifier" / "data" / "labelled"
ROOT = Path(__file__).resolve().parents[2]


def test_classify_jsonl_reads_stdin_and_writes_one_line_each(
    runner: FlaskCliRunner, catalogue: object
) -> None:
    lines = "\n".join(
        [
            json.dumps(
                {"id": 1, "subject": "楼宇", "text": "那几栋楼一直空着，招商要加把劲"}, ensure_ascii=False
            ),
            json.dumps({"id": "b", "text": "举报某处长收受红包"}, ensure_ascii=False),
            "not json",
        ]
    )
    result = runner.invoke(args=["cases", "classify", "--jsonl"], input=lines + "\n")
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert out[0]["id"] == 1 and out[0]["suggestions"][0]["problem"] == "1.1"
    assert set(out[0]) >= {"id", "suggestions", "kind", "accusation", "out_of_scope"}
    assert {"problem", "task", "score"} <= set(out[0]["suggestions"][0]) and len(out[0]["suggestions"]) == 3
    assert out[1]["id"] == "b" and out[1]["accusation"] is True
    assert out[2]["line"] == 3 and "error" in out[2]


def test_classify_needs_a_catalogue(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["cases", "classify", "--jsonl"], input="{}\n")
    assert result.exit_code != 0 and "no catalogue" in result.output


def test_evaluate_prints_the_figures(runner: FlaskCliRunner, catalogue: object) -> None:
    result = runner.invoke(args=["cases", "evaluate", str(DATA / "feedback_dev.jsonl")])
    assert result.exit_code == 0, result.output
    assert "top-1" in result.output and "accusation precision" in result.output
    assert "out-of-scope recall" in result.output and "ms per message" in result.output


def test_one_classifier_per_process(catalogue: object) -> None:
    assert current_classifier() is current_classifier()


def test_classify_as_a_real_command(subprocess_env: dict[str, str], catalogue: object) -> None:
    line = json.dumps({"id": 7, "text": "虹桥商务区的楼宇空置太多"}, ensure_ascii=False)
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "cases", "classify", "--jsonl"],
        input=line + "\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=subprocess_env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip())["id"] == 7

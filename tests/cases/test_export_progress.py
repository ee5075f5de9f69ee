"""`flask cases export`: a progress bar on standard error, never in the JSON Lines on standard output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

from cases import cases_cli
from cases.export import count_export, iter_export
from tests.cases.triage_support import new_case

LABEL = "exporting cases"


@pytest.fixture
def three_cases(app: Flask) -> list[str]:
    """Three ordinary cases and one sealed (held: not screened yet), as the export reads them."""
    references = [new_case(f"第{number}条意见。").reference for number in range(3)]
    new_case("举报某处长。", screen_later=True)
    return references


def expected_lines() -> list[str]:
    """The JSON Lines the export writes without sealed cases, computed from the export's records."""
    return [json.dumps(record, ensure_ascii=False, sort_keys=True) for record in iter_export()]


def test_standard_output_holds_only_the_json_lines(three_cases: list[str], runner: FlaskCliRunner) -> None:
    assert count_export() == 3 and count_export(include_sealed=True) == 4
    result = runner.invoke(args=["cases", "export", "--jsonl"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == expected_lines()
    assert [json.loads(line)["reference"] for line in result.stdout.splitlines()] == three_cases
    # Standard error is not a terminal here (a pipe, a cron job): no bar, only the summary.
    assert LABEL not in result.stderr and result.stderr.strip() == "exported 3 case(s)"


def test_a_terminal_gets_the_bar_on_standard_error(three_cases: list[str], runner: FlaskCliRunner,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cases_cli, "_stderr_is_terminal", lambda: True)
    result = runner.invoke(args=["cases", "export", "--jsonl"])
    assert result.exit_code == 0, result.output
    assert LABEL in result.stderr and LABEL not in result.stdout
    assert result.stdout.splitlines() == expected_lines()


def test_writing_to_a_file_shows_the_bar(three_cases: list[str], runner: FlaskCliRunner,
                                         tmp_path: Path) -> None:
    target = tmp_path / "archive.jsonl"
    result = runner.invoke(args=["cases", "export", "--jsonl", "--include-sealed", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert result.stdout == "" and LABEL in result.stderr and "exported 4 case(s)" in result.stderr
    assert target.read_text(encoding="utf-8").splitlines() == [
        json.dumps(record, ensure_ascii=False, sort_keys=True) for record in iter_export(include_sealed=True)]

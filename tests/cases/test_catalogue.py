"""The catalogue importer and the ``flask catalogue`` commands, on the real test database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select, text

from cases.catalogue import (
    bundled_notice_path,
    catalogue_as_dict,
    current_plan,
    import_bundled_if_missing,
    import_notice,
    read_notice_file,
)
from cases.domain.catalogue_parser import NoticeFormatError
from cases.extensions import db
from cases.models.catalogue import Problem, RectificationPlan

# The tests read the rows as another connection sees them (what was really committed).
pytestmark = pytest.mark.committed

NOTICE = read_notice_file(bundled_notice_path())
TABLES = ("rectification_plan", "area", "problem", "task", "measure")
FIGURES = {
    "problems_total": 36,
    "problems_rectified": 30,
    "measures_total": 96,
    "measures_done": 86,
    "people_criticised": 2,
    "rules_new": 7,
    "rules_revised": 1,
}
CODES = ["1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "2.3", "3.1", "3.2", "3.3", "4.1", "4.2"]


def committed_rows() -> dict[str, int]:
    """Row counts as another connection sees them (what has really been committed)."""
    with db.engine.connect() as connection:
        # Table names come from the TABLES constant above, never from input.
        return {t: connection.scalar(text(f'SELECT count(*) FROM "{t}"')) for t in TABLES}  # noqa: S608


def broken_notice() -> str:
    return NOTICE.replace("\n(四)关于党建引领", "\n(五)关于党建引领", 1)


def test_bundled_notice_path() -> None:
    assert bundled_notice_path().name == "notice_2023_hqcbd.txt"
    assert bundled_notice_path().is_file()


def test_import_notice_builds_the_tree(app: Flask) -> None:
    plan = import_notice(NOTICE)
    assert plan.id is not None
    assert plan.title.endswith("进展情况的通报")
    assert {name: getattr(plan, name) for name in FIGURES} == FIGURES
    assert plan.source_text == NOTICE
    codes = db.session.scalars(select(Problem.code).order_by(Problem.id)).all()
    assert codes == CODES
    title_13 = db.session.scalar(select(Problem.title).where(Problem.code == "1.3"))
    assert title_13 == "针对面对战略机遇缺乏统筹经济发展能力问题"
    headlines = [t.headline for t in plan.areas[0].problems[0].tasks]
    assert headlines[1] == "着力降低核心区楼宇空置率"


def test_import_notice_flushes_but_does_not_commit(app: Flask) -> None:
    import_notice(NOTICE)
    pending = db.session.scalar(select(func.count()).select_from(Problem))
    assert pending == 12
    db.session.rollback()
    assert committed_rows() == dict.fromkeys(TABLES, 0)


def test_reimport_is_idempotent(app: Flask) -> None:
    first = import_notice(NOTICE)
    db.session.commit()
    before = committed_rows()
    assert before == {"rectification_plan": 1, "area": 4, "problem": 12, "task": 32, "measure": 91}
    assert import_notice(NOTICE).id == first.id
    # The same notice saved with a BOM and Windows line ends is the same notice.
    assert import_notice("\ufeff" + NOTICE.replace("\n", "\r\n")).id == first.id
    db.session.commit()
    assert committed_rows() == before


def test_broken_notice_adds_nothing(app: Flask) -> None:
    with pytest.raises(NoticeFormatError) as caught:
        import_notice(broken_notice())
    assert caught.value.line_number == 54
    assert not db.session.new
    db.session.commit()
    assert committed_rows() == dict.fromkeys(TABLES, 0)


def test_current_plan_is_the_latest_import(app: Flask) -> None:
    assert current_plan() is None
    first = import_notice(NOTICE)
    db.session.commit()
    assert current_plan() == first
    later = import_notice(NOTICE.replace("进展情况的通报", "进展情况的通报(第二次)", 1))
    db.session.commit()
    assert later.id != first.id
    assert current_plan() == later
    assert current_plan().title.endswith("(第二次)")


def test_import_bundled_if_missing(app: Flask) -> None:
    plan, created = import_bundled_if_missing()
    assert created
    db.session.commit()
    again, created_again = import_bundled_if_missing()
    assert (again.id, created_again) == (plan.id, False)
    assert committed_rows()["rectification_plan"] == 1


def test_import_bundled_if_missing_keeps_a_newer_catalogue(app: Flask) -> None:
    newer = import_notice(NOTICE.replace("进展情况的通报", "进展情况的通报(新)", 1))
    db.session.commit()
    plan, created = import_bundled_if_missing()
    assert (plan.id, created) == (newer.id, False)


def test_catalogue_fixture_is_committed(catalogue: RectificationPlan) -> None:
    assert isinstance(catalogue, RectificationPlan)
    assert committed_rows() == {"rectification_plan": 1, "area": 4, "problem": 12, "task": 32, "measure": 91}


def test_catalogue_as_dict(catalogue: RectificationPlan) -> None:
    data = catalogue_as_dict(catalogue)
    assert data["figures"] == FIGURES
    assert data["counts"] == {"areas": 4, "problems": 12, "tasks": 32, "measures": 91}
    problems = [p for a in data["areas"] for p in a["problems"]]
    assert [p["code"] for p in problems] == CODES
    task = problems[0]["tasks"][1]
    assert task["headline"] == "着力降低核心区楼宇空置率"
    assert task["measures"][0]["label"] == "一是"
    json.dumps(data, ensure_ascii=False)


# --- flask catalogue import / show -------------------------------------------------------------


def write(path: Path, content: str, *, bom: bool = False, crlf: bool = False) -> Path:
    if crlf:
        content = content.replace("\n", "\r\n")
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + content.encode("utf-8"))
    return path


def test_cli_import_then_import_again(runner: FlaskCliRunner, tmp_path: Path) -> None:
    notice = write(tmp_path / "notice.txt", NOTICE)
    result = runner.invoke(args=["catalogue", "import", str(notice)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "imported: 4 areas, 12 problems, 32 tasks, 91 measures"
    assert committed_rows()["problem"] == 12

    result = runner.invoke(args=["catalogue", "import", str(notice)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("already imported")
    assert committed_rows()["rectification_plan"] == 1


def test_cli_import_accepts_bom_and_crlf(runner: FlaskCliRunner, tmp_path: Path) -> None:
    windows = write(tmp_path / "windows.txt", NOTICE, bom=True, crlf=True)
    result = runner.invoke(args=["catalogue", "import", str(windows)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("imported: 4 areas, 12 problems, 32 tasks")
    result = runner.invoke(args=["catalogue", "import", str(bundled_notice_path())])
    assert result.stdout.startswith("already imported")


def test_cli_import_broken_notice_writes_nothing(runner: FlaskCliRunner, tmp_path: Path) -> None:
    broken = write(tmp_path / "broken.txt", broken_notice())
    result = runner.invoke(args=["catalogue", "import", str(broken)])
    assert result.exit_code == 1
    assert "line 54: expected (四) after (三), found (五)" in result.stderr
    assert "第54行" in result.stderr
    assert result.stdout == ""
    assert committed_rows() == dict.fromkeys(TABLES, 0)


def test_cli_import_refuses_non_utf8(runner: FlaskCliRunner, tmp_path: Path) -> None:
    legacy = tmp_path / "gbk.txt"
    legacy.write_bytes(NOTICE.encode("gb18030"))
    result = runner.invoke(args=["catalogue", "import", str(legacy)])
    assert result.exit_code == 1
    assert "not UTF-8" in result.stderr
    assert committed_rows()["rectification_plan"] == 0


def test_cli_show_json(runner: FlaskCliRunner, catalogue: RectificationPlan) -> None:
    result = runner.invoke(args=["catalogue", "show", "--json"])
    assert result.exit_code == 0, result.output
    assert "着力降低核心区楼宇空置率" in result.stdout  # ensure_ascii=False
    data = json.loads(result.stdout)
    assert data["id"] == catalogue.id
    assert data["figures"] == FIGURES
    assert len(data["areas"]) == 4
    problems = [p for a in data["areas"] for p in a["problems"]]
    assert len(problems) == 12
    assert [p["code"] for p in problems] == CODES
    tasks = [t for p in problems for t in p["tasks"]]
    assert len(tasks) == 32
    assert {"headline", "body", "measures"} <= set(tasks[0])
    measures = [m for t in tasks for m in t["measures"]]
    assert len(measures) == data["counts"]["measures"] == 91
    assert set(measures[0]) == {"position", "label", "text"}


def test_cli_show_tree(runner: FlaskCliRunner, catalogue: RectificationPlan) -> None:
    result = runner.invoke(args=["catalogue", "show"])
    assert result.exit_code == 0, result.output
    assert "(四) 关于党建引领作用发挥不够" in result.stdout
    assert "1.3 针对面对战略机遇缺乏统筹经济发展能力问题" in result.stdout
    assert "1.1.2 着力降低核心区楼宇空置率" in result.stdout


def test_cli_show_without_catalogue(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["catalogue", "show", "--json"])
    assert result.exit_code == 1
    assert "no catalogue imported" in result.stderr
    assert result.stdout == ""

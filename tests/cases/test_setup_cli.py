"""``flask init`` (idempotent) and ``flask users create``."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from cases.auth import verify_password
from cases.extensions import db
from cases.models import Area, Department, Problem, RectificationPlan, RoutingRule, StaffUser, Task
from tests.conftest import PROJECT_ROOT

# `flask init` migrates on a connection of its own.
pytestmark = pytest.mark.committed

FLASK = str(Path(sys.executable).parent / "flask")


def _counts() -> dict[str, int]:
    return {
        model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
        for model in (RectificationPlan, Area, Problem, Task, Department, RoutingRule, StaffUser)
    }


def test_init_sets_everything_up_once(runner):
    first = runner.invoke(args=["init"])
    assert first.exit_code == 0, first.output
    assert "first admin created: admin@hqcbd.shanghai.gov.cn" in first.output
    password = re.search(r"password \(shown once.*\): (\S+)", first.output).group(1)
    admin = db.session.scalar(select(StaffUser))
    assert admin.roles == {"admin"}
    assert verify_password(admin.password_hash, password)
    counts = _counts()
    assert counts["area"] == 4 and counts["problem"] == 12 and counts["task"] == 32
    assert counts["department"] >= 3 and counts["routing_rule"] == 13
    codes = set(db.session.scalars(select(Department.code)))
    assert {"party_office", "discipline"} <= codes

    second = runner.invoke(args=["init"])
    assert second.exit_code == 0, second.output
    assert "password" not in second.output
    assert "admin account: already present" in second.output
    assert _counts() == counts


def test_init_records_opinions_a_redis_mode_run_left_staged(runner):
    """The embedded form records in the request and never looks for staged rows: a start does."""
    from cases.intake import NewCase
    from cases.models import Case, StagedCase
    from cases.models.types import utcnow
    from cases.staging import stage_case

    assert runner.invoke(args=["init"]).exit_code == 0
    staged = stage_case(NewCase(channel="web", body="建议公开楼宇空置率，按季度更新。", received_at=utcnow()))
    db.session.commit()
    again = runner.invoke(args=["init"])
    assert "staged opinions recorded as cases: 1" in again.output, again.output
    assert db.session.scalar(select(Case.reference)) == staged.reference
    assert db.session.scalar(select(func.count()).select_from(StagedCase)) == 0


def test_init_keeps_edited_departments(runner):
    runner.invoke(args=["init"])
    office = db.session.scalar(select(Department).where(Department.code == "party_office"))
    office.name_zh = "机关党委办公室（改）"
    db.session.commit()
    runner.invoke(args=["init"])
    db.session.expire_all()
    assert db.session.scalar(select(Department.name_zh).where(Department.code == "party_office")) == (
        "机关党委办公室（改）"
    )


def test_users_create_with_department(runner):
    runner.invoke(args=["init"])
    result = runner.invoke(args=["users", "create", "--email", "Li.Hua@Example.CN", "--role", "handler",
                                 "--role", "dept_head", "--department", "economy"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(StaffUser).where(StaffUser.email == "li.hua@example.cn"))
    assert user.roles == {"handler", "dept_head"}
    assert [d.code for d in user.departments] == ["economy"]


def test_users_create_refuses_bad_input_and_changes_nothing(runner):
    runner.invoke(args=["init"])
    before = _counts()
    cases = [
        (["--email", "not-an-address", "--role", "triager"], "invalid e-mail"),
        (["--email", "a@example.cn", "--role", "handler"], "need a --department"),
        (["--email", "a@example.cn", "--role", "handler", "--department", "nowhere"], "unknown department"),
        (["--email", "admin@hqcbd.shanghai.gov.cn", "--role", "triager"], "already exists"),
        (["--email", "a@example.cn", "--role", "wizard"], "Invalid value for '--role'"),
    ]
    for args, message in cases:
        result = runner.invoke(args=["users", "create", *args])
        assert result.exit_code != 0, args
        assert message in result.output, result.output
    assert _counts() == before


def test_password_from_stdin(runner):
    runner.invoke(args=["init"])
    result = runner.invoke(args=["users", "create", "--email", "t@example.cn", "--role", "triager",
                                 "--password-stdin"], input="a long enough secret\n")
    assert result.exit_code == 0, result.output
    assert "a long enough secret" not in result.output
    user = db.session.scalar(select(StaffUser).where(StaffUser.email == "t@example.cn"))
    assert verify_password(user.password_hash, "a long enough secret")


def test_unreachable_database_gives_a_clear_message(subprocess_env):
    env = dict(subprocess_env, DATABASE_URL="postgresql://nobody@127.0.0.1:1/none")
    result = subprocess.run([FLASK, "--app", "wsgi", "init"], cwd=PROJECT_ROOT, env=env,
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 1
    assert "cannot use the database postgresql+psycopg://nobody@127.0.0.1:1/none" in result.stderr
    assert "Nothing was changed" in result.stderr
    assert "Traceback" not in result.stderr

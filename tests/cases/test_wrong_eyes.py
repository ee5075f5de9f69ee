"""What must not reach the wrong eyes (issue 11, point 5): held cases in an export made without
--include-sealed, and the sender's name or address found by search by roles that may not see them."""

from __future__ import annotations

import json

from flask import Flask
from flask.testing import FlaskClient

from cases.export import iter_export
from tests.cases.test_staff_web import make_user
from tests.cases.triage_support import login, new_case, setup_departments, staff


def test_an_export_without_sealed_cases_leaves_held_ones_out_too(
        app: Flask, runner: object, catalogue: object) -> None:
    ordinary = new_case("核心区楼宇空置率高，建议加大招商力度。")
    held = new_case("经济发展处某科长收了开发商的购物卡。", channel="email", screen_later=True)
    assert held.screened_at is None
    assert [r["reference"] for r in iter_export()] == [ordinary.reference]
    assert {r["reference"] for r in iter_export(include_sealed=True)} == {ordinary.reference, held.reference}
    result = runner.invoke(args=["cases", "export", "--jsonl"])
    assert result.exit_code == 0
    lines = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    assert [line["reference"] for line in lines] == [ordinary.reference]


def _found(client: FlaskClient, query: str, reference: str) -> bool:
    response = client.get("/staff/cases", query_string={"q": query})
    assert response.status_code == 200
    return reference in response.get_data(as_text=True)


def test_only_roles_that_see_contact_details_find_a_case_by_them(
        app: Flask, client: FlaskClient, catalogue: object) -> None:
    setup_departments()
    case = new_case("核心区楼宇空置率高，建议加大招商力度。", email="zhangsan.private@example.cn")
    assert case.submitter_name == "张三"
    assert "zhangsan" not in case.search_text and "张三" not in case.search_text
    staff("triager")
    staff("leader")
    make_user(email="admin@hqcbd.test", roles=("admin",))
    login(client, "triager")
    assert _found(client, "张三", case.reference)
    assert _found(client, "ZhangSan.Private@example.cn", case.reference)
    assert _found(client, "空置率", case.reference)
    for key in ("leader", "admin"):
        other = app.test_client()
        login(other, key)
        assert _found(other, "空置率", case.reference), key  # they see the case itself
        assert not _found(other, "张三", case.reference), key
        assert not _found(other, "zhangsan.private@example.cn", case.reference), key
        assert not _found(other, "zhangsan", case.reference), key


def test_reindex_removes_contact_details_indexed_by_an_older_release(
        app: Flask, runner: object, catalogue: object) -> None:
    from cases.extensions import db

    case = new_case("核心区楼宇空置率高，建议加大招商力度。")
    case.search_text += " 张三 citizen example test"  # what the release before this one indexed
    db.session.commit()
    result = runner.invoke(args=["cases", "reindex"])
    assert result.exit_code == 0 and "reindexed 1 case(s)" in result.output
    db.session.expire_all()
    assert "张三" not in case.search_text and "空置" in case.search_text.split()

"""The inbox's case list downloaded as CSV and XLSX: its filters, its access rules, its definitions."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from cases.extensions import db
from cases.models import Case, CaseEvent
from cases.triage import decisions
from tests.cases.handling_support import NOW
from tests.cases.triage_support import login, new_case, setup_departments, staff

pytestmark = pytest.mark.postgres_only  # the server-side cursor of the streamed rows


@pytest.fixture
def cases(catalogue):
    """An economy case, a finance case, a received e-mail case and a sealed accusation."""
    setup_departments()
    people = {
        key: staff(key)
        for key in ("triager", "supervisor", "inspector", "handler", "other_handler", "dept_head", "leader")
    }
    economy = new_case("核心区楼宇空置率高，建议加大招商力度。", subject="楼宇空置", problems=("1.1",))
    decisions.accept(economy, actor=people["triager"], now=NOW, kind="suggestion")
    finance = new_case(
        "建议公开预算执行情况。",
        subject='=HYPERLINK("http://evil.example")',
        problems=("3.2",),
        email="finance@example.test",
    )
    decisions.accept(finance, actor=people["triager"], now=NOW, kind="suggestion")
    received = new_case(
        "请问人才公寓什么时候开始申请？", subject="咨询", channel="email", email="ask@example.test"
    )
    sealed = new_case(
        "举报经济发展处王科长收受企业红包，为亲属公司谋利。", subject="举报信", email="secret@example.test"
    )
    assert sealed.kind == "accusation"
    decisions.accept(sealed, actor=people["inspector"], now=NOW)
    db.session.commit()
    return {
        "economy": economy.reference,
        "finance": finance.reference,
        "received": received.reference,
        "sealed": sealed.reference,
    }


def _csv(client, **args: str) -> tuple[list[str], list[list[str]], list[list[str]]]:
    response = client.get("/staff/cases/export.csv", query_string=args)
    assert response.status_code == 200 and response.is_streamed
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    end = rows.index([])
    return rows[0], rows[1:end], rows[end + 1 :]


def test_a_triager_gets_every_ordinary_case_with_contacts_and_definitions(client, cases):
    login(client, "triager")
    header, rows, definitions = _csv(client)
    assert header[:5] == ["编号", "收到时间", "渠道", "类别", "状态"]
    assert {"姓名", "电子邮箱", "联系电话"} <= set(header)
    references = [row[0] for row in rows]
    assert sorted(references) == sorted([cases["economy"], cases["finance"], cases["received"]])
    assert cases["sealed"] not in "".join(",".join(row) for row in rows)  # nowhere, not even in a count
    by_ref = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    assert (
        by_ref[cases["economy"]]["承办部门"] == "经济发展处" and by_ref[cases["economy"]]["整改问题"] == "1.1"
    )
    assert by_ref[cases["finance"]]["主题"].startswith("'=")  # a spreadsheet shows it, never runs it
    assert by_ref[cases["received"]]["电子邮箱"] == "ask@example.test"
    assert definitions[0][0] == "字段说明"
    assert [row[0] for row in definitions[1:]] == header and all(row[1] for row in definitions[1:])


def test_the_inbox_filters_apply(client, cases):
    login(client, "triager")
    _header, rows, _definitions = _csv(client, status="received")
    assert [row[0] for row in rows] == [cases["received"]]
    _header, rows, _definitions = _csv(client, department="finance")
    assert [row[0] for row in rows] == [cases["finance"]]
    _header, rows, _definitions = _csv(client, q="空置")
    assert [row[0] for row in rows] == [cases["economy"]]


def test_a_handler_gets_only_the_own_department_and_never_a_sealed_case(client, cases):
    login(client, "handler")
    _header, rows, _definitions = _csv(client)
    assert [row[0] for row in rows] == [cases["economy"]]
    _header, rows, _definitions = _csv(client, confidential="yes")
    assert rows == []


def test_a_leader_gets_no_contact_details(client, cases):
    login(client, "leader")
    header, rows, _definitions = _csv(client)
    assert not {"姓名", "电子邮箱", "联系电话"} & set(header)
    assert cases["sealed"] not in [row[0] for row in rows] and len(rows) == 3
    assert "ask@example.test" not in str(rows)


def test_an_inspector_gets_the_sealed_case_and_the_look_is_logged(client, cases):
    login(client, "inspector")
    response = client.get("/staff/cases/export.xlsx", query_string={"confidential": "yes"})
    assert response.status_code == 200 and response.is_streamed
    book = load_workbook(io.BytesIO(response.get_data()), read_only=True)
    assert book.sheetnames == ["案件清单", "字段说明"]
    rows = list(book["案件清单"].iter_rows(values_only=True))
    assert rows[0][0] == "编号" and [row[0] for row in rows[1:]] == [cases["sealed"]]
    assert rows[1][rows[0].index("是否密封")] == "是"
    definitions = list(book["字段说明"].iter_rows(values_only=True))
    assert definitions[0] == ("字段", "说明") and [row[0] for row in definitions[1:]] == list(rows[0])
    sealed = db.session.scalar(select(Case).where(Case.reference == cases["sealed"]))
    viewed = db.session.scalars(
        select(CaseEvent).where(CaseEvent.case_id == sealed.id, CaseEvent.action == "viewed")
    ).all()
    assert [event.detail for event in viewed] == [{"what": "export"}]


def test_xlsx_keeps_a_formula_as_text_and_the_inbox_links_the_downloads(client, cases):
    login(client, "triager")
    page = client.get("/staff/cases?status=received").get_data(as_text=True)
    assert (
        "/staff/cases/export.csv?status=received" in page
        and "/staff/cases/export.xlsx?status=received" in page
    )
    book = load_workbook(io.BytesIO(client.get("/staff/cases/export.xlsx").get_data()))
    sheet = book["案件清单"]
    subjects = [cell.value for cell in sheet["F"]]
    assert '=HYPERLINK("http://evil.example")' in subjects
    assert all(cell.data_type == "s" for cell in sheet["F"][1:])
    assert client.get("/staff/cases/export.pdf").status_code == 404

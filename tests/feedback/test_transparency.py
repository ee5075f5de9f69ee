"""The public transparency page: per problem and month, rates only from five closed cases, never a
sealed or unscreened case, cached (issue 13, point 5)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from cases.extensions import db
from cases.handling.ratings import rate_reply
from cases.models import Case
from cases.reports import today
from cases.triage import decisions
from feedback.transparency import forget_figures, months
from tests.cases.discipline_support import ACCUSATION, SUBJECT
from tests.cases.triage_support import new_case, setup_departments, staff
from tests.feedback.workflow import reply


def first_of_last_month() -> date:
    """Always inside the page's six months, and every day of it already past."""
    return months(today())[-2][0]


def on(day: int) -> datetime:
    """10:00 in Shanghai on that day of last month."""
    return datetime.combine(first_of_last_month() + timedelta(days=day - 1), time(2, 0), UTC)


@pytest.fixture
def triager(app: Flask, catalogue: object) -> object:
    """Departments and a triager; no figures kept from an earlier test."""
    setup_departments()
    forget_figures()
    return staff("triager")


def closed_case(triager: object, level: int = 5, n: int = 0) -> Case:
    """An opinion on problem 1.1 received last month, answered within days and rated (closed)."""
    case = new_case(f"核心区楼宇空置率高，第{n}条意见。", received_at=on(1), problems=("1.1",))
    decisions.accept(case, actor=triager, now=on(2), kind="suggestion")
    reply(case, "已按季度公开空置率。", at=on(5))
    rate_reply(case, level, now=on(6))
    db.session.commit()
    return case


def month_row(html: str, code: str) -> list[str]:
    """The cells of last month's row in the table of problem ``code``."""
    month = first_of_last_month().strftime("%Y-%m")
    section = html.split(f'id="problem-{code}-title"', 1)[1].split("</table>", 1)[0]
    row = re.search(rf'<time datetime="{month}">{month}</time></th>(.*?)</tr>', section, re.S)
    assert row is not None
    cells = re.findall(r'<td class="num">(.*?)</td>', row.group(1), re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", cell)).strip() for cell in cells]


def test_rates_are_shown_only_from_five_closed_cases(triager: object, client: FlaskClient) -> None:
    hidden = "— （已办结不足5件）"
    for n in range(5):  # the first is rated 不满意 and goes to review: four closed
        closed_case(triager, level=5 if n else 2, n=n)
    html = client.get("/transparency").get_data(as_text=True)
    assert month_row(html, "1.1") == ["5", "5", hidden, hidden]
    assert month_row(html, "1.2") == ["0", "0", hidden, hidden]
    closed_case(triager, n=5)
    # Cached: the sixth case shows once the cache has expired (here: been dropped).
    assert month_row(client.get("/transparency").get_data(as_text=True), "1.1")[0] == "5"
    forget_figures()
    html = client.get("/transparency").get_data(as_text=True)
    assert month_row(html, "1.1") == ["6", "6", "100.0%", "83.3%"]  # five closed: the rates are shown
    assert "张三" not in html and "citizen@example.test" not in html and "13800000000" not in html


def test_sealed_and_unscreened_cases_never_change_the_numbers(triager: object, client: FlaskClient) -> None:
    for n in range(5):
        closed_case(triager, n=n)
    before = client.get("/transparency").get_data(as_text=True)
    sealed = new_case(ACCUSATION, subject=SUBJECT, received_at=on(3), problems=("1.1",))
    assert sealed.kind == "accusation"
    new_case("还没有筛查的意见。", received_at=on(3), problems=("1.1",), screen_later=True)
    forget_figures()
    after = client.get("/transparency").get_data(as_text=True)
    assert after == before
    assert month_row(after, "1.1")[0] == "5"


def test_linked_from_every_page(triager: object, client: FlaskClient) -> None:
    assert 'href="/transparency"' in client.get("/").get_data(as_text=True)

"""Report test data: six opinions of March 2024 built through the real services, with known figures."""

from __future__ import annotations

from datetime import UTC, date, datetime

from cases.extensions import db
from cases.handling.ratings import rate_reply
from cases.models import Case
from cases.reports import ReportFilters
from cases.triage import decisions, routing
from tests.cases.discipline_support import accepted_accusation, concluded, setup_discipline
from tests.cases.triage_support import dept, new_case, staff
from tests.feedback.workflow import reply


def at(month: int, day: int) -> datetime:
    """10:00 in Shanghai on that day of 2024."""
    return datetime(2024, month, day, 2, 0, tzinfo=UTC)


AS_OF = date(2024, 6, 28)
PERIOD = ReportFilters(date(2024, 3, 1), date(2024, 3, 31), as_of=AS_OF)


def build_history() -> dict[str, Case]:
    """Six opinions of March 2024: replied, returned and re-routed, merged, sealed, undecided, extended."""
    inspector = setup_discipline()
    triager, handler = staff("triager"), staff("handler")
    cases: dict[str, Case] = {}
    # Replied by economy a week after acceptance, rated 非常满意: closed.
    cases["replied"] = one = new_case(problems=("1.1",))
    decisions.accept(one, actor=triager, now=at(3, 4), kind="suggestion")
    reply(one, "已按季度公开空置率。", at=at(3, 11))
    rate_reply(one, 5, now=at(3, 12))
    # Returned by economy, re-routed to finance, answered, rated 不满意: in review with finance.
    cases["returned"] = two = new_case("申长路公交接驳不便。", channel="email", problems=("1.1",))
    decisions.accept(two, actor=triager, now=at(3, 4), kind="suggestion")
    routing.return_case(two, actor=handler, now=at(3, 5), reason="不属于本处职责")
    decisions.accept(two, actor=triager, now=at(3, 6), department=dept("finance"), reason="财务处负责")
    reply(two, "已协调公交公司。", at=at(3, 8))
    rate_reply(two, 2, now=at(3, 11))
    # A duplicate of the first, merged: received only.
    cases["duplicate"] = three = new_case("楼宇空置率高。", problems=("1.1",))
    decisions.merge(three, one, actor=triager, now=at(3, 4))
    # An accusation concluded by the discipline group: counted only with the sealed cases.
    accusation = accepted_accusation(inspector)
    concluded(accusation, now=at(3, 20))
    cases["sealed"] = accusation.case
    # A letter nobody decided on: its acceptance is overdue.
    cases["undecided"] = new_case("来信反映问题。", channel="letter")
    # Extended by 10 working days and still not answered.
    cases["extended"] = six = new_case("建议公开招商措施。", problems=("1.1",))
    decisions.accept(six, actor=triager, now=at(3, 4), kind="suggestion")
    routing.request_extension(six, 10, actor=handler, now=at(3, 7), reason="需要多部门会商")
    routing.decide_extension(six, True, actor=triager, now=at(3, 8), reason="同意")
    db.session.commit()
    assert (two.status, two.department.code, six.extension_days) == ("assigned", "finance", 10)
    return cases

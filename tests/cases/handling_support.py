"""Shared helpers of the handling tests: the economy division's people, a case assigned to it, drafts."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from flask.testing import FlaskClient

from cases.domain.reply_points import ReplyPoint
from cases.extensions import db
from cases.handling import drafts
from cases.models import Case, StaffUser
from cases.triage import decisions
from tests.cases.test_staff_web import make_user
from tests.cases.triage_support import csrf_any, dept, new_case, staff

NOW = datetime(2024, 3, 4, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai
LETTER = """尊敬的管委会领导：

您好！看了贵委的整改通报，有以下几点意见：

一、核心区楼宇空置率仍然偏高，建议公开各楼宇的出租率数据，并说明统一、协调的招商措施。

二、申长路一带的公交接驳不便，早晚高峰排队超过半小时。具体有：（一）站点太少；（二）班次太稀。

三、希望管委会定期公布整改进展，接受群众监督。

以上意见，请予考虑。

此致
敬礼"""


def people() -> dict[str, StaffUser]:
    """Everyone a reply meets: triager, two economy handlers, the economy head, a supervisor, an
    inspector and a handler of another division (e-mail: <key>@hqcbd.test)."""
    found = {key: staff(key) for key in ("triager", "handler", "dept_head", "supervisor", "inspector",
                                        "other_handler")}
    found["colleague"] = make_user(email="colleague@hqcbd.test", roles=("handler",),
                                   departments=(dept("economy"),))
    names = {"handler": "张办事员", "colleague": "李同事", "dept_head": "赵处长", "supervisor": "钱主任",
             "triager": "孙分办"}
    for key, name in names.items():
        found[key].display_name = name
    db.session.commit()
    return found


def assigned_case(triager: StaffUser, body: str = LETTER, *, now: datetime = NOW, **fields: object) -> Case:
    """A web case about problem 1.1, accepted by ``triager`` and so routed to the economy division."""
    case = new_case(body, problems=("1.1",), **fields)  # type: ignore[arg-type]
    decisions.accept(case, actor=triager, now=now, kind="suggestion")
    db.session.commit()
    assert case.status == "assigned" and case.department.code == "economy"
    return case


def write(case: Case, author: StaffUser, *points: tuple[str, str], now: datetime = NOW,
          opening: str = "王先生：您好！您反映的问题收悉，现答复如下。", closing: str = "感谢您的监督。",
          text_format: str = "plain") -> drafts.ReplyDraft:
    """Save a version of the reply through the service, committed."""
    draft = drafts.save_draft(case, drafts.DraftInput(
        text_format=text_format, opening=opening, closing=closing,
        points=[ReplyPoint(raised, answer) for raised, answer in points]), actor=author, now=now)
    db.session.commit()
    return draft


def post_form(client: FlaskClient, path: str, data: dict[str, object], page: str):  # noqa: ANN201
    """Post a form of ``page`` (an HTML string for its CSRF token), with files as multipart."""
    return client.post(path, data={"csrf_token": csrf_any(page), **data}, content_type="multipart/form-data")


def section(html: str, element_id: str) -> str:
    """The HTML of the element with ``element_id`` up to the end of its section (for focused asserts)."""
    start = html.index(f'id="{element_id}"')
    end = html.find("</section>", start)
    return html[start:end if end != -1 else len(html)]


def codes(html: str) -> list[str]:
    """The decision forms of a case page, in page order (their ids are do-<action>)."""
    return re.findall(r'id="do-([a-z_]+)"', html)

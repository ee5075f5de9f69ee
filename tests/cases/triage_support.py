"""Shared helpers of the triage tests: departments, staff of every role, cases through record_case."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from flask.testing import FlaskClient

from cases.departments import department_by_code, ensure_default_departments
from cases.extensions import db
from cases.intake import IncomingFile, NewCase, record_case
from cases.models import Case, Department, StaffUser
from tests.cases.test_staff_web import PASSWORD, make_user, post_login

RECEIVED = datetime(2024, 3, 1, 2, 0, tzinfo=UTC)

# role key → (roles, department code)
STAFF = {
    "triager": (("triager",), None),
    "supervisor": (("supervisor",), "party_office"),
    "inspector": (("inspector",), "discipline"),
    "handler": (("handler",), "economy"),
    "other_handler": (("handler",), "finance"),
    "dept_head": (("dept_head",), "economy"),
    "leader": (("leader",), None),
}


def setup_departments() -> None:
    """The default departments and routing rules, committed."""
    ensure_default_departments()
    db.session.commit()


def dept(code: str) -> Department:
    """A department by code (it must exist)."""
    found = department_by_code(code)
    assert found is not None
    return found


def staff(key: str) -> StaffUser:
    """A committed staff user for one of the STAFF keys (e-mail: <key>@hqcbd.test)."""
    roles, code = STAFF[key]
    return make_user(email=f"{key}@hqcbd.test", roles=roles, departments=(dept(code),) if code else ())


def new_case(
    body: str = "核心区楼宇空置率高，建议加大招商力度。",
    *,
    subject: str = "楼宇空置",
    email: str = "citizen@example.test",
    phone: str = "13800000000",
    channel: str = "web",
    received_at: datetime = RECEIVED,
    files: tuple[IncomingFile, ...] = (),
    now: datetime | None = None,
    problems: tuple[str, ...] = (),
    screen_later: bool = False,
) -> Case:
    """A case recorded through record_case and committed."""
    recorded = record_case(
        NewCase(
            channel=channel,
            body=body,
            subject=subject,
            received_at=received_at,
            submitter_name="张三",
            submitter_email=email,
            submitter_phone=phone,
            files=files,
            problem_codes=problems,
        ),
        now=now or received_at,
        screen_later=screen_later,
    )
    db.session.commit()
    return recorded.case


def csrf_any(html: str) -> str:
    """The first CSRF token of a page, whatever the attribute order."""
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html
    )
    assert match, "no CSRF token in the page"
    return match.group(1)


def login(client: FlaskClient, key: str) -> None:
    """Log the client in as the STAFF user ``key``."""
    response = post_login(client, f"{key}@hqcbd.test", PASSWORD)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


def post_action(client: FlaskClient, reference: str, action: str, **data: str):  # noqa: ANN201
    """Post a decision from the case page (CSRF token from the page)."""
    page = client.get(f"/staff/cases/{reference}")
    token = csrf_any(page.get_data(as_text=True)) if page.status_code == 200 else "none"
    return client.post(f"/staff/cases/{reference}/do/{action}", data={"csrf_token": token, **data})


def reload_case(reference: str) -> Case:
    """The case as committed by the requests."""
    db.session.expire_all()
    found = db.session.scalar(db.select(Case).where(Case.reference == reference))
    assert found is not None
    return found


def enter_letter(client: FlaskClient, **fields: str):  # noqa: ANN201
    """Type in a letter on the manual entry form as a logged-in triager would (fields override)."""
    page = client.get("/staff/cases/new").get_data(as_text=True)
    data = {"csrf_token": csrf_any(page), "channel": "letter", "received_on": "2026-11-30",
            "subject": "来信", "body": "关于楼宇空置率的来信，建议公开数据。", "name": "李四",
            "email": "", "phone": "", "address": "", **fields}
    return client.post("/staff/cases/new", data=data)

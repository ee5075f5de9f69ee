"""Shared helpers of the administration tests: an admin, logins, forms posted with their CSRF token."""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from cases.extensions import db
from cases.models import AuditEvent, StaffUser
from tests.cases.test_staff_web import PASSWORD, make_user, post_login
from tests.cases.triage_support import csrf_any, setup_departments

ADMIN_EMAIL = "admin@hqcbd.test"


def admin(email: str = ADMIN_EMAIL) -> StaffUser:
    """A committed admin account with PASSWORD (the default departments exist)."""
    setup_departments()
    return make_user(email=email, roles=("admin",))


def log_in(client: FlaskClient, email: str, password: str = PASSWORD) -> None:
    """Log the client in, checking that it worked."""
    response = post_login(client, email, password)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]


def post_form(client: FlaskClient, page: str, data: dict[str, Any], action: str | None = None,
              **kwargs: Any) -> TestResponse:
    """Open ``page`` for its CSRF token and post ``data`` to ``action`` (the page itself by default)."""
    html = client.get(page).get_data(as_text=True)
    return client.post(action or page, data={"csrf_token": csrf_any(html), **data}, **kwargs)


def page_text(response: TestResponse) -> str:
    """The page's HTML."""
    return response.get_data(as_text=True)


def secret_on(response: TestResponse, element_id: str) -> str:
    """The text of the element with this id (the link or password shown once)."""
    match = re.search(rf'id="{element_id}">([^<]+)<', page_text(response))
    assert match, page_text(response)[:2000]
    return match.group(1).strip()


def audit_events(entity: str | None = None) -> list[AuditEvent]:
    """The committed audit events, oldest first."""
    db.session.expire_all()
    query = db.select(AuditEvent).order_by(AuditEvent.id)
    if entity:
        query = query.where(AuditEvent.entity == entity)
    return list(db.session.scalars(query))


def user_by(email: str) -> StaffUser:
    """The committed account with this e-mail."""
    db.session.expire_all()
    found = db.session.scalar(db.select(StaffUser).where(StaffUser.email == email))
    assert found is not None
    return found

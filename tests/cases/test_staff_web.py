"""Staff login, throttling, CSRF, cookies, redirects and the staff home, over HTTP (guessing limits:
test_login_limits.py; sessions: test_staff_sessions.py)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from cases import auth
from cases.auth import hash_password, safe_next_path
from cases.extensions import db
from cases.models import Case, Department, StaffRole, StaffUser

PASSWORD = "correct horse battery staple"
WRONG_LOGIN_ZH = "邮箱或密码不正确"


def make_user(
    email: str = "triager@hqcbd.test",
    roles: tuple[str, ...] = ("triager",),
    departments: tuple[Department, ...] = (),
    active: bool = True,
) -> StaffUser:
    """A committed staff user with PASSWORD."""
    user = StaffUser(
        email=email,
        display_name="王小明",
        password_hash=hash_password(PASSWORD),
        active=active,
        role_rows=[StaffRole(role) for role in roles],
        departments=list(departments),
    )
    db.session.add(user)
    db.session.commit()
    return user


def reload(user: StaffUser) -> StaffUser:
    """The user as committed by the requests (the test's session may hold stale values)."""
    db.session.expire_all()
    return db.session.get(StaffUser, user.id)  # type: ignore[return-value]


def csrf_from(html: str) -> str:
    """The CSRF token of the first form in a page."""
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def post_login(client: FlaskClient, email: str, password: str, next_path: str | None = None,
               **kwargs: Any) -> TestResponse:
    """Fetch the login form (for its CSRF token) and submit it."""
    query = {"next": next_path} if next_path is not None else {}
    token = csrf_from(client.get("/staff/login", query_string=query, **kwargs).get_data(as_text=True))
    return client.post(
        "/staff/login",
        query_string=query,
        data={"csrf_token": token, "email": email, "password": password},
        **kwargs,
    )


def logged_in(client: FlaskClient) -> bool:
    """Whether the client's session cookie carries a logged-in user."""
    with client.session_transaction() as session:
        return "_user_id" in session


def make_case(number: int, status: str, department: Department | None = None,
              confidential: bool = False) -> Case:
    """A minimal committed case in a given status."""
    case = Case(
        reference=f"HQ-2024-{number:06d}",
        tracking_code_hash=f"{number:064d}",
        channel="web",
        kind="accusation" if confidential else "suggestion",
        status=status,
        received_at=datetime(2024, 3, 1, 2, 0, tzinfo=UTC),
        confidential=confidential,
        department=department,
        screened_at=datetime(2024, 3, 1, 2, 0, tzinfo=UTC),
    )
    db.session.add(case)
    return case


def test_passwords_are_hashed_with_scrypt() -> None:
    hashed = hash_password(PASSWORD)
    assert hashed.startswith("scrypt:")
    assert auth.verify_password(hashed, PASSWORD)
    assert not auth.verify_password(hashed, PASSWORD + "x")


def test_login_success_shows_the_staff_home_with_real_data(client: FlaskClient) -> None:
    office = Department(code="party_office", name_zh="机关党委办公室", name_en="Party office",
                        kind="party_office")
    planning = Department(code="planning", name_zh="规划建设处", name_en="Planning division")
    db.session.add_all([office, planning])
    user = make_user(roles=("triager", "handler"), departments=(office,))
    make_case(1, "received")
    make_case(2, "received")
    make_case(3, "assigned", department=planning)
    make_case(4, "received", confidential=True)  # sealed: a triager must not even count it
    db.session.commit()

    before = datetime.now(UTC)
    response = post_login(client, "  Triager@HQCBD.test ", PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/"
    assert logged_in(client)
    user = reload(user)
    assert user.last_login_at is not None and user.last_login_at >= before - timedelta(seconds=1)

    page = client.get("/staff/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    assert "王小明" in html and "triager@hqcbd.test" in html
    assert "登记分办员（机关党委办公室）" in html and "部门承办人" in html
    assert "机关党委办公室" in html and "规划建设处" not in html
    assert re.search(r'<th scope="row">已接收</th><td class="num">2</td>', html)
    assert re.search(r'<th scope="row">已交办部门</th><td class="num">1</td>', html)
    assert re.search(r'<th scope="row">已办结</th><td class="num">0</td>', html)
    assert re.search(r'<th scope="row">合计</th><td class="num">3</td>', html)
    # The login time, in Beijing time (UTC+8) through the local_time filter.
    assert user.last_login_at.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M") in html
    assert 'action="/staff/logout"' in html


def test_inspector_counts_only_sealed_cases(client: FlaskClient) -> None:
    make_user(email="inspector@hqcbd.test", roles=("inspector",))
    make_case(1, "received")
    make_case(2, "received", confidential=True)
    db.session.commit()
    assert post_login(client, "inspector@hqcbd.test", PASSWORD).status_code == 302
    html = client.get("/staff/").get_data(as_text=True)
    assert re.search(r'<th scope="row">合计</th><td class="num">1</td>', html)


def test_wrong_password_and_unknown_email_get_the_same_answer(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = make_user()
    checked: list[str] = []
    real_verify = auth.verify_password

    def counting_verify(password_hash: str, password: str) -> bool:
        checked.append(password_hash)
        return real_verify(password_hash, password)

    monkeypatch.setattr(auth, "verify_password", counting_verify)

    answers = []
    for email in ("triager@hqcbd.test", "nobody@hqcbd.test"):
        response = post_login(client, email, "not the password")
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert WRONG_LOGIN_ZH in html and "还可尝试 4 次" in html
        assert not logged_in(client)
        summary = re.search(r'<div class="error-summary".*?</div>', html, re.S)
        assert summary and 'href="#email"' in summary.group(0)
        answers.append(summary.group(0))
    assert answers[0] == answers[1]
    # The unknown e-mail is checked against a dummy hash of the same kind: the same work is done.
    assert len(checked) == 2 and all(h.startswith("scrypt:") for h in checked)
    assert checked[0] == reload(user).password_hash and checked[1] != checked[0]
    assert client.get("/staff/").status_code == 302


def test_inactive_account_gets_the_same_answer(client: FlaskClient) -> None:
    make_user(active=False)
    response = post_login(client, "triager@hqcbd.test", PASSWORD)
    assert response.status_code == 200
    assert WRONG_LOGIN_ZH in response.get_data(as_text=True)
    assert not logged_in(client)


def test_validation_errors_are_summarised_with_links_to_fields(client: FlaskClient) -> None:
    response = post_login(client, "not-an-address", "")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<a href="#email">请按正确格式输入电子邮箱' in html
    assert '<a href="#password">请输入密码</a>' in html
    assert 'aria-describedby="email-error"' in html and 'aria-invalid="true"' in html
    assert "<title>错误： 工作人员登录" in html


def test_post_without_csrf_token_is_refused_with_a_clear_page(client: FlaskClient) -> None:
    make_user()
    assert client.application.config.get("WTF_CSRF_ENABLED", True)
    response = client.post("/staff/login", data={"email": "triager@hqcbd.test", "password": PASSWORD})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "表单已失效" in html and "刷新页面后重新提交" in html
    assert not logged_in(client)


def test_logout_needs_a_post_with_csrf(client: FlaskClient) -> None:
    make_user()
    post_login(client, "triager@hqcbd.test", PASSWORD)
    assert client.get("/staff/logout").status_code == 405
    assert client.post("/staff/logout").status_code == 400
    assert logged_in(client)

    token = csrf_from(client.get("/staff/").get_data(as_text=True))
    response = client.post("/staff/logout", data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/staff/login"
    assert not logged_in(client)
    assert "您已退出登录。" in client.get("/staff/login").get_data(as_text=True)
    assert client.get("/staff/").status_code == 302


def test_login_posts_are_throttled_per_address(app: Flask, client: FlaskClient) -> None:
    app.config["LOGIN_THROTTLE"] = "3 per minute"
    for _attempt in range(3):
        assert post_login(client, "nobody@hqcbd.test", "wrong").status_code == 200
    response = post_login(client, "nobody@hqcbd.test", "wrong")
    assert response.status_code == 429
    assert "尝试次数过多" in response.get_data(as_text=True)
    # Only POST is limited: the form itself still loads.
    assert client.get("/staff/login").status_code == 200
    # Another address is not affected.
    other = post_login(client, "nobody@hqcbd.test", "wrong",
                       environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert other.status_code == 200


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)",
     "http:/evil.example", "/\t/evil.example", "evil.example"],
)
def test_next_must_be_a_same_site_path(client: FlaskClient, target: str) -> None:
    make_user()
    response = post_login(client, "triager@hqcbd.test", PASSWORD, next_path=target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/"


def test_next_same_site_path_is_followed(client: FlaskClient) -> None:
    make_user()
    first = client.get("/staff/")
    assert first.status_code == 302
    assert first.headers["Location"] == "/staff/login?next=%2Fstaff%2F"
    response = post_login(client, "triager@hqcbd.test", PASSWORD, next_path="/staff/?tab=1")
    assert response.headers["Location"] == "/staff/?tab=1"


def test_safe_next_path() -> None:
    assert safe_next_path("/problems/1.1?x=1") == "/problems/1.1?x=1"
    for bad in (None, "", "//x", "/\\x", "https://x/", "x", "/a\nb"):
        assert safe_next_path(bad) is None


def test_session_cookie_flags_follow_the_scheme(client: FlaskClient) -> None:
    plain = client.get("/staff/login").headers.get_all("Set-Cookie")
    session_cookie = next(c for c in plain if c.startswith("session="))
    assert "HttpOnly" in session_cookie and "SameSite=Lax" in session_cookie
    assert "Secure" not in session_cookie

    client.delete_cookie("session")  # a new visitor: the page gives them a session cookie
    secure = client.get("/staff/login", base_url="https://localhost").headers.get_all("Set-Cookie")
    session_cookie = next(c for c in secure if c.startswith("session="))
    assert "Secure" in session_cookie
    assert "HttpOnly" in session_cookie and "SameSite=Lax" in session_cookie


def test_staff_home_requires_login(client: FlaskClient) -> None:
    response = client.get("/staff/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/staff/login?next=")


def test_staff_home_in_english(client: FlaskClient) -> None:
    make_user(roles=("leader",))
    client.get("/lang/en")
    post_login(client, "triager@hqcbd.test", PASSWORD)
    html = client.get("/staff/").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Staff home" in html and "Leader" in html and "Cases you can see, by status" in html
    assert "Log out" in html


def test_login_form_is_accessible(client: FlaskClient) -> None:
    html = client.get("/staff/login").get_data(as_text=True)
    assert '<label class="label" for="email">电子邮箱</label>' in html
    assert '<label class="label" for="password">密码</label>' in html
    assert 'id="email"' in html and 'id="password"' in html
    assert 'autocomplete="current-password"' in html
    assert "<script" not in html and "style=" not in html


def test_a_long_e_mail_address_can_act_on_a_case(app):
    """The event's actor holds the staff member's e-mail address: any valid length must fit."""
    from datetime import UTC, datetime

    from cases.admin import audit
    from cases.intake import NewCase, record_case
    from cases.models import CaseEvent
    from cases.triage.workflow import note_event

    select = db.select
    email = "zhang.san.of.the.economic.development.division." + "x" * 60 + "@hqcbd.shanghai.gov.cn"
    user = make_user(email=email, roles=("supervisor",))
    now = datetime(2026, 11, 30, 2, tzinfo=UTC)
    case = record_case(NewCase(channel="phone", body="请公布整改进展", received_at=now), now=now).case
    note_event(case, "note", actor=user, now=now, reason="来电补充")
    audit.record(audit.STAFF_USER, user.id, "updated", actor=None, actor_label=email,
                 before={"display_name": "a"}, after={"display_name": "b"})
    db.session.commit()
    stored = db.session.scalar(select(CaseEvent.actor_label).where(CaseEvent.action == "note"))
    assert stored == email

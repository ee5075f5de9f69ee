"""Staff accounts on the administration pages (issue 14, point 3), one's own password and the 403
page (point 5): over HTTP on the real database, with the audit events each change leaves."""

from __future__ import annotations

import json
import re
import threading
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from cases.auth import verify_password
from cases.departments import department_by_code
from cases.extensions import db
from cases.models import PasswordLink, StaffUser
from cases.users import UserError, deactivate_user
from tests.cases.admin_support import (
    ADMIN_EMAIL,
    admin,
    audit_events,
    log_in,
    page_text,
    post_form,
    secret_on,
    user_by,
)
from tests.cases.test_staff_web import PASSWORD, make_user, post_login

NEW = "a long enough new passphrase"
COLLEAGUE = "li.hua@hqcbd.shanghai.gov.cn"


def _create(client: FlaskClient, method: str, **fields: object):  # noqa: ANN202
    data = {"email": COLLEAGUE, "display_name": "李华", "roles": ["handler"], "departments": ["economy"],
            "password_method": method, **fields}
    return post_form(client, "/staff/admin/accounts/new", data)


def _as_admin(client: FlaskClient) -> None:
    admin()
    log_in(client, ADMIN_EMAIL)


def _refused(client: FlaskClient) -> bool:
    response = client.get("/staff/")
    return response.status_code == 302 and "/staff/login" in response.headers["Location"]


def test_only_admins_see_the_pages_and_the_403_page_is_styled_and_translated(app: Flask, client: FlaskClient):
    admin()
    make_user(email="triager@hqcbd.test", roles=("triager",))
    assert client.get("/staff/admin/accounts").status_code == 302  # a visitor logs in first
    log_in(client, "triager@hqcbd.test")
    for path in ("/staff/admin/", "/staff/admin/accounts", "/staff/admin/routing", "/staff/admin/audit",
                 "/staff/admin/holidays", "/staff/admin/discipline", "/staff/admin/departments"):
        response = client.get(path)
        assert response.status_code == 403, path
        html = page_text(response)
        assert "您无权打开此页面" in html and "Forbidden" not in html
        assert 'class="site"' in html  # the site's own layout, not Flask's bare page
    assert "/staff/admin/" not in page_text(client.get("/staff/"))  # no administration link for a triager
    client.get("/lang/en?next=/")
    assert "You may not open this page" in page_text(client.get("/staff/admin/"))


def test_the_account_list_shows_translated_roles_departments_and_last_login(client: FlaskClient):
    _as_admin(client)
    make_user(email="head@hqcbd.test", roles=("dept_head",), departments=(department_by_code("economy"),))
    html = page_text(client.get("/staff/admin/accounts"))
    assert "部门负责人" in html and "经济发展处" in html and "dept_head" not in html
    assert "从未登录" in html  # the head never logged in; the admin just did
    assert "系统管理员" in html


def test_creating_an_account_with_a_one_time_link(app: Flask, client: FlaskClient):
    _as_admin(client)
    response = _create(client, "link")
    assert response.status_code == 200
    link = secret_on(response, "password-link")
    assert "/staff/password/" in link
    token = link.rsplit("/", 1)[1]
    user = user_by(COLLEAGUE)
    assert user.roles == {"handler"} and [d.code for d in user.departments] == ["economy"]
    # Only the token's hash is stored; nobody knows the account's password until the link is used.
    stored = db.session.scalars(db.select(PasswordLink)).all()
    assert len(stored) == 1 and stored[0].token_hash != token and token not in stored[0].token_hash

    person = app.test_client()
    page = person.get(f"/staff/password/{token}")
    assert page.status_code == 200 and COLLEAGUE in page_text(page)
    assert page.headers["Referrer-Policy"] == "no-referrer"
    short = post_form(person, f"/staff/password/{token}", {"new": "short", "new_again": "short"})
    assert "12" in page_text(short) and "error-summary" in page_text(short)
    done = post_form(person, f"/staff/password/{token}", {"new": NEW, "new_again": NEW})
    assert done.status_code == 302 and done.headers["Location"].endswith("/staff/login")
    assert verify_password(user_by(COLLEAGUE).password_hash, NEW)
    # Used once: the link is gone.
    assert person.get(f"/staff/password/{token}").status_code == 404
    assert db.session.scalars(db.select(PasswordLink)).all() == []
    log_in(person, COLLEAGUE, NEW)


def test_a_link_expires_and_a_newer_link_replaces_it(app: Flask, client: FlaskClient):
    _as_admin(client)
    first = secret_on(_create(client, "link"), "password-link").rsplit("/", 1)[1]
    user = user_by(COLLEAGUE)
    second = secret_on(post_form(client, f"/staff/admin/accounts/{user.id}",
                                 {"reset-password_method": "link"},
                                 action=f"/staff/admin/accounts/{user.id}/password"), "password-link")
    token = second.rsplit("/", 1)[1]
    assert client.get(f"/staff/password/{first}").status_code == 404  # replaced
    link = db.session.scalar(db.select(PasswordLink))
    assert link is not None and link.expires_at - link.created_at == timedelta(hours=24)
    link.expires_at = link.created_at  # the day has passed
    db.session.commit()
    response = app.test_client().get(f"/staff/password/{token}")
    assert response.status_code == 404 and "此链接已失效" in page_text(response)
    assert db.session.scalars(db.select(PasswordLink)).all() == []  # deleted on sight


def test_a_temporary_password_must_be_changed_at_login(app: Flask, client: FlaskClient):
    _as_admin(client)
    response = _create(client, "temporary")
    temporary = secret_on(response, "temporary-password")
    assert len(temporary) >= 12 and user_by(COLLEAGUE).must_change_password

    person = app.test_client()
    log_in(person, COLLEAGUE, temporary)
    for path in ("/staff/", "/staff/cases", "/staff/mailbox/"):
        answer = person.get(path)
        assert answer.status_code == 302 and answer.headers["Location"].endswith("/staff/account/password")
    assert person.get("/").status_code == 200  # public pages stay open
    form = person.get("/staff/account/password")
    assert "临时密码" in page_text(form)
    same = post_form(person, "/staff/account/password", {"current": temporary, "new": temporary,
                                                          "new_again": temporary})
    assert "error-summary" in page_text(same) and user_by(COLLEAGUE).must_change_password
    done = post_form(person, "/staff/account/password", {"current": temporary, "new": NEW, "new_again": NEW})
    assert done.status_code == 302
    assert person.get("/staff/").status_code == 200  # the same browser carries on
    assert not user_by(COLLEAGUE).must_change_password
    assert verify_password(user_by(COLLEAGUE).password_hash, NEW)


def test_every_staff_member_changes_their_own_password_other_sessions_end(app: Flask, client: FlaskClient):
    user = make_user(email="triager@hqcbd.test", roles=("triager",))
    other_device = app.test_client()
    log_in(other_device, user.email)
    log_in(client, user.email)
    home = page_text(client.get("/staff/"))
    assert "/staff/account/password" in home
    mismatch = post_form(client, "/staff/account/password", {"current": PASSWORD, "new": NEW,
                                                              "new_again": NEW + "x"})
    assert "两次输入的新密码不一致" in page_text(mismatch)
    assert 'value="' + NEW not in page_text(mismatch)  # passwords are never sent back
    wrong = post_form(client, "/staff/account/password", {"current": "not my password", "new": NEW,
                                                           "new_again": NEW})
    assert "当前密码不正确" in page_text(wrong) and "还可尝试" in page_text(wrong)
    done = post_form(client, "/staff/account/password", {"current": PASSWORD, "new": NEW, "new_again": NEW})
    assert done.status_code == 302
    assert client.get("/staff/").status_code == 200
    assert _refused(other_device)
    [event] = audit_events("staff_user")
    assert (event.action, event.actor_id) == ("password_changed", user.id)
    assert event.after == {"must_change": False}


def test_changing_roles_and_departments_follows_the_account_rules(client: FlaskClient):
    _as_admin(client)
    _create(client, "link")
    user = user_by(COLLEAGUE)
    page = f"/staff/admin/accounts/{user.id}"
    no_department = post_form(client, page, {"display_name": "李华", "roles": ["dept_head"]})
    assert "需要所属部门" in page_text(no_department)
    assert re.search(r'<input checked[^>]*value="dept_head"', page_text(no_department))  # kept as ticked
    assert not re.search(r'<input checked[^>]*value="handler"', page_text(no_department))
    ok = post_form(client, page, {"display_name": "李华华", "roles": ["dept_head", "triager"],
                                  "departments": ["economy", "finance"]})
    assert ok.status_code == 302
    user = user_by(COLLEAGUE)
    assert user.roles == {"dept_head", "triager"} and user.display_name == "李华华"
    assert sorted(d.code for d in user.departments) == ["economy", "finance"]
    updated = audit_events("staff_user")[-1]
    assert updated.action == "updated"
    assert updated.before["roles"] == ["handler"] and updated.after["roles"] == ["dept_head", "triager"]
    assert updated.after["departments"] == ["economy", "finance"]


def test_deactivating_ends_sessions_and_reactivating_lets_them_back(app: Flask, client: FlaskClient):
    _as_admin(client)
    user = make_user(email="triager@hqcbd.test", roles=("triager",))
    device = app.test_client()
    log_in(device, user.email)
    page = f"/staff/admin/accounts/{user.id}"
    assert post_form(client, page, {}, action=f"{page}/deactivate").status_code == 302
    assert _refused(device) and not user_by(user.email).active
    assert post_login(app.test_client(), user.email, PASSWORD).status_code == 200  # refused
    assert post_form(client, page, {}, action=f"{page}/reactivate").status_code == 302
    log_in(device, user.email)
    actions = [e.action for e in audit_events("staff_user")]
    assert actions == ["deactivated", "reactivated"]


def test_the_last_admin_can_never_be_removed(app: Flask, client: FlaskClient):
    _as_admin(client)
    me = user_by(ADMIN_EMAIL)
    page = f"/staff/admin/accounts/{me.id}"
    # Not by deactivating themselves…
    refused = post_form(client, page, {}, action=f"{page}/deactivate", follow_redirects=True)
    assert "最后一位" in page_text(refused) and user_by(ADMIN_EMAIL).active
    # …nor by taking the role away.
    kept = post_form(client, page, {"display_name": "管理员", "roles": ["triager"]})
    assert "最后一位" in page_text(kept) and user_by(ADMIN_EMAIL).roles == {"admin"}
    # A second admin makes it possible; then the second cannot remove the first (now the last).
    other = make_user(email="admin2@hqcbd.test", roles=("admin",))
    assert post_form(client, f"/staff/admin/accounts/{other.id}", {},
                     action=f"/staff/admin/accounts/{other.id}/deactivate").status_code == 302
    assert not user_by("admin2@hqcbd.test").active
    # A deactivated admin does not count: the first is still the last active one.
    refused_again = post_form(client, page, {"display_name": "管理员", "roles": ["leader"]})
    assert "最后一位" in page_text(refused_again)
    # And the command line keeps the rule too.
    result = app.test_cli_runner().invoke(args=["users", "deactivate", "--email", ADMIN_EMAIL])
    assert result.exit_code != 0 and "last active admin" in result.output
    assert user_by(ADMIN_EMAIL).active
    assert [e.action for e in audit_events("staff_user")] == ["deactivated"]


def test_an_admin_may_step_down_when_another_admin_remains(client: FlaskClient):
    _as_admin(client)
    make_user(email="admin2@hqcbd.test", roles=("admin",))
    me = user_by(ADMIN_EMAIL)
    response = post_form(client, f"/staff/admin/accounts/{me.id}",
                         {"display_name": "管理员", "roles": ["leader"]})
    assert response.status_code == 302 and response.headers["Location"].endswith("/staff/")
    assert client.get("/staff/admin/").status_code == 403
    assert user_by(ADMIN_EMAIL).roles == {"leader"}


def test_audit_events_record_before_and_after_but_never_a_secret(app: Flask, client: FlaskClient):
    _as_admin(client)
    temporary = secret_on(_create(client, "temporary"), "temporary-password")
    user = user_by(COLLEAGUE)
    link = secret_on(post_form(client, f"/staff/admin/accounts/{user.id}", {"reset-password_method": "link"},
                               action=f"/staff/admin/accounts/{user.id}/password"), "password-link")
    token = link.rsplit("/", 1)[1]
    post_form(app.test_client(), f"/staff/password/{token}", {"new": NEW, "new_again": NEW})
    events = audit_events("staff_user")
    assert [e.action for e in events] == ["created", "temporary_password", "password_link",
                                          "password_set_by_link"]
    created = events[0]
    assert created.actor_id == user_by(ADMIN_EMAIL).id and created.before is None
    assert created.after == {"email": COLLEAGUE, "display_name": "李华", "roles": ["handler"],
                             "departments": ["economy"], "active": True, "must_change": False}
    user = user_by(COLLEAGUE)
    everything = json.dumps([[e.before, e.after, e.actor_label] for e in events], ensure_ascii=False)
    for secret in (temporary, token, NEW, user.password_hash, user.session_token):
        assert secret not in everything
    assert events[3].actor_id == user.id and events[3].actor_label == "one-time link"
    # The log page words every event in the reader's language.
    html = page_text(client.get("/staff/admin/audit"))
    assert "通过一次性链接设置密码" in html and "签发临时密码" in html and "password_link" not in html
    assert html.index("通过一次性链接设置密码") < html.index("签发临时密码")  # newest first


def test_a_reset_by_link_closes_the_account_at_once(app: Flask, client: FlaskClient):
    _as_admin(client)
    user = make_user(email="triager@hqcbd.test", roles=("triager",))
    device = app.test_client()
    log_in(device, user.email)
    page = f"/staff/admin/accounts/{user.id}"
    response = post_form(client, page, {"reset-password_method": "link"}, action=f"{page}/password")
    assert "/staff/password/" in secret_on(response, "password-link")
    assert _refused(device)  # sessions ended
    assert post_login(app.test_client(), user.email, PASSWORD).status_code == 200  # the old password is dead


# Two threads, each with its own connection.
@pytest.mark.committed
def test_two_admins_removing_each_other_at_once_leave_one(app: Flask):
    # PostgreSQL: the active admins' rows are locked; SQLite: the second write waits for the first.
    # Either way the second removal waits, then sees it would leave none.
    first = make_user(email="admin1@hqcbd.test", roles=("admin",))
    second_id = make_user(email="admin2@hqcbd.test", roles=("admin",)).id
    outcome: list[str] = []

    def remove_the_first_from_elsewhere() -> None:
        with app.app_context():
            try:
                deactivate_user(db.session.get(StaffUser, second_id))
                db.session.commit()
                outcome.append("deactivated")
            except UserError as error:
                db.session.rollback()
                outcome.append(error.rule)
            finally:
                db.session.remove()

    deactivate_user(first)  # holds the locks until the commit below
    other = threading.Thread(target=remove_the_first_from_elsewhere)
    other.start()
    other.join(1.0)
    assert other.is_alive()  # waiting for the first transaction
    db.session.commit()
    other.join(10)
    assert outcome == ["last_admin"]
    assert user_by("admin2@hqcbd.test").active and not user_by("admin1@hqcbd.test").active


def test_changes_from_the_command_line_are_in_the_audit_log_too(app: Flask, client: FlaskClient):
    _as_admin(client)
    runner = app.test_cli_runner()
    created = runner.invoke(args=["users", "create", "--email", COLLEAGUE, "--role", "leader"])
    assert created.exit_code == 0, created.output
    printed = created.output.rsplit(": ", 1)[1].strip()
    assert runner.invoke(args=["users", "set-password", "--email", COLLEAGUE]).exit_code == 0
    assert runner.invoke(args=["users", "deactivate", "--email", COLLEAGUE]).exit_code == 0
    events = audit_events("staff_user")
    assert [(e.action, e.actor_id, e.actor_label) for e in events] == [
        ("created", None, "command line"), ("password_set_by_command", None, "command line"),
        ("deactivated", None, "command line")]
    assert printed not in json.dumps([[e.before, e.after] for e in events])
    html = page_text(client.get("/staff/admin/audit"))
    assert "命令行" in html and "通过命令行设置密码" in html

"""API tokens (issue 15, point 1): stored hashed, shown once, acting as their user, revocable from
the staff pages and the command line; the API answers in JSON and in the language asked for."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

from sqlalchemy import select, text

from cases.api_tokens import create_token, user_for_token
from cases.extensions import db
from cases.models import ApiToken, AuditEvent
from cases.models.types import utcnow
from cases.users import deactivate_user
from tests.cases.admin_support import post_form
from tests.cases.test_staff_web import PASSWORD, make_user, post_login


def _bearer(token: str, language: str = "zh-CN") -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Accept-Language": language}


def test_the_command_prints_a_token_that_is_stored_only_hashed(app, runner, catalogue):
    make_user(email="oa@hqcbd.test", roles=("leader",))
    result = runner.invoke(args=["users", "token", "OA@hqcbd.test", "--name", "OA系统"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    assert re.fullmatch(r"hq_[A-Za-z0-9_-]{43}", token)
    row = db.session.scalar(select(ApiToken))
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest() and row.name == "OA系统"
    # Nowhere in the database in clear, the audit log included.
    dump = db.session.execute(text("SELECT CAST(before AS TEXT), CAST(after AS TEXT) FROM audit_event")).all()
    assert token not in str(dump) and token[10:] not in str(dump)
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.entity == "api_token")) == "created"
    client = app.test_client()
    answer = client.get("/api/v1/catalogue", headers=_bearer(token))
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    assert len(answer.get_json()["areas"]) >= 1
    assert db.session.get(ApiToken, row.id).last_used_at is not None
    listed = runner.invoke(args=["users", "tokens", "oa@hqcbd.test"])
    assert row.prefix in listed.output and token not in listed.output
    revoked = runner.invoke(args=["users", "revoke-token", str(row.id)])
    assert revoked.exit_code == 0 and "revoked" in revoked.output
    assert client.get("/api/v1/catalogue", headers=_bearer(token)).status_code == 401


def test_refused_tokens_get_json_errors_in_the_asked_language(app, client, catalogue):
    user = make_user(email="oa@hqcbd.test", roles=("leader",))
    now = utcnow()
    _row, expired = create_token(user, "old", now=now - timedelta(days=40), days=30)
    _row, good = create_token(user, "good", now=now, days=None)
    db.session.commit()
    for headers in ({}, _bearer(expired), _bearer("hq_" + "x" * 43), _bearer(good[:-1]),
                    {"Authorization": f"Basic {good}"}, _bearer("\x00" * 5)):
        answer = client.get("/api/v1/catalogue", headers=headers)
        assert answer.status_code == 401 and answer.headers["WWW-Authenticate"].startswith("Bearer")
        assert set(answer.get_json()) == {"error", "message", "fields"}
    assert "需要有效的接口令牌" in client.get("/api/v1/catalogue").get_json()["message"]
    english = client.get("/api/v1/catalogue", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_json()
    assert english["message"].startswith("A valid API token is needed")
    missing = client.get("/api/v1/nothing-here", headers=_bearer(good, "en"))
    assert missing.status_code == 404 and missing.get_json()["error"] == "not_found"
    # A deactivated user's tokens stop at once.
    deactivate_user(user)
    db.session.commit()
    assert user_for_token(good, now=utcnow()) is None


def test_a_signed_in_browser_is_not_an_api_client(app, client, catalogue):
    make_user(email="leader@hqcbd.test", roles=("leader",))
    post_login(client, "leader@hqcbd.test", PASSWORD)
    assert client.get("/staff/").status_code == 200
    assert client.get("/api/v1/catalogue").status_code == 401  # the session cookie does not count


def test_staff_make_see_once_and_revoke_their_own_tokens(app, client, catalogue):
    make_user(email="handler@hqcbd.test", roles=("handler",))
    other = make_user(email="other@hqcbd.test", roles=("handler",))
    _row, others = create_token(other, "theirs", now=utcnow())
    db.session.commit()
    post_login(client, "handler@hqcbd.test", PASSWORD)
    page = client.get("/staff/account/tokens")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "我的接口令牌" in html and "theirs" not in html
    refused = post_form(client, "/staff/account/tokens", {"name": "", "days": "30"})
    assert refused.status_code == 422 and "请填写令牌用途" in refused.get_data(as_text=True)
    made = post_form(client, "/staff/account/tokens", {"name": "数据看板", "days": "90"})
    [token] = re.findall(r'id="new-token">(hq_[^<]+)<', made.get_data(as_text=True))
    assert made.headers["Cache-Control"] == "no-store"
    assert token not in client.get("/staff/account/tokens").get_data(as_text=True)  # shown once
    assert app.test_client().get("/api/v1/catalogue", headers=_bearer(token)).status_code == 200
    mine = db.session.scalar(select(ApiToken).where(ApiToken.name == "数据看板"))
    assert mine.expires_at - mine.created_at == timedelta(days=90)
    theirs = db.session.scalar(select(ApiToken).where(ApiToken.name == "theirs"))
    assert post_form(client, "/staff/account/tokens", {},
                     action=f"/staff/account/tokens/{theirs.id}/revoke").status_code == 404
    post_form(client, "/staff/account/tokens", {}, action=f"/staff/account/tokens/{mine.id}/revoke")
    assert app.test_client().get("/api/v1/catalogue", headers=_bearer(token)).status_code == 401
    assert app.test_client().get("/api/v1/catalogue", headers=_bearer(others)).status_code == 200

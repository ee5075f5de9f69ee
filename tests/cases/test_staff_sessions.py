"""Server-side end of staff sessions: a copied cookie is useless after logout, a password change
or a deactivation (issue 11, point 6)."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from cases.auth import verify_password
from cases.extensions import db
from tests.cases.test_staff_web import PASSWORD, csrf_from, make_user, post_login, reload

NEW_PASSWORD = "a new and long enough secret"


def _logged_in_copy(app: Flask, client: FlaskClient) -> FlaskClient:
    """A second browser holding a copy of ``client``'s session cookie, checked to work."""
    cookie = client.get_cookie("session")
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie("session", cookie.value)
    assert thief.get("/staff/").status_code == 200
    return thief


def _refused(client: FlaskClient) -> bool:
    response = client.get("/staff/")
    return response.status_code == 302 and response.headers["Location"].startswith("/staff/login")


def test_a_cookie_replayed_after_logout_is_refused(app: Flask, client: FlaskClient) -> None:
    user = make_user()
    token_before = user.session_token
    assert post_login(client, user.email, PASSWORD).status_code == 302
    thief = _logged_in_copy(app, client)

    token = csrf_from(client.get("/staff/").get_data(as_text=True))
    assert client.post("/staff/logout", data={"csrf_token": token}).status_code == 302
    assert _refused(thief)
    assert reload(user).session_token != token_before
    # Logging in again works and gives a session the old copy still cannot use.
    assert post_login(client, user.email, PASSWORD).status_code == 302
    assert client.get("/staff/").status_code == 200
    assert _refused(thief)


def test_logout_ends_the_users_other_sessions_too(app: Flask, client: FlaskClient) -> None:
    user = make_user()
    other_device = app.test_client()
    assert post_login(other_device, user.email, PASSWORD).status_code == 302
    assert post_login(client, user.email, PASSWORD).status_code == 302
    token = csrf_from(client.get("/staff/").get_data(as_text=True))
    client.post("/staff/logout", data={"csrf_token": token})
    assert _refused(other_device)


def test_a_password_change_ends_every_session(app: Flask, client: FlaskClient,
                                               runner: FlaskCliRunner) -> None:
    user = make_user()
    post_login(client, user.email, PASSWORD)
    thief = _logged_in_copy(app, client)

    result = runner.invoke(args=["users", "set-password", "--email", " Triager@HQCBD.test",
                                 "--password-stdin"], input=NEW_PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert "sessions have ended" in result.output and NEW_PASSWORD not in result.output
    assert _refused(client) and _refused(thief)
    assert verify_password(reload(user).password_hash, NEW_PASSWORD)
    assert post_login(app.test_client(), user.email, PASSWORD).status_code == 200
    assert post_login(client, user.email, NEW_PASSWORD).status_code == 302


def test_set_password_prints_a_random_one_and_refuses_bad_input(runner: FlaskCliRunner) -> None:
    user = make_user()
    result = runner.invoke(args=["users", "set-password", "--email", user.email])
    assert result.exit_code == 0, result.output
    printed = result.output.rsplit(": ", 1)[1].strip()
    assert len(printed) >= 12 and verify_password(reload(user).password_hash, printed)

    short = runner.invoke(args=["users", "set-password", "--email", user.email, "--password-stdin"],
                          input="short\n")
    assert short.exit_code != 0 and "at least 12 characters" in short.output
    unknown = runner.invoke(args=["users", "set-password", "--email", "nobody@hqcbd.test"])
    assert unknown.exit_code != 0 and "no staff user" in unknown.output
    assert verify_password(reload(user).password_hash, printed)


def test_deactivation_ends_every_session(app: Flask, client: FlaskClient, runner: FlaskCliRunner) -> None:
    user = make_user()
    post_login(client, user.email, PASSWORD)
    thief = _logged_in_copy(app, client)

    result = runner.invoke(args=["users", "deactivate", "--email", user.email])
    assert result.exit_code == 0, result.output
    assert _refused(client) and _refused(thief)
    assert reload(user).active is False
    assert post_login(client, user.email, PASSWORD).status_code == 200  # and no new session


def test_deactivated_users_cookie_is_refused_even_with_the_current_token(client: FlaskClient) -> None:
    # Belt and braces: an account switched off directly in the database loads nobody either.
    user = make_user()
    post_login(client, user.email, PASSWORD)
    user.active = False
    db.session.commit()
    assert _refused(client)


def test_a_cookie_without_a_session_token_is_refused(client: FlaskClient) -> None:
    # Cookies signed before session tokens existed carry the bare user id.
    user = make_user()
    post_login(client, user.email, PASSWORD)
    with client.session_transaction() as session:
        assert session["_user_id"] == f"{user.id}:{user.session_token}"
        session["_user_id"] = str(user.id)
    assert _refused(client)


def test_an_anonymous_session_is_not_rewritten_by_every_request(app, client, catalogue) -> None:  # noqa: ANN001
    # A page and its favicon in flight together must not race to set the session cookie: the older
    # answer would erase the CSRF token the page has just given the form.
    assert client.get("/feedback/new").headers.getlist("Set-Cookie")  # the form's CSRF token
    for path in ("/", "/favicon.ico", "/track", "/no-such-page"):
        cookies = client.get(path).headers.getlist("Set-Cookie")
        assert not cookies, (path, cookies)

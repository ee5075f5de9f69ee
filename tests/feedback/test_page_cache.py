"""The blank opinion form is rendered once per language and link; every visitor gets a fresh token."""

from __future__ import annotations

from contextlib import contextmanager

from flask import template_rendered

from tests.cases.test_staff_web import PASSWORD, make_user, post_login
from tests.feedback.helpers import csrf_token, opinion


@contextmanager
def renders(app):
    """The names of the templates rendered inside the block."""
    names: list[str] = []

    def record(_sender, template, context, **_extra):
        names.append(template.name)

    template_rendered.connect(record, app)
    try:
        yield names
    finally:
        template_rendered.disconnect(record, app)


def test_the_second_visitor_gets_the_cached_page_with_a_token_of_their_own(app, client, catalogue):
    first, second = client, app.test_client()  # each request in its own app context (conftest)
    page_one = first.get("/feedback/new?problem=2.3").get_data(as_text=True)
    with renders(app) as rendered:
        page_two = second.get("/feedback/new?problem=2.3").get_data(as_text=True)
    assert rendered == []  # served from the cache
    token_one, token_two = csrf_token(page_one), csrf_token(page_two)
    assert token_one != token_two  # each session has its own token
    assert page_two.replace(token_two, "T") == page_one.replace(token_one, "T")
    assert '<option selected value="2.3">' in page_two
    # The cached page's token is valid for its visitor only.
    posted = second.post("/feedback/new", data={"csrf_token": token_two, **opinion()})
    assert posted.status_code == 303
    stolen = first.post("/feedback/new", data={"csrf_token": token_two, **opinion()})
    assert stolen.status_code == 400


def test_languages_preselections_and_staff_get_their_own_page(app, client, catalogue):
    client.get("/feedback/new")
    chinese = client.get("/feedback/new").get_data(as_text=True)
    assert '<html lang="zh-Hans">' in chinese and '<option selected value="1.4">' not in chinese
    assert '<option selected value="1.4">' in client.get("/feedback/new?problem=1.4").get_data(as_text=True)
    client.get("/lang/en?next=/feedback/new")
    english = client.get("/feedback/new").get_data(as_text=True)
    assert '<html lang="en">' in english and "Give your opinion" in english

    make_user("cache-staff@hqcbd.test", ("triager",))
    staff = app.test_client()
    assert post_login(staff, "cache-staff@hqcbd.test", PASSWORD).status_code == 302
    with renders(app) as rendered:
        signed_in = staff.get("/feedback/new").get_data(as_text=True)
    assert rendered == ["feedback/new.html"]  # never the anonymous copy
    assert "/staff/logout" in signed_in and "/staff/logout" not in chinese


def test_a_page_with_errors_is_never_cached(app, client, catalogue):
    page = client.get("/feedback/new").get_data(as_text=True)
    bad = client.post("/feedback/new", data={"csrf_token": csrf_token(page), "body": "<b>短</b>"})
    assert bad.status_code == 400 and "&lt;b&gt;短&lt;/b&gt;" in bad.get_data(as_text=True)
    again = client.get("/feedback/new").get_data(as_text=True)
    assert "&lt;b&gt;" not in again and "error-summary" not in again

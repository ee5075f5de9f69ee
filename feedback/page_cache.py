"""The blank opinion form, rendered once per language and link, with a hole for the CSRF token.

The form is the busiest page and the same for every visitor but for the token (rendering its
widgets took 4 ms a request). Only the blank form for an anonymous visitor with nothing to
flash is cached, for as long as the problem list is (a new notice shows within a minute).
"""

from __future__ import annotations

import time

from flask import current_app, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from cases.web import select_locale

PAGE_SECONDS = 60.0
MAX_PAGES = 64  # two languages × thirteen preselections, with room for odd links
_STORE = "feedback_form_pages"


def _key() -> tuple[str, str] | None:
    if request.method != "GET" or set(request.args) - {"problem"} or "_flashes" in session:
        return None
    if current_user.is_authenticated:  # staff see their own header
        return None
    return select_locale(), request.full_path


def cached_form() -> str | None:
    """The blank form page with a fresh token, when a cached copy fits this request."""
    key = _key()
    hit = None if key is None else current_app.extensions.get(_STORE, {}).get(key)
    if hit is None or time.monotonic() - hit[0] > PAGE_SECONDS:
        return None
    return hit[1] + generate_csrf() + hit[2]


def remember_form(html: str, token: str) -> None:
    """Keep a freshly rendered blank form page, cut at its one CSRF token."""
    key = _key()
    if key is None or not token or html.count(token) != 1:
        return
    store = current_app.extensions.setdefault(_STORE, {})
    if len(store) >= MAX_PAGES:
        store.clear()
    before, after = html.split(token)
    store[key] = (time.monotonic(), before, after)

"""Issue 14, point 5: the public pages are easy to find (two plain buttons, tracking linked from
every public page) and the tracking code has one name in Chinese (查询码)."""

from __future__ import annotations

import re
from pathlib import Path

from flask.testing import FlaskClient

from cases.models.catalogue import RectificationPlan

PO_FILE = Path(__file__).resolve().parents[2] / "translations" / "zh_Hans" / "LC_MESSAGES" / "messages.po"
PUBLIC_PAGES = ("/", "/problems/1.1", "/feedback/new", "/track")


def _html(client: FlaskClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def test_home_has_two_plain_buttons(client: FlaskClient, catalogue: RectificationPlan) -> None:
    html = _html(client, "/")
    buttons = re.findall(r'<a class="button[^"]*" href="([^"]+)">([^<]+)</a>', html)
    assert ("/feedback/new", "我要提意见") in buttons
    assert ("/track", "查询办理进度") in buttons
    client.get("/lang/en")
    html = _html(client, "/")
    assert "I want to give an opinion" in html and "Follow your case" in html


def test_every_public_page_links_to_tracking(client: FlaskClient, catalogue: RectificationPlan) -> None:
    for path in PUBLIC_PAGES:
        assert 'href="/track"' in _html(client, path), path
    missing = client.get("/problems/9.9")
    assert missing.status_code == 404 and 'href="/track"' in missing.get_data(as_text=True)


def test_the_code_is_called_chaxunma_everywhere(client: FlaskClient, catalogue: RectificationPlan) -> None:
    po = PO_FILE.read_text(encoding="utf-8")
    assert "追踪码" not in po and "跟踪码" not in po
    for path in PUBLIC_PAGES:
        assert "追踪码" not in _html(client, path)
    assert "查询码" in _html(client, "/track")

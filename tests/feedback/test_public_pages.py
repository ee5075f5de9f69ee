"""The public catalogue pages: content, languages, links, security headers and translations."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po
from flask.testing import FlaskClient

from cases.models.catalogue import RectificationPlan

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PO_FILE = PROJECT_ROOT / "translations" / "zh_Hans" / "LC_MESSAGES" / "messages.po"
MO_FILE = PO_FILE.with_suffix(".mo")

# The twelve problems of the 2023 notice, exactly as published.
PROBLEMS = {
    "1.1": "针对开发初期偏重“形象”而忽视“功能”“效益”问题",
    "1.2": "针对发展现状与“极中极”“彩虹桥”目标有较大落差问题",
    "1.3": "针对面对战略机遇缺乏统筹经济发展能力问题",
    "1.4": "针对“低碳虹桥”“智慧虹桥”缺乏示范引领效应问题",
    "2.1": "针对增加地下经营性建筑面积问题",
    "2.2": "针对借用“认建认养”名义违规开发和出让地下空间使用权问题",
    "2.3": "针对擅自改变用地性质并提高容积率问题",
    "3.1": "针对重点领域权力监督机制有漏洞问题",
    "3.2": "针对形式主义官僚主义老问题有新表现问题",
    "3.3": "针对廉洁隐患侵蚀亲清政商关系问题",
    "4.1": "针对干部队伍素质还不适应新任务新要求问题",
    "4.2": "针对区域化党建未与虹桥发展新战略同谋划、同推进问题",
}


def page(client: FlaskClient, path: str) -> str:
    """The HTML of a page that must answer 200."""
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def test_translations_are_compiled() -> None:
    assert MO_FILE.exists(), "compile the translations first: pybabel compile -d translations"


def test_home_shows_the_catalogue_in_chinese(client: FlaskClient, catalogue: RectificationPlan) -> None:
    html = page(client, "/")
    assert '<html lang="zh-Hans">' in html
    assert catalogue.title in html
    for code, title in PROBLEMS.items():
        assert f'<span class="code">{code}</span>' in html
        assert title in html
        assert f'href="/feedback/new?problem={code}"' in html
    assert html.count("对此项整改提意见") == 12
    # The figures the notice states about itself.
    for figure in ("巡视反馈的36项问题，已整改30项", "提出整改措施96条，已完成86条",
                   "新建制度7项，修订完善1项", "批评教育2人"):
        assert figure in html
    # Tasks and their measures open without JavaScript.
    assert "<details>" in html and "<summary lang=\"zh-Hans\">着力降低核心区楼宇空置率</summary>" in html
    assert "<strong class=\"measure__label\">一是</strong>深化战略内涵研究。" in html
    # The typo of the published text stays as published.
    assert "推矮" in html
    # The notice's contacts and the way in for staff.
    assert '<a href="tel:02134733909">021-34733909</a>' in html
    assert 'href="mailto:hqcbd@hqcbd.shanghai.gov.cn"' in html
    assert "申贵路719号F栋虹桥绿谷2楼机关党委办公室" in html and "201107" in html
    assert 'href="/staff/login"' in html and "工作人员登录" in html


def test_home_in_english_after_switching(client: FlaskClient, catalogue: RectificationPlan) -> None:
    switch = client.get("/lang/en?next=/")
    assert switch.status_code == 302 and switch.headers["Location"] == "/"
    html = page(client, "/")
    assert '<html lang="en">' in html
    assert html.count("Give your opinion on this item") == 12
    assert "36 specific problems, 30 rectified" in html
    assert "96 rectification measures, 86 completed" in html
    assert "7 new rules made, 1 revised" in html
    assert "2 people criticised and educated" in html
    assert "Staff login" in html and "Postal address" in html
    # The catalogue itself is quoted in the notice's language, and marked as such.
    assert f'<a href="/problems/1.1" lang="zh-Hans">{PROBLEMS["1.1"]}</a>' in html
    assert "对此项整改提意见" not in html

    client.get("/lang/zh_Hans")
    assert "对此项整改提意见" in page(client, "/")


def test_home_without_a_catalogue_says_so(client: FlaskClient) -> None:
    html = page(client, "/")
    assert "本站尚未发布整改通报" in html
    assert "对此项整改提意见" not in html


def test_problem_page(client: FlaskClient, catalogue: RectificationPlan) -> None:
    html = page(client, "/problems/4.2")
    assert PROBLEMS["4.2"] in html
    assert "<details open>" in html
    assert 'href="/feedback/new?problem=4.2"' in html
    assert client.get("/problems/9.9").status_code == 404


def test_problem_page_without_a_catalogue_is_not_found(client: FlaskClient) -> None:
    response = client.get("/problems/1.1")
    assert response.status_code == 404
    assert "页面不存在" in response.get_data(as_text=True)


def test_pages_use_only_this_site(client: FlaskClient, catalogue: RectificationPlan) -> None:
    for path in ("/", "/problems/1.1", "/staff/login"):
        response = client.get(path)
        csp = response.headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "object-src 'none'" in csp
        html = response.get_data(as_text=True)
        assert not re.search(r"https?://", html), path
        assert "<script" not in html and "style=" not in html
        for url in re.findall(r'(?:href|src|action)="([^"]*)"', html):
            # "data:," is the empty icon that spares the browser a request for /favicon.ico.
            assert url.startswith(("/", "#", "mailto:", "tel:")) or url == "data:,", (path, url)
    css = client.get("/static/css/site.css")
    try:
        assert css.status_code == 200
        assert not re.search(r"url\(|@import|https?://", css.get_data(as_text=True))
    finally:
        css.close()  # a file response holds the file open until closed


WTFORMS_MESSAGES = {"Not a valid date value."}


def test_every_message_is_translated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Extract exactly as documented in babel.cfg; every msgid must have a Chinese msgstr.
    monkeypatch.chdir(PROJECT_ROOT)
    template = tmp_path / "messages.pot"
    CommandLineInterface().run(
        ["pybabel", "-q", "extract", "-F", "babel.cfg", "-o", str(template), "."]
    )
    with template.open("rb") as handle:
        extracted = read_po(handle)
    # Guard against a vacuous pass: the extraction must have found the code's and templates' strings.
    assert "Wrong e-mail or password" in extracted and "Give your opinion on this item" in extracted
    assert "The form has expired" in extracted
    with PO_FILE.open("rb") as handle:
        translated = read_po(handle, locale="zh_Hans")
    missing = []
    for message in extracted:
        if not message.id:
            continue
        entry = translated.get(message.id)
        strings = entry.string if entry is not None else None
        if isinstance(strings, tuple):
            strings = "".join(strings)
        if entry is None or not strings or entry.fuzzy:
            missing.append(message.id)
    assert not missing, f"untranslated messages (update {PO_FILE.relative_to(PROJECT_ROOT)}): {missing}"
    # Nothing translated that the code no longer says, or says where extraction cannot see it (a
    # string in a variable or an f-string is extracted only when marked with _() or N_()); WTForms'
    # own messages are the one exception: Flask-WTF looks them up in our catalogue.
    unseen = {m.id for m in translated if m.id and m.id not in extracted} - WTFORMS_MESSAGES
    assert not unseen, f"messages the extraction cannot find (mark them, or remove them): {sorted(unseen)}"

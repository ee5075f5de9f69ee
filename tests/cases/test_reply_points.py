"""Splitting a letter into its points and composing the point-by-point reply (pure; issue 12, point 3)."""

from __future__ import annotations

import pytest

from cases.domain.reply_points import (
    ReplyPoint,
    ReplyWords,
    chinese_number,
    chinese_numeral,
    compose_html,
    compose_text,
    html_to_text,
    split_points,
)
from tests.cases.handling_support import LETTER

ZH = ReplyWords(raised="您反映：", answer="答复：")


def test_a_letter_numbered_one_two_three_with_nested_items_greeting_and_sign_off() -> None:
    assert split_points(LETTER) == [
        "核心区楼宇空置率仍然偏高，建议公开各楼宇的出租率数据，并说明统一、协调的招商措施。",
        "申长路一带的公交接驳不便，早晚高峰排队超过半小时。具体有：（一）站点太少；（二）班次太稀。",
        "希望管委会定期公布整改进展，接受群众监督。",
    ]


@pytest.mark.parametrize(("text", "expected"), [
    # Arabic numbers inline; a price such as 3.5元 is no mark.
    ("关于虹桥商务区的几点建议：1.增加停车位，目前停车费3.5元一小时太贵；2.改善绿化；3.加强夜间照明。",
     ["增加停车位，目前停车费3.5元一小时太贵", "改善绿化", "加强夜间照明。"]),
    ("意见如下：\n1、办事窗口少\n2、网上办理流程复杂\n3、咨询电话打不通",
     ["办事窗口少", "网上办理流程复杂", "咨询电话打不通"]),
    # Brackets, full or half width, need no space before them.
    ("意见如下：(1)办事窗口少 (2)网上办理流程复杂（3）咨询电话打不通",
     ["办事窗口少", "网上办理流程复杂", "咨询电话打不通"]),
    ("（一）楼宇空置率高；（二）配套不足。", ["楼宇空置率高", "配套不足。"]),
    ("领导好\n我反映两个问题①国展中心周边道路拥堵②共享单车乱停放，影响通行。",
     ["国展中心周边道路拥堵", "共享单车乱停放，影响通行。"]),
    ("我建议：一是加快产业导入；二是完善人才公寓配套；三是优化营商环境。",
     ["加快产业导入", "完善人才公寓配套", "优化营商环境。"]),
    ("第一，停车难；第二，打车难。", ["停车难", "打车难。"]),
    # The outer level is the numbering used first: 1. 2. outside, (1) (2) inside the first point.
    ("1. 交通问题：(1)拥堵 (2)停车难\n2. 环境问题", ["交通问题：(1)拥堵 (2)停车难", "环境问题"]),
    # A count that does not go 1, 2… is no numbering: 统一、 and a lone 3. are words.
    ("建议统一、协调招商。\n\n另外3.5亿元的项目进展如何？",
     ["建议统一、协调招商。", "另外3.5亿元的项目进展如何？"]),
])
def test_the_numberings_letters_use(text: str, expected: list[str]) -> None:
    assert split_points(text) == expected


def test_without_numbering_the_paragraphs_are_the_points() -> None:
    letter = ("您好！\n\n我住在虹桥镇。最近小区旁边的工地晚上施工噪音很大。\n\n"
              "希望管委会协调一下，晚上十点以后停止施工。\n\n谢谢！")
    assert split_points(letter) == ["我住在虹桥镇。最近小区旁边的工地晚上施工噪音很大。",
                                    "希望管委会协调一下，晚上十点以后停止施工。"]
    assert split_points("只有一句话的意见。") == ["只有一句话的意见。"]
    assert split_points("  \r\n ") == []


def test_chinese_numerals_both_ways() -> None:
    assert [chinese_number(n) for n in ("一", "九", "十", "十二", "二十", "二十三")] == [1, 9, 10, 12, 20, 23]
    assert [chinese_numeral(n) for n in (1, 10, 12, 20, 23)] == ["一", "十", "十二", "二十", "二十三"]


def test_the_reply_as_text_and_as_html() -> None:
    points = [ReplyPoint("楼宇空置率高", "已按季度公开出租率。"), ReplyPoint("", ""),
              ReplyPoint("公交不便", "已增开班次。")]
    assert compose_text("王先生：您好！", points, "感谢您的监督。", ZH) == (
        "王先生：您好！\n\n一、您反映：楼宇空置率高\n答复：已按季度公开出租率。\n\n"
        "二、您反映：公交不便\n答复：已增开班次。\n\n感谢您的监督。")
    english = ReplyWords(raised="You raised: ", answer="Our answer: ", chinese=False)
    assert compose_text("", [ReplyPoint("", "Done.")], "", english) == "1. Done."
    html = compose_html("<p>您好</p>", [ReplyPoint("<b>空置</b>", "<ul><li>已公开</li></ul>")], "谢谢", ZH)
    assert "&lt;b&gt;空置&lt;/b&gt;" in html  # what the person raised is text, never markup
    assert html.endswith("<p>谢谢</p>") and "<ul><li>已公开</li></ul>" in html


def test_rich_text_read_as_text() -> None:
    html = ('<p>您好，<strong>王先生</strong></p>'
            '<ol><li>第一项</li><li>第二项<ul><li>细节</li></ul></li></ol>'
            '<p>详见<a href="https://www.shhq.gov.cn/x">网站</a>'
            '或<a href="mailto:hq@example.cn">hq@example.cn</a>'
            '<br>谢谢&amp;再见</p>')
    assert html_to_text(html) == ("您好，王先生\n\n1. 第一项\n2. 第二项\n  • 细节\n\n"
                                  "详见网站 (https://www.shhq.gov.cn/x)或hq@example.cn\n谢谢&再见")

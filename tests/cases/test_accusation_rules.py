"""The accusation rules' second widening (2026-12-02) and the out-of-scope operating point.

Written from the misses on the sets that moved into training (fresh2, fresh3, train6, train7): a
company by its own name, someone known by what they did, posts outside the committee, euphemisms
in quotation marks, unexplained wealth, one-man decisions, hunting the complainant, approvals
skipped, and questions about how to report (no report at all). Pure Python, no database.
"""

from __future__ import annotations

import pytest

from classifier.bundled import bundled_gates
from classifier.engine import Classifier
from classifier.evaluation import HeldOut, training_files
from classifier.rules.accusation import check_accusation, target_evidence, wrongdoing_evidence
from classifier.sweep import (
    MIN_SCOPE_PRECISION,
    SCOPE_THRESHOLDS,
    best_scope_threshold,
    scope_counts,
    scope_rows,
)
from classifier.textnorm import normalise


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("信达恒供应链公司在物流用地上加了两层", "信达恒供应链公司"),
        ("金桥汇大厦的物业公司长期不报数据", "金桥汇大厦的物业公司"),
        ("活动经费，南虹开发公司党委的组织委员拿去报了私人聚餐", "南虹开发公司"),
    ],
)
def test_a_company_by_its_own_name_is_a_target(text: str, named: str) -> None:
    targets, weight = target_evidence(normalise(text))
    assert named in targets and weight >= 0.9


@pytest.mark.parametrize("text", ["我们公司效益不错", "一家物流公司想入驻", "管委会下属公司招聘", "外卖公司"])
def test_generic_company_words_name_no_one(text: str) -> None:
    assert target_evidence(normalise(text))[1] < 0.7


@pytest.mark.parametrize(
    "text",
    [
        "那个没竣工的项目，负责验收的那位到现场转了一圈就签字了，后来听说开发商请他吃了好几顿。",
        "徐泾那边一家幼儿园的园长克扣伙食费。",
        "我前夫在单位挪用公款给外面的人买房。",
        "智慧虹桥那个项目验收签字的那位，听说跟供应商一起去三亚“考察”过一趟，回来就签了。",
        "那位科长开的那辆车是谁送的？工资买得起吗？",
        "上亿的项目，还是分管建设的那位领导一个电话就定了？",
        "整改领导小组里那位副组长，听说他还在到处打听是谁向巡视组反映的。",
        "巡视组进驻前，经济发展那块的处长挨个给企业打电话，交代别乱讲。这是干扰巡视。",
        "园区招商经理私下跟我们说，想续租可以“多交一点管理费”，这笔钱不开发票。",
        "说是去嘉兴学习，实际上在乌镇游玩，费用是几家企业摊的。带队的是党群工作部的一位部长。",
        "駕校的錢教練每次考試前都要學員送煙，不送就不讓報名考試。",
        "商场老板跟街道的人关系好的很，绿地下面的通道被宝汇商场老板封起来当仓库，投诉了就没下文。",
    ],
)
def test_wider_rules_seal_these_accusations(classifier: Classifier, text: str) -> None:
    check = check_accusation(normalise(text))
    assert check.wrongdoing_score >= 2.0 and check.target_score >= 0.7, check
    assert classifier.classify(text).accusation, check


@pytest.mark.parametrize(
    "text",
    [
        "请问纪委监委的举报网站是哪个？我要反映的是老家村里的事。",
        "新闻里通报过的那几起违纪案例，跟商务区有没有关系？我就是好奇，不是要举报谁。",
        "我是律师，不涉及举报，只想了解地下经营面积的处置由哪个处室负责解答。",
        "如果发现违规经营，应该向谁举报？",
        "我要实名表扬嘉定某派出所的张警官，帮我找回了丢的钱包。",
    ],
)
def test_asking_how_to_report_is_no_report(text: str) -> None:
    normalised = normalise(text)
    assert not check_accusation(normalised).accusation
    assert not any(w in ("举报", "检举", "控告") for w in check_accusation(normalised).wrongdoing)


def test_new_misdeed_patterns_weigh_like_a_misdeed() -> None:
    for text in ("他一个电话就定了", "那辆车是谁送的", "报价里有“辛苦费”", "转回到他本人手里"):
        assert wrongdoing_evidence(normalise(text))[1] >= 2.0, text


def test_the_shipped_scope_threshold_is_the_sweeps_choice(held_out: HeldOut) -> None:
    rows = scope_rows(held_out, training_files())
    shipped = bundled_gates().scope_threshold
    assert shipped in SCOPE_THRESHOLDS
    assert best_scope_threshold(rows) == shipped, "run python -m classifier sweep"
    tp, fp, fn = scope_counts(rows, shipped)
    assert tp / (tp + fp) >= MIN_SCOPE_PRECISION and tp / (tp + fn) >= 0.9


def test_a_case_in_the_news_is_asked_about_not_reported() -> None:
    news = check_accusation(normalise("新闻里那个某区卫健委副主任受贿被查的事，后来判了没有？"))
    assert news.wrongdoing_score >= 2.0 and news.target_score <= 0.5 and not news.accusation
    dealt = check_accusation(normalise("新闻里说的那个王科长，去年也向我们索要过好处费"))
    assert dealt.accusation, dealt  # the writer's own dealings with him: a report, news or not


@pytest.mark.parametrize(
    "text",
    [
        "我想举报，但不知道向谁举报比较合适，举报人信息会不会保密？",
        "我想举报一个搞非法集资的理财公司，应该找公安还是金融局？",
        "我想实名表扬某派出所的张警官",  # 实名表扬 holds 名表 (a luxury watch) no longer
    ],
)
def test_wanting_to_report_and_asking_first_is_no_report(text: str) -> None:
    check = check_accusation(normalise(text))
    assert not check.accusation and "名表" not in check.wrongdoing, check


def test_complainants_handed_over_and_unknown_culprits() -> None:
    leak = check_accusation(normalise("物业的孙经理把投诉人的名单给了开发商"))
    assert leak.wrongdoing_score >= 2.5 and leak.accusation, leak
    unknown = check_accusation(normalise("听说管委会里有人在外面兼职拿钱，但是不知道是谁"))
    assert unknown.unidentified and not unknown.accusation
    assert not check_accusation(normalise("王科长收了开发商的购物卡")).unidentified

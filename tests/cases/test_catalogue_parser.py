"""The notice parser, from text only (no application, no database)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from cases.domain.catalogue_parser import (
    NoticeFormatError,
    ParsedNotice,
    cn_to_int,
    int_to_cn,
    parse_figures,
    parse_notice,
)

ROOT = Path(__file__).resolve().parents[2]
NOTICE_PATH = ROOT / "cases" / "data" / "notice_2023_hqcbd.txt"
NOTICE = NOTICE_PATH.read_text(encoding="utf-8")
LINES = NOTICE.split("\n")

AREA_TITLES = [
    "关于贯彻落实国家发展战略,抢抓机遇乘势而上推动高质量发展有差距方面的整改",
    "关于依法行政意识薄弱,核心商务区规划、土地和建设领域违规问题频发方面的整改",
    "关于全面从严治党基础不牢,严的基调未落实影响经济发展环境方面的整改",
    "关于党建引领作用发挥不够,干部人才队伍建设和区域化党建存在短板方面的整改",
]

# Copied from the notice: code → (title, number of task paragraphs under it).
PROBLEMS = {
    "1.1": ("针对开发初期偏重“形象”而忽视“功能”“效益”问题", 3),
    "1.2": ("针对发展现状与“极中极”“彩虹桥”目标有较大落差问题", 4),
    "1.3": ("针对面对战略机遇缺乏统筹经济发展能力问题", 5),
    "1.4": ("针对“低碳虹桥”“智慧虹桥”缺乏示范引领效应问题", 2),
    "2.1": ("针对增加地下经营性建筑面积问题", 2),
    "2.2": ("针对借用“认建认养”名义违规开发和出让地下空间使用权问题", 1),
    "2.3": ("针对擅自改变用地性质并提高容积率问题", 1),
    "3.1": ("针对重点领域权力监督机制有漏洞问题", 2),
    "3.2": ("针对形式主义官僚主义老问题有新表现问题", 2),
    "3.3": ("针对廉洁隐患侵蚀亲清政商关系问题", 3),
    "4.1": ("针对干部队伍素质还不适应新任务新要求问题", 5),
    "4.2": ("针对区域化党建未与虹桥发展新战略同谋划、同推进问题", 2),
}

FIGURES = {
    "problems_total": 36,
    "problems_rectified": 30,
    "measures_total": 96,
    "measures_done": 86,
    "people_criticised": 2,
    "rules_new": 7,
    "rules_revised": 1,
}


@pytest.fixture(scope="module")
def notice() -> ParsedNotice:
    return parse_notice(NOTICE)


def line_of(prefix: str) -> int:
    """The 1-based number of the notice line starting with ``prefix``."""
    (found,) = [n for n, line in enumerate(LINES, start=1) if line.startswith(prefix)]
    return found


def replace_line(prefix: str, old: str, new: str) -> str:
    """The notice with ``old`` replaced (once) in the line starting with ``prefix``."""
    lines = list(LINES)
    index = line_of(prefix) - 1
    assert old in lines[index]
    lines[index] = lines[index].replace(old, new, 1)
    return "\n".join(lines)


def catalogue_shape(parsed: ParsedNotice) -> list[tuple[str, str, list[tuple[str, str, list[str]]]]]:
    return [
        (p.code, p.title, [(t.headline, t.body, [m.label + m.text for m in t.measures]) for t in p.tasks])
        for p in parsed.problems
    ]


def test_bundled_notice_counts(notice: ParsedNotice) -> None:
    assert (len(notice.areas), len(notice.problems), len(notice.tasks)) == (4, 12, 32)
    # The text labels 91 measures (一是…); the notice's own figure of 96 is a separate fact.
    assert len(notice.measures) == 91


def test_title_is_the_lines_before_the_first_paragraph(notice: ParsedNotice) -> None:
    assert notice.title == (
        "中共上海虹桥国际中央商务区管理委员会党组关于十二届市委第一轮巡视集中整改进展情况的通报"
    )


def test_areas_exactly_as_published(notice: ParsedNotice) -> None:
    assert [a.number for a in notice.areas] == [1, 2, 3, 4]
    assert [a.title for a in notice.areas] == AREA_TITLES


def test_problems_codes_titles_and_task_counts_exactly(notice: ParsedNotice) -> None:
    assert {p.code: (p.title, len(p.tasks)) for p in notice.problems} == PROBLEMS
    assert [p.code for p in notice.problems] == list(PROBLEMS)
    assert [p.number for p in notice.areas[0].problems] == [1, 2, 3, 4]


def test_first_paragraph_under_a_problem_is_a_task(notice: ParsedNotice) -> None:
    first = notice.problems[0].tasks[0]
    assert first.position == 1
    assert first.headline == "聚焦“功能”和“效益”,持续加大商务区经济发展力度"
    assert first.body == LINES[line_of("聚焦“功能”和“效益”") - 1]


def test_task_headlines(notice: ParsedNotice) -> None:
    by_code = {p.code: p for p in notice.problems}
    assert by_code["1.1"].tasks[1].headline == "着力降低核心区楼宇空置率"
    # The typo 推矮 (for 推诿) is published and stays.
    assert by_code["1.3"].tasks[3].headline == "明确界定商务区建设项目审批事宜,避免相互推矮、多头审批"
    assert by_code["4.2"].tasks[1].headline == "加强统筹联动,加大区域化党建工作力度"
    assert all(not t.headline.endswith("。") and "。" not in t.headline for t in notice.tasks)


def test_task_body_is_the_whole_paragraph_exactly(notice: ParsedNotice) -> None:
    for task in notice.tasks:
        assert task.body in LINES
        assert task.body.startswith(task.headline + "。")
    assert [t.position for t in notice.problems[2].tasks] == [1, 2, 3, 4, 5]


def test_measures_labels_and_text(notice: ParsedNotice) -> None:
    by_code = {p.code: p for p in notice.problems}
    vacancy = by_code["1.1"].tasks[1]
    assert [m.label for m in vacancy.measures] == ["一是", "二是", "三是", "四是", "五是"]
    assert [m.position for m in vacancy.measures] == [1, 2, 3, 4, 5]
    legacy = by_code["1.1"].tasks[2]
    assert legacy.measures[1].text == "对接属地区政府,建立历史遗留项目信息共享机制,共同研究解决思路。"
    approval = by_code["1.3"].tasks[3]
    assert approval.measures[0].text.startswith("分别与相关属地区政府进行专题研究")
    for task in notice.tasks:
        if task.measures:
            # Labels and texts put back together are the tail of the paragraph, exactly.
            joined = "".join(m.label + m.text for m in task.measures)
            assert task.body.endswith(joined)


def test_task_without_labels_has_zero_measures(notice: ParsedNotice) -> None:
    bare = [t.headline for t in notice.tasks if not t.measures]
    assert bare == [
        "加强对四个片区及国有功能性公司在产业发展、功能打造上的引导督促",
        "加强信息沟通机制,避免多个主体间反复沟通",
        "协调推进核心区未竣工项目的验收",
    ]
    acceptance = notice.problems[8].tasks[1]
    assert acceptance.body == (
        "协调推进核心区未竣工项目的验收。"
        "管委会持续跟踪并积极协调属地区相关部门,推进建设项目解决历史遗留问题和施工、验收中存在的问题和困难。"
    )
    assert acceptance.measures == ()


def test_figures(notice: ParsedNotice) -> None:
    assert notice.figures == FIGURES


def test_figures_tolerate_full_width_digits_and_punctuation() -> None:
    sentence = (
        "截至目前，巡视反馈的３６项问题已经整改３０项。提出整改措施 ９６ 条，已经完成８６条。"
        "批评教育２人。已新建制度７项，修订完善１项。"
    )
    assert parse_figures(sentence) == FIGURES


def test_missing_figures_are_none() -> None:
    figures = parse_figures("截至目前,巡视反馈的36项问题已经整改30项。")
    assert figures["problems_total"] == 36
    assert figures["problems_rectified"] == 30
    assert figures["people_criticised"] is None
    assert figures["measures_total"] is None


def test_full_width_parentheses_and_problem_markers_parse_the_same(notice: ParsedNotice) -> None:
    lines = []
    for line in LINES:
        if line.startswith("(") and ")" in line:
            line = "（" + line[1:].replace(")", "）", 1)
        elif line[:1].isdigit() and line[1:2] == ".":
            line = line[0] + ("．" if int(line[0]) % 2 else "、") + line[2:]
        lines.append(line)
    variant = parse_notice("\n".join(lines))
    assert catalogue_shape(variant) == catalogue_shape(notice)
    assert variant.figures == notice.figures


def test_full_width_digits_in_problem_numbers(notice: ParsedNotice) -> None:
    variant = parse_notice(replace_line("2.针对发展现状", "2.", "２．"))
    assert catalogue_shape(variant) == catalogue_shape(notice)


def test_crlf_bom_and_blank_lines_parse_the_same(notice: ParsedNotice) -> None:
    variant = parse_notice("\ufeff" + "\r\n\r\n".join("\u3000\u3000" + line for line in LINES) + "\r\n")
    assert variant == notice


def test_line_numbers_count_blank_lines_and_crlf() -> None:
    broken = replace_line("(四)关于党建引领", "(四)", "(五)")
    spaced = "\ufeff" + broken.replace("\n", "\r\n\r\n")
    with pytest.raises(NoticeFormatError) as caught:
        parse_notice(spaced)
    assert caught.value.line_number == 2 * 54 - 1
    assert str(caught.value).startswith(f"line {2 * 54 - 1}:")


@pytest.mark.parametrize(
    ("prefix", "old", "new", "expected", "found"),
    [
        ("(四)关于党建引领", "(四)", "(五)", "expected (四) after (三)", "found (五)"),
        ("(三)关于全面从严治党", "(三)", "(二)", "expected (三) after (二)", "found (二)"),
        ("(一)关于贯彻落实", "(一)", "(二)", "expected (一) first", "found (二)"),
        ("2.针对发展现状", "2.", "3.", "expected 2. after 1.", "found 3."),
        ("3.针对面对战略机遇", "3.", "2.", "expected 3. after 2.", "found 2."),
        ("着力降低核心区楼宇空置率", "二是", "三是", "expected 二是 after 一是", "found 三是"),
        ("优化完善商务区体制机制", "一是", "二是", "expected 一是 first", "found 二是"),
        # Sections 一 and 三 are not catalogue, but their numbering is checked all the same.
        ("2.紧密结合", "2.", "4.", "expected 2. after 1.", "found 4."),
        ("(二)始终保持严的基调", "(二)", "(三)", "expected (二) after (一)", "found (三)"),
        ("三、持续深化巡视整改", "三、", "四、", "expected 三、 after 二、", "found 四、"),
    ],
)
def test_broken_numbering_names_the_line(prefix: str, old: str, new: str, expected: str, found: str) -> None:
    line_number = line_of(prefix)
    with pytest.raises(NoticeFormatError) as caught:
        parse_notice(replace_line(prefix, old, new))
    error = caught.value
    assert error.line_number == line_number
    message = str(error)
    assert message.startswith(f"line {line_number}: {expected}, {found}")
    assert f"第{line_number}行：编号应为" in message
    assert error.message == message


def test_broken_numbering_message_in_both_languages() -> None:
    with pytest.raises(NoticeFormatError) as caught:
        parse_notice(replace_line("(四)关于党建引领", "(四)", "(五)"))
    message = str(caught.value)
    assert message.startswith('line 54: expected (四) after (三), found (五): "(五)关于党建引领')
    assert "第54行：编号应为(四)，实际为(五)：“(五)关于党建引领" in message


def test_full_width_parentheses_error_uses_the_same_message() -> None:
    broken = replace_line("(四)关于党建引领", "(四)", "（五）")
    with pytest.raises(NoticeFormatError, match=r"^line 54: expected \(四\) after \(三\), found \(五\)"):
        parse_notice(broken)


SMALL = """示例通报
引言。
一、总体情况
(一)组织
1.带头抓整改。一是学习。二是部署。
二、整改清单
(一)方面甲
1.针对甲问题
任务甲。一是措施一。二是措施二。
(二)方面乙
1.针对乙问题
任务乙。没有分条措施。
三、下一步
(一)继续整改。
"""


def test_small_notice() -> None:
    parsed = parse_notice(SMALL)
    assert parsed.title == "示例通报"
    assert [(p.code, p.title) for p in parsed.problems] == [("1.1", "针对甲问题"), ("2.1", "针对乙问题")]
    task = parsed.problems[0].tasks[0]
    assert (task.headline, [(m.label, m.text) for m in task.measures]) == (
        "任务甲",
        [("一是", "措施一。"), ("二是", "措施二。")],
    )
    assert parsed.figures == dict.fromkeys(FIGURES)


def test_introductions_in_section_two_are_not_tasks() -> None:
    text = SMALL.replace("二、整改清单\n", "二、整改清单\n本部分说明。\n").replace(
        "(一)方面甲\n", "(一)方面甲\n本方面说明。\n"
    )
    assert parse_notice(text) == parse_notice(SMALL)


@pytest.mark.parametrize(
    ("text", "line_number", "words"),
    [
        (SMALL.split("二、")[0], None, "no section 二"),
        ("标题\n一、甲\n二、清单\n本部分说明。\n三、乙\n", 3, "section 二、 contains no problems"),
        (SMALL.replace("1.针对乙问题\n任务乙。没有分条措施。\n", ""), 10, "area (二) has no problems"),
        (SMALL.replace("任务乙。没有分条措施。\n", ""), 11, "problem 2.1 has no task paragraphs"),
        (
            SMALL.replace("(一)方面甲\n", "").replace("(二)方面乙", "(一)方面乙"),
            7,
            "problem outside any area",
        ),
        (SMALL.replace("1.针对甲问题", "1."), 8, "problem 1. has no title"),
    ],
)
def test_structure_errors(text: str, line_number: int | None, words: str) -> None:
    with pytest.raises(NoticeFormatError) as caught:
        parse_notice(text)
    assert caught.value.line_number == line_number
    assert words in str(caught.value)
    if line_number is not None:
        assert str(caught.value).startswith(f"line {line_number}:")
        assert f"第{line_number}行" in str(caught.value)


def test_words_ending_in_shi_are_not_labels() -> None:
    text = SMALL.replace("任务乙。没有分条措施。", "任务乙。口径统一是前提,唯一是目标。")
    assert parse_notice(text).problems[1].tasks[0].measures == ()


def test_chinese_numerals() -> None:
    assert [cn_to_int(s) for s in ("一", "九", "十", "十一", "二十", "九十九")] == [1, 9, 10, 11, 20, 99]
    assert [cn_to_int(s) for s in ("", "一一", "十十", "二十三十", "百")] == [None] * 5
    assert all(cn_to_int(int_to_cn(n)) == n for n in range(1, 100))


def test_parser_is_pure_python() -> None:
    source = (ROOT / "cases" / "domain" / "catalogue_parser.py").read_text(encoding="utf-8")
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module or "")
    assert imported <= {"__future__", "re", "dataclasses"}

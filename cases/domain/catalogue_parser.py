"""Parse a rectification notice (整改通报) into its catalogue: areas → problems → tasks → measures.

Pure Python: text in, frozen dataclasses out. The notice's own numbering is the structure:

- ``一、`` ``二、`` ``三、`` … sections; only section 二 holds the catalogue;
- ``(一)`` ``(二)`` … areas (方面), with ASCII or full-width parentheses;
- ``1.`` ``1．`` ``1、`` … problems (问题), numbered afresh under each area;
- every other paragraph under a problem of section 二 is a task (整改任务);
- ``一是`` ``二是`` … inside a paragraph introduce its measures (整改措施).

Numbering is checked in every section (sections 一 and 三 use ``(一)`` and ``1.`` too, as plain
outline), so a skipped or repeated number anywhere raises :class:`NoticeFormatError`.

Decisions:

- Title: the non-blank lines before the first line that is a heading or contains ``。``, joined
  without a separator (the published title is one phrase broken over lines).
- Area and problem titles are the heading text after the number, exactly (``针对…问题`` kept).
- Task headline: the paragraph's opening sentence, up to its first ``。`` (or up to the first
  measure label when that comes first), without the closing ``。``/``：``. Task body: the whole
  paragraph exactly as published, headline included, so nothing of the published text is lost.
- Measures: a label counts when it opens the paragraph or follows ``。；：！？，`` (so words such as
  统一是 are not labels). Its text runs from after the label to the next label or the paragraph
  end, exactly. A paragraph without labels gives a task with **zero** measures: its whole text is
  already in the body, and a made-up measure would inflate the counts.
- Paragraphs of section 二 that sit before the first area or between an area heading and its
  first problem are introductions, not tasks; they are ignored. An area without problems, a
  problem without tasks and a problem outside any area are format errors.
- Line numbers are 1-based over ``\\n``, ``\\r\\n`` or ``\\r`` line ends; a leading BOM is dropped;
  blank lines and surrounding whitespace (including the full-width space) are ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

FIGURE_NAMES: tuple[str, ...] = (
    "problems_total",
    "problems_rectified",
    "measures_total",
    "measures_done",
    "people_criticised",
    "rules_new",
    "rules_revised",
)

# Each figure is found by its own wording, so a sentence missing one figure leaves only it None.
# "反馈的" anchors the problem total: section 一 also says "12项问题36个具体问题".
_FIGURE_PATTERNS: dict[str, re.Pattern[str]] = {
    "problems_total": re.compile(r"反馈的\s*(\d+)\s*[项个](?:具体)?问题"),
    "problems_rectified": re.compile(r"已(?:经)?整改(?:到位|完成)?\s*(\d+)\s*[项个]"),
    "measures_total": re.compile(r"整改措施\s*(\d+)\s*[条项]"),
    "measures_done": re.compile(r"已(?:经)?完成\s*(\d+)\s*[条项]"),
    "people_criticised": re.compile(r"批评教育\s*(\d+)\s*[人名]"),
    "rules_new": re.compile(r"新建(?:制度)?\s*(\d+)\s*[项个件]"),
    "rules_revised": re.compile(r"修订(?:完善)?(?:制度)?\s*(\d+)\s*[项个件]"),
}

_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_CN_DIGITS = "一二三四五六七八九"
_CN_NUMERAL = "[一二三四五六七八九十]{1,3}"
_SECTION = re.compile(rf"({_CN_NUMERAL})\s*、\s*(.*)")
_AREA = re.compile(rf"[(（]\s*({_CN_NUMERAL})\s*[)）]\s*(.*)")
# (?![\d０-９]) keeps a paragraph opening with a decimal ("2.5亿元…") from reading as a heading.
_PROBLEM = re.compile(r"([0-9０-９]{1,3})\s*[.．、](?![0-9０-９])\s*(.*)")
_MEASURE_LABEL = re.compile(rf"(?:^|(?<=[。；;：:！!？?，,]))({_CN_NUMERAL})是")
_HEADLINE_TRAILING = "。：:，,；; \u3000"
_WHITESPACE = " \t\u3000\u00a0"


class NoticeFormatError(ValueError):
    """The notice's numbering or structure is broken; names the line, in English and Chinese."""

    def __init__(self, message: str, line_number: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.line_number = line_number


@dataclass(frozen=True)
class ParsedMeasure:
    """One 整改措施: its position, label (一是…) and text as published."""

    position: int
    label: str
    text: str


@dataclass(frozen=True)
class ParsedTask:
    """One 整改任务: a paragraph under a problem, with its headline sentence and measures."""

    position: int
    headline: str
    body: str
    measures: tuple[ParsedMeasure, ...] = ()


@dataclass(frozen=True)
class ParsedProblem:
    """One 问题 of an area, with its code "A.P"."""

    number: int
    code: str
    title: str
    tasks: tuple[ParsedTask, ...] = ()


@dataclass(frozen=True)
class ParsedArea:
    """One 方面: a (一)…(四) heading of section 二."""

    number: int
    title: str
    problems: tuple[ParsedProblem, ...] = ()


@dataclass(frozen=True)
class ParsedNotice:
    """A parsed notice: its title, published figures (None when not stated) and catalogue."""

    title: str
    figures: dict[str, int | None]
    areas: tuple[ParsedArea, ...] = field(default=())

    @property
    def problems(self) -> tuple[ParsedProblem, ...]:
        """Every problem, in notice order."""
        return tuple(p for a in self.areas for p in a.problems)

    @property
    def tasks(self) -> tuple[ParsedTask, ...]:
        """Every task, in notice order."""
        return tuple(t for p in self.problems for t in p.tasks)

    @property
    def measures(self) -> tuple[ParsedMeasure, ...]:
        """Every measure, in notice order."""
        return tuple(m for t in self.tasks for m in t.measures)


def normalise(text: str) -> str:
    """The text with a leading BOM dropped and every line end made ``\\n``."""
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def cn_to_int(numeral: str) -> int | None:
    """The value of a Chinese numeral from 一 to 九十九, or None if it is not one."""
    if not numeral or any(c not in _CN_DIGITS + "十" for c in numeral):
        return None
    if "十" not in numeral:
        return _CN_DIGITS.index(numeral) + 1 if len(numeral) == 1 else None
    tens, _, ones = numeral.partition("十")
    if len(tens) > 1 or len(ones) > 1 or "十" in ones:
        return None
    return (_CN_DIGITS.index(tens) + 1 if tens else 1) * 10 + (_CN_DIGITS.index(ones) + 1 if ones else 0)


def int_to_cn(value: int) -> str:
    """The Chinese numeral for 1…99 (used to name the expected number in errors)."""
    tens, ones = divmod(value, 10)
    prefix = "" if tens == 0 else ("十" if tens == 1 else _CN_DIGITS[tens - 1] + "十")
    return prefix + (_CN_DIGITS[ones - 1] if ones else "")


def parse_figures(text: str) -> dict[str, int | None]:
    """The notice's published figures; full-width digits accepted, a missing figure is None."""
    flat = text.translate(_FULLWIDTH_DIGITS)
    figures: dict[str, int | None] = {}
    for name in FIGURE_NAMES:
        match = _FIGURE_PATTERNS[name].search(flat)
        figures[name] = int(match.group(1)) if match else None
    return figures


def _snippet(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _numbering_error(line_no: int, expected: str, previous: str | None, found: str, text: str) -> None:
    after = f" after {previous}" if previous else " first"
    quoted = _snippet(text)
    raise NoticeFormatError(
        f'line {line_no}: expected {expected}{after}, found {found}: "{quoted}" / '
        f"第{line_no}行：编号应为{expected}，实际为{found}：“{quoted}”",
        line_no,
    )


def _check_number(
    line_no: int, previous: int, found: int, fmt: str, text: str, *, chinese: bool = True
) -> None:
    """Raise unless ``found`` is the number right after ``previous`` (0: nothing yet)."""
    if found == previous + 1:
        return
    render = int_to_cn if chinese else str
    _numbering_error(
        line_no,
        fmt.format(render(previous + 1)),
        fmt.format(render(previous)) if previous else None,
        fmt.format(render(found)),
        text,
    )


def split_measures(paragraph: str, line_no: int = 0) -> tuple[ParsedMeasure, ...]:
    """The measures (一是…二是…) of a paragraph, checking that the labels count up from 一."""
    labels = [m for m in _MEASURE_LABEL.finditer(paragraph) if cn_to_int(m.group(1))]
    measures: list[ParsedMeasure] = []
    for position, match in enumerate(labels, start=1):
        found = cn_to_int(match.group(1)) or 0
        _check_number(line_no, position - 1, found, "{}是", paragraph[match.start() :])
        end = labels[position].start() if position < len(labels) else len(paragraph)
        text = paragraph[match.end() : end].strip(_WHITESPACE)
        measures.append(ParsedMeasure(position=position, label=match.group(0), text=text))
    return tuple(measures)


def _headline(paragraph: str) -> str:
    """The paragraph's opening sentence: up to the first 。 or the first measure label."""
    cut = len(paragraph)
    stop = paragraph.find("。")
    if stop >= 0:
        cut = stop
    first_label = next((m for m in _MEASURE_LABEL.finditer(paragraph) if cn_to_int(m.group(1))), None)
    if first_label is not None and first_label.start() < cut:
        cut = first_label.start()
    return paragraph[:cut].rstrip(_HEADLINE_TRAILING)


def _is_heading(line: str) -> bool:
    return any(
        (m := pattern.fullmatch(line)) is not None and _heading_number(pattern, m.group(1)) is not None
        for pattern in (_SECTION, _AREA, _PROBLEM)
    )


def _heading_number(pattern: re.Pattern[str], raw: str) -> int | None:
    if pattern is _PROBLEM:
        return int(raw.translate(_FULLWIDTH_DIGITS))
    return cn_to_int(raw)


@dataclass
class _AreaBuilder:
    number: int
    title: str
    line_no: int
    problems: list[_ProblemBuilder] = field(default_factory=list)


@dataclass
class _ProblemBuilder:
    number: int
    code: str
    title: str
    line_no: int
    tasks: list[ParsedTask] = field(default_factory=list)


def _lines(text: str) -> list[tuple[int, str]]:
    """Non-blank lines with their 1-based numbers, surrounding whitespace removed."""
    numbered = enumerate(normalise(text).split("\n"), start=1)
    return [(n, line.strip(_WHITESPACE)) for n, line in numbered if line.strip(_WHITESPACE)]


def parse_notice(text: str) -> ParsedNotice:
    """Parse a notice into its title, figures and section-二 catalogue; raise NoticeFormatError."""
    lines = _lines(text)
    title_parts: list[str] = []
    while lines and not _is_heading(lines[0][1]) and "。" not in lines[0][1]:
        title_parts.append(lines.pop(0)[1])

    section = area_no = problem_no = 0
    section_two_line: int | None = None
    areas: list[_AreaBuilder] = []
    area: _AreaBuilder | None = None
    problem: _ProblemBuilder | None = None
    for line_no, line in lines:
        if (m := _SECTION.fullmatch(line)) and (number := cn_to_int(m.group(1))):
            _check_number(line_no, section, number, "{}、", line)
            section, area_no, problem_no, area, problem = number, 0, 0, None, None
            if section == 2:
                section_two_line = line_no
            continue
        if (m := _AREA.fullmatch(line)) and (number := cn_to_int(m.group(1))):
            _check_number(line_no, area_no, number, "({})", line)
            area_no, problem_no, problem = number, 0, None
            if section == 2:
                area = _AreaBuilder(number, m.group(2), line_no)
                areas.append(area)
            continue
        if m := _PROBLEM.fullmatch(line):
            number = int(m.group(1).translate(_FULLWIDTH_DIGITS))
            _check_number(line_no, problem_no, number, "{}.", line, chinese=False)
            problem_no = number
            # Outside section 二 a numbered line is outline text; its measures are still checked.
            split_measures(m.group(2), line_no)
            if section == 2:
                problem = _start_problem(area, number, m.group(2), line_no, line)
            continue
        measures = split_measures(line, line_no)
        if section == 2 and problem is not None:
            problem.tasks.append(ParsedTask(len(problem.tasks) + 1, _headline(line), line, measures))

    return ParsedNotice(
        title="".join(title_parts),
        figures=parse_figures(normalise(text)),
        areas=_finish(areas, section_two_line),
    )


def _start_problem(
    area: _AreaBuilder | None, number: int, title: str, line_no: int, line: str
) -> _ProblemBuilder:
    if area is None:
        raise NoticeFormatError(
            f'line {line_no}: problem outside any area (一)…: "{_snippet(line)}" / '
            f"第{line_no}行：问题不属于任何方面（缺少“(一)”等标题）：“{_snippet(line)}”",
            line_no,
        )
    if not title:
        raise NoticeFormatError(
            f"line {line_no}: problem {number}. has no title / 第{line_no}行：问题{number}.缺少标题",
            line_no,
        )
    problem = _ProblemBuilder(number, f"{area.number}.{number}", title, line_no)
    area.problems.append(problem)
    return problem


def _finish(areas: list[_AreaBuilder], section_two_line: int | None) -> tuple[ParsedArea, ...]:
    """Freeze the catalogue, refusing a missing section 二 and empty areas or problems."""
    if section_two_line is None:
        raise NoticeFormatError(
            "no section 二、 found: the catalogue of areas and problems must be there / "
            "未找到“二、”部分：整改方面和问题清单应在第二部分",
            None,
        )
    if not any(a.problems for a in areas):
        raise NoticeFormatError(
            f"line {section_two_line}: section 二、 contains no problems / "
            f"第{section_two_line}行：第二部分没有任何问题",
            section_two_line,
        )
    for area in areas:
        if not area.problems:
            label = f"({int_to_cn(area.number)})"
            raise NoticeFormatError(
                f'line {area.line_no}: area {label} has no problems: "{_snippet(area.title)}"'
                f" / 第{area.line_no}行：方面{label}下没有问题",
                area.line_no,
            )
        for problem in area.problems:
            if not problem.tasks:
                raise NoticeFormatError(
                    f"line {problem.line_no}: problem {problem.code} has no task paragraphs: "
                    f'"{_snippet(problem.title)}" / 第{problem.line_no}行：问题{problem.code}下没有整改任务',
                    problem.line_no,
                )
    return tuple(
        ParsedArea(
            a.number,
            a.title,
            tuple(ParsedProblem(p.number, p.code, p.title, tuple(p.tasks)) for p in a.problems),
        )
        for a in areas
    )

"""The point-by-point reply (逐条答复), pure: split a letter into the points it raises, number them,
compose the whole reply as text or HTML, and read rich text back as plain text.

A letter numbers its points in one of a few ways (一、二、 / （一）（二） / 1. 2. / （1）（2） / ①② /
一是…二是… / 第一，第二，). The family whose first item comes first in the text is the outer level;
its items must count up from one, so that a stray "3." or a word such as 统一、 is not taken for a
point. A letter without numbering is split into its paragraphs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser

_DIGITS = "一二三四五六七八九"
_CN_NUMBER = "[一二三四五六七八九十]{1,3}"
# Where a numbering mark may start: the beginning, a line break, a space or punctuation before it.
_BOUNDARY = r"(?:(?<=^)|(?<=[\s。；;：:，,！!？?）)」”\"、]))"

# family → pattern whose group "n" is the number (Chinese or Arabic digits, or a circled digit).
_FAMILIES: dict[str, re.Pattern[str]] = {
    "cn_dun": re.compile(_BOUNDARY + rf"(?P<n>{_CN_NUMBER})、"),
    # Brackets delimit a mark by themselves: letters often run （1）…（2）… without a space.
    "cn_paren": re.compile(rf"[（(](?P<n>{_CN_NUMBER})[）)]"),
    "cn_shi": re.compile(_BOUNDARY + rf"(?P<n>{_CN_NUMBER})是"),
    "cn_di": re.compile(_BOUNDARY + rf"第(?P<n>{_CN_NUMBER})[，,、：:]"),
    "arabic": re.compile(_BOUNDARY + r"(?P<n>\d{1,2})(?:[.．、](?!\d)|\s*[)）])"),
    "arabic_paren": re.compile(r"[（(](?P<n>\d{1,2})[）)]"),
    "circled": re.compile(r"(?P<n>[\u2460-\u2473])"),
}
# Lines of a letter's frame that are no point (a greeting, a sign-off).
_GREETING = re.compile(r"^(?:尊敬的|您好|你好|各位领导|领导)[^。\n]{0,30}[：:，,!！]?$")
_SIGN_OFF = re.compile(r"^(?:此致|敬礼|谢谢|感谢|致敬|顺颂|祝好)[^。\n]{0,12}[。！!]?$")


def chinese_number(value: str) -> int:
    """The value of a Chinese numeral from 一 to 九十九 (十, 十二, 二十, 二十三…)."""
    if "十" not in value:
        return _DIGITS.index(value) + 1 if len(value) == 1 and value in _DIGITS else 0
    tens, _sep, units = value.partition("十")
    ten_value = 1 if not tens else (_DIGITS.index(tens) + 1 if tens in _DIGITS else 0)
    unit_value = 0 if not units else (_DIGITS.index(units) + 1 if units in _DIGITS else -100)
    return max(ten_value * 10 + unit_value, 0)


def chinese_numeral(number: int) -> str:
    """The Chinese numeral of 1 to 99 (used to number the points of a reply in Chinese)."""
    if not 1 <= number <= 99:
        return str(number)
    tens, units = divmod(number, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _DIGITS[tens - 1] + "十")
    return head + (_DIGITS[units - 1] if units else "")


def _value(mark: str) -> int:
    if mark.isdigit() and mark.isascii():
        return int(mark)
    if "\u2460" <= mark <= "\u2473":
        return ord(mark) - 0x2460 + 1
    return chinese_number(mark)


@dataclass(frozen=True)
class _Mark:
    start: int
    end: int


def _counted_marks(text: str, pattern: re.Pattern[str]) -> list[_Mark]:
    """The marks of one family that count up from one (others, such as nested lists, are skipped)."""
    marks: list[_Mark] = []
    for match in pattern.finditer(text):
        if _value(match.group("n")) == len(marks) + 1:
            marks.append(_Mark(match.start(), match.end()))
    return marks


def _outer_marks(text: str) -> list[_Mark]:
    """The numbering of the outer level: of the families with two points or more, the one first used."""
    candidates = [marks for pattern in _FAMILIES.values() if len(marks := _counted_marks(text, pattern)) >= 2]
    return min(candidates, key=lambda marks: marks[0].start) if candidates else []


def _tidy(point: str) -> str:
    return re.sub(r"[ \t]+", " ", point).strip().rstrip("；;，,").strip()


def _paragraphs(text: str) -> list[str]:
    blocks = re.split(r"\n\s*\n", text)
    if len(blocks) == 1:
        blocks = text.split("\n")
    lines = [_tidy(block) for block in blocks]
    return [line for line in lines if line and not _GREETING.match(line) and not _SIGN_OFF.match(line)]


def split_points(text: str) -> list[str]:
    """The points a message raises, in order: by its numbering, or else by its paragraphs."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return []
    marks = _outer_marks(text)
    if not marks:
        return _paragraphs(text)
    points = []
    for index, mark in enumerate(marks):
        end = marks[index + 1].start if index + 1 < len(marks) else len(text)
        points.append(text[mark.end:end])
    # The last point ends where the letter's closing begins (a paragraph after a blank line).
    last, _sep, _closing = points[-1].strip().partition("\n\n")
    points[-1] = last
    return [tidy for point in points if (tidy := _tidy(point))]


@dataclass(frozen=True)
class ReplyWords:
    """The words around the points, in the person's language (passed in: this module translates nothing)."""

    raised: str  # "您反映：" / "You raised: "
    answer: str  # "答复：" / "Our answer: "
    chinese: bool = True  # number the points 一、二、 (otherwise 1. 2.)

    def number(self, position: int) -> str:
        """The number of the point at ``position`` (1-based) with its punctuation."""
        return f"{chinese_numeral(position)}、" if self.chinese else f"{position}. "


@dataclass(frozen=True)
class ReplyPoint:
    """One point: what the person raised and our answer to it."""

    raised: str
    answer: str


def compose_text(opening: str, points: list[ReplyPoint], closing: str, words: ReplyWords) -> str:
    """The whole reply as plain text: the opening, each numbered point and its answer, the closing."""
    blocks = [opening.strip()]
    for position, point in enumerate(_kept(points), start=1):
        answer = point.answer.strip()
        if point.raised.strip():
            lines = [words.number(position) + words.raised + point.raised.strip()]
            lines += [words.answer + answer] if answer else []
        else:  # a point without what was raised: the answer follows its number
            lines = [words.number(position) + answer]
        blocks.append("\n".join(lines))
    blocks.append(closing.strip())
    return "\n\n".join(block for block in blocks if block)


def compose_html(opening: str, points: list[ReplyPoint], closing: str, words: ReplyWords) -> str:
    """The whole reply as HTML from rich parts (already sanitised); what the person raised is escaped."""
    blocks = [_as_block(opening)]
    for position, point in enumerate(_kept(points), start=1):
        head = f"<strong>{escape(words.number(position))}</strong>"
        if point.raised.strip():
            head += f"<strong>{escape(words.raised)}</strong>{escape(point.raised.strip())}"
        blocks.append(f"<p>{head}</p>")
        if point.answer.strip():
            label = f"<p><strong>{escape(words.answer)}</strong></p>" if point.raised.strip() else ""
            blocks.append(label + _as_block(point.answer))
    blocks.append(_as_block(closing))
    return "\n".join(block for block in blocks if block)


def _kept(points: list[ReplyPoint]) -> list[ReplyPoint]:
    return [point for point in points if point.raised.strip() or point.answer.strip()]


_BLOCK_START = re.compile(r"^\s*<(?:p|ul|ol)\b", re.IGNORECASE)


def _as_block(html: str) -> str:
    html = html.strip()
    if not html or _BLOCK_START.match(html):
        return html
    return f"<p>{html}</p>"


class _TextRenderer(HTMLParser):
    """Plain text of the few tags a rich reply may hold (p, br, strong, em, ul, ol, li, a)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.lists: list[list[int]] = []  # per open list: [counter] for ol, [] for ul
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "p":
            self.parts.append("\n\n")
        elif tag == "br":
            self.parts.append("\n")
        elif tag in ("ul", "ol"):
            self.lists.append([0] if tag == "ol" else [])
        elif tag == "li":
            current = self.lists[-1] if self.lists else []
            if current:
                current[0] += 1
                bullet = f"{current[0]}. "
            else:
                bullet = "• "
            self.parts.append("\n" + "  " * max(len(self.lists) - 1, 0) + bullet)
        elif tag == "a":
            self.links.append(dict(attrs).get("href") or "")
            self.parts.append("\x00")  # where the link's text starts

    def handle_endtag(self, tag: str) -> None:
        if tag == "p":
            self.parts.append("\n\n")
        elif tag in ("ul", "ol") and self.lists:
            self.lists.pop()
            self.parts.append("\n")
        elif tag == "a" and self.links:
            href = self.links.pop()
            start = len(self.parts) - 1 - self.parts[::-1].index("\x00") if "\x00" in self.parts else None
            text = "".join(self.parts[start + 1:]) if start is not None else ""
            if start is not None:
                del self.parts[start]
            if href and href.removeprefix("mailto:") != text.strip():
                self.parts.append(f" ({href.removeprefix('mailto:')})")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_to_text(html: str) -> str:
    """A readable text rendering of sanitised rich text: paragraphs, line breaks, numbered lists, links."""
    renderer = _TextRenderer()
    renderer.feed(html)
    renderer.close()
    text = "".join(renderer.parts).replace("\x00", "").replace("\xa0", " ")
    lines = [line.rstrip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()

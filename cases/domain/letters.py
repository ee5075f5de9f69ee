"""How a printed reply numbers its points and writes its date (pure)."""

from __future__ import annotations

from datetime import date

_DIGITS = "〇一二三四五六七八九"


def chinese_numeral(number: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 99 → 九十九 (the numbering of official letters)."""
    if not 1 <= number <= 99:
        return str(number)
    tens, units = divmod(number, 10)
    text = ("" if tens == 1 else _DIGITS[tens]) + "十" if tens else ""
    return text + (_DIGITS[units] if units else "")


def point_label(number: int, chinese: bool) -> str:
    """The mark before a numbered point: 一、 in Chinese, 1. otherwise."""
    return f"{chinese_numeral(number)}、" if chinese else f"{number}."


def letter_date(day: date, chinese: bool) -> str:
    """The date under the signature: 2026年12月8日, or 8 December 2026."""
    if chinese:
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{day.day} {day.strftime('%B')} {day.year}"

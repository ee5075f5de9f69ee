"""Cleaning outside text: what every entry does before anything is stored (pure functions)."""

from __future__ import annotations

import pytest

from cases.domain.text_input import MAX_ID, clean_line, clean_text, parse_id


def test_clean_text_removes_what_the_database_and_pages_cannot_take() -> None:
    assert clean_text("建议\x00公开\x07数据") == "建议公开数据"
    assert clean_text("a\r\nb\rc\nd\te") == "a\nb\nc\nd\te"
    assert clean_text("x\x7fy\x85z\x9f") == "xyz"
    assert clean_text("report\u202efdp.hta") == "reportfdp.hta"  # the override is gone
    assert clean_text("lone \ud800 surrogate") == "lone \ufffd surrogate"
    assert clean_text("阿拉伯文\u200f标记") == "阿拉伯文\u200f标记"  # a plain RLM mark is harmless
    assert clean_text(None) == "" and clean_text("") == ""


def test_clean_line_folds_breaks_so_a_header_built_from_it_stays_one_header() -> None:
    assert clean_line("投诉\r\nBcc: victim@example.com") == "投诉 Bcc: victim@example.com"
    assert clean_line("a\tb\u2028c\x00d") == "a b cd"
    assert clean_line("plain ASCII") == "plain ASCII"


@pytest.mark.parametrize(("raw", "expected"), [
    ("1", 1), ("42", 42), (str(MAX_ID), MAX_ID), (str(MAX_ID + 1), None),
    ("99999999999999999999", None), ("0", None), ("-1", None), ("", None), (None, None),
    ("²", None), ("１２", None), ("12a", None), (" 12", None),
])
def test_parse_id_accepts_only_ids_a_row_can_have(raw: str | None, expected: int | None) -> None:
    assert parse_id(raw) == expected

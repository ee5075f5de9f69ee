"""Case references and tracking codes."""

import math
import re

import pytest

from cases.domain.tracking import (
    ALPHABET,
    CODE_LENGTH,
    code_matches,
    format_reference,
    hash_code,
    new_tracking_code,
    normalise_code,
)


def test_reference_format():
    assert format_reference(2026, 123) == "HQ-2026-000123"
    with pytest.raises(ValueError):
        format_reference(2026, 1_000_000)


def test_tracking_code_has_at_least_80_bits_and_no_lookalikes():
    assert CODE_LENGTH * math.log2(len(ALPHABET)) >= 80
    assert not set("ILOU") & set(ALPHABET)
    code = new_tracking_code()
    assert re.fullmatch(r"([0-9A-Z]{4}-){4}[0-9A-Z]{4}", code)
    assert set(code.replace("-", "")) <= set(ALPHABET)
    assert len({new_tracking_code() for _ in range(1000)}) == 1000


def test_code_typed_loosely_still_matches():
    code = "7K2M-9QXR-0B1T-ZZ4H-8NWC"
    stored = hash_code(code)
    assert code_matches("7k2m 9qxr ob1t zz4h 8nwc", stored)  # lower case, spaces, O for 0
    assert code_matches("7K2M9QXR0B1TZZ4H8NWC", stored)
    assert not code_matches("7K2M-9QXR-0B1T-ZZ4H-8NWD", stored)
    assert normalise_code("ab-cd") == "ABCD"

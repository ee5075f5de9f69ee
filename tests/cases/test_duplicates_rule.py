"""The likely-duplicate rule on its own: scoring, signals, window and merge direction (no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cases.domain import duplicates as rule
from cases.domain.catalogue_parser import parse_notice
from classifier.engine import Classifier

NOW = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
NOTICE = Path(__file__).resolve().parents[2] / "cases" / "data" / "notice_2023_hqcbd.txt"


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier.from_notice(parse_notice(NOTICE.read_text(encoding="utf-8")))


def profile(reference: str, text: str = "", classifier: Classifier | None = None,
            **fields: object) -> rule.Profile:
    vector = rule.text_vector(classifier.features(rule.bounded(text))) if classifier and text else {}
    values: dict[str, object] = {"status": "received", "received_at": NOW - timedelta(days=1)}
    values.update(fields)
    return rule.Profile(reference=reference, vector=vector, **values)  # type: ignore[arg-type]


def test_cosine_of_vectors() -> None:
    assert rule.cosine({"a": 1.0}, {"a": 2.0}) == pytest.approx(1.0)
    assert rule.cosine({"a": 1.0}, {"b": 1.0}) == 0.0
    assert rule.cosine({}, {"a": 1.0}) == 0.0
    assert rule.cosine({"a": 1.0, "b": 1.0}, {"a": 1.0}) == pytest.approx(2 ** -0.5)
    # Repeated words are damped: three times a word is not three times the weight.
    assert rule.text_vector(["楼宇", "楼宇", "楼宇", "空置"])["楼宇"] == pytest.approx(1 + 1.0986, abs=1e-3)


def test_similar_texts_score_above_the_threshold_and_unrelated_ones_not(classifier: Classifier) -> None:
    first = "核心区楼宇空置率太高了，很多写字楼空着，建议加大招商引资力度，降低租金。"
    again = "你好，我再反映一次：核心区楼宇空置率太高，很多写字楼空着，建议加大招商引资力度。"
    other = "会展期间地铁站交通拥堵严重，出租车排队一个多小时，希望增加公交接驳。"
    this = profile("HQ-2026-000002", again, classifier)
    found = rule.match(this, profile("HQ-2026-000001", first, classifier))
    assert found is not None and found.similarity >= rule.TEXT_THRESHOLD
    assert not found.same_sender and not found.quoted
    assert rule.match(this, profile("HQ-2026-000003", other, classifier)) is None


def test_quoted_reference_either_way_and_written_loosely() -> None:
    quoted = rule.quoted_references("见 hq-2026-000123 和 HQ 2025 000007")
    assert quoted == {"HQ-2026-000123", "HQ-2025-000007"}
    this = profile("HQ-2026-000009", quoted=rule.quoted_references("上次的编号是HQ-2026-000001"))
    found = rule.match(this, profile("HQ-2026-000001"))
    assert found is not None and found.quoted == "HQ-2026-000001"
    back = rule.match(profile("HQ-2026-000001"), this)
    assert back is not None and back.quoted == "HQ-2026-000001"
    assert rule.match(this, profile("HQ-2026-000002")) is None


def test_same_sender_by_address_or_phone_digits() -> None:
    assert rule.sender_keys(" Li@Example.CN ", "") == {"email:li@example.cn"}
    assert rule.sender_keys("", "+86 138-0013-8000") == {"phone:13800138000"}
    assert rule.sender_keys("", "8000") == frozenset()  # too short to be a person
    this = profile("HQ-2026-000002", senders=rule.sender_keys("", "138 0013 8000"))
    earlier = profile("HQ-2026-000001", senders=rule.sender_keys("li@example.cn", "13800138000"))
    found = rule.match(this, earlier)
    assert found is not None and found.same_sender and found.similarity == 0.0


def test_window_ranking_and_limit() -> None:
    assert rule.is_candidate("assigned", None, NOW)
    assert rule.is_candidate("closed", NOW - timedelta(days=89), NOW)
    assert not rule.is_candidate("closed", NOW - timedelta(days=91), NOW)
    assert rule.is_candidate("closed", NOW - timedelta(days=91), NOW, window_days=120)
    assert not rule.is_candidate("duplicate", NOW, NOW)
    senders = rule.sender_keys("li@example.cn", "")
    quotes = rule.quoted_references("HQ-2026-000001")
    this = profile("HQ-2026-000100", senders=senders, quoted=quotes)
    others = [
        profile("HQ-2026-000001"),  # quoted: first
        profile("HQ-2026-000002", senders=senders),  # same sender
        profile("HQ-2026-000003", senders=senders, status="closed", closed_at=NOW - timedelta(days=200)),
        profile("HQ-2026-000004"),  # nothing in common
    ]
    found = rule.likely_duplicates(this, others, NOW)
    assert [m.reference for m in found] == ["HQ-2026-000001", "HQ-2026-000002"]
    assert rule.likely_duplicates(this, others, NOW, limit=1)[0].reference == "HQ-2026-000001"


def test_merge_direction_newer_into_older_and_never_out_of_a_finished_case() -> None:
    old = profile("HQ-2026-000001", received_at=NOW - timedelta(days=5))
    new = profile("HQ-2026-000002", received_at=NOW - timedelta(days=1))
    assert rule.merge_direction(new, old) == "this"
    assert rule.merge_direction(old, new) == "other"
    closed = profile("HQ-2026-000003", status="closed", closed_at=NOW - timedelta(days=3))
    assert rule.merge_direction(new, closed) == "this"  # the repeat is linked to the closed case
    assert rule.merge_direction(closed, new) == "other"
    assigned = profile("HQ-2026-000004", status="assigned")
    assert rule.merge_direction(assigned, new) == "other"
    assert rule.merge_direction(assigned, closed) is None

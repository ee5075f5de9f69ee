"""Recording cases, their references, and the JSON Lines archive export."""

from __future__ import annotations

import hashlib
import json
import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from cases.domain.tracking import code_matches
from cases.extensions import db
from cases.intake import IncomingFile, NewCase, record_case
from cases.models import Case, CaseEvent

NOW = datetime(2026, 11, 28, 6, 30, tzinfo=UTC)


def _new(body: str = "核心区那几栋楼一直空着，希望公布空置率。", **overrides) -> NewCase:
    values = dict(channel="web", body=body, received_at=NOW, subject="楼宇空置", submitter_name="张三",
                  submitter_email="Zhang.San@Example.CN", submitter_phone="13800138000", consent=True)
    values.update(overrides)
    return NewCase(**values)


def test_record_case_gives_reference_code_message_and_event(app):
    scan = IncomingFile("扫描件.pdf", "application/pdf", b"%PDF-1.4 scan")
    recorded = record_case(_new(files=(scan,)), now=NOW)
    db.session.commit()
    case = db.session.scalar(select(Case))
    assert case.reference == "HQ-2026-000001"
    assert case.status == "received"
    assert case.submitter_email == "zhang.san@example.cn"
    assert code_matches(recorded.tracking_code, case.tracking_code_hash)
    assert recorded.tracking_code.replace("-", "") not in case.tracking_code_hash
    [message] = case.messages
    assert message.direction == "inbound" and message.body_text.startswith("核心区")
    [attachment] = message.attachments
    assert attachment.sha256 == hashlib.sha256(b"%PDF-1.4 scan").hexdigest() and attachment.size == 13
    [event] = case.events
    assert (event.action, event.to_status, event.actor_label) == ("received", "received", "public")
    assert case.received_at == NOW and case.received_at.tzinfo is not None


def test_references_count_up_per_year(app):
    first = record_case(_new(), now=NOW).case
    second = record_case(_new(), now=NOW).case
    next_year = record_case(_new(received_at=datetime(2027, 1, 2, tzinfo=UTC)), now=NOW).case
    assert [first.reference, second.reference, next_year.reference] == [
        "HQ-2026-000001", "HQ-2026-000002", "HQ-2027-000001"]


def test_anonymous_case_keeps_no_name(app):
    case = record_case(_new(anonymous=True), now=NOW).case
    assert case.anonymous and case.submitter_name == ""


def test_unknown_channel_is_refused(app):
    with pytest.raises(ValueError, match="unknown channel"):
        record_case(_new(channel="fax"), now=NOW)


def test_events_are_append_only(app):
    case = record_case(_new(), now=NOW).case
    db.session.commit()
    event = db.session.scalar(select(CaseEvent))
    event.reason = "rewritten"
    with pytest.raises(PermissionError):
        db.session.flush()
    db.session.rollback()
    with pytest.raises(PermissionError):
        db.session.delete(db.session.scalar(select(CaseEvent)))
        db.session.flush()
    db.session.rollback()
    assert case.reference


# Threads, each with its own connection.
@pytest.mark.committed
@pytest.mark.postgres_only
def test_concurrent_intakes_get_distinct_references(app):
    references: list[str] = []
    errors: list[BaseException] = []

    def worker() -> None:
        with app.app_context():
            try:
                for _ in range(10):
                    references.append(record_case(_new(), now=NOW).case.reference)
                    db.session.commit()
            except BaseException as error:  # noqa: BLE001 - reported below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(references) == [f"HQ-2026-{n:06d}" for n in range(1, 41)]


# Threads, each with its own connection.
@pytest.mark.committed
def test_several_cases_in_one_transaction_take_consecutive_references(app):
    from cases.models import ReferenceCounter

    references: list[str] = []
    errors: list[BaseException] = []

    def worker(per_transaction: int) -> None:
        with app.app_context():
            try:
                for _ in range(5):
                    references.extend(record_case(_new(), now=NOW).case.reference
                                      for _ in range(per_transaction))
                    db.session.commit()
            except BaseException as error:  # noqa: BLE001 - reported below
                errors.append(error)
            finally:
                db.session.remove()

    # Groups of e-mails (several cases a transaction) beside single web opinions.
    threads = [threading.Thread(target=worker, args=(n,)) for n in (1, 4, 7)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(references) == [f"HQ-2026-{n:06d}" for n in range(1, 61)]
    assert db.session.get(ReferenceCounter, 2026).last_value == 60
    # A rolled-back savepoint gives nothing twice: the next number comes from the database again.
    with pytest.raises(RuntimeError), db.session.begin_nested():
        record_case(_new(), now=NOW)
        raise RuntimeError("rolled back")
    later = [record_case(_new(), now=NOW).case.reference for _ in range(2)]
    db.session.commit()
    assert later == ["HQ-2026-000061", "HQ-2026-000062"]
    assert db.session.get(ReferenceCounter, 2026).last_value == 62


def _export(runner, *extra: str) -> list[dict]:
    result = runner.invoke(args=["cases", "export", "--jsonl", *extra])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]


def test_export_writes_every_case_with_messages_and_events(app, runner, catalogue):
    scan = IncomingFile("信件.jpg", "image/jpeg", b"\xff\xd8\xff scan bytes")
    record_case(_new(problem_codes=("1.1",), files=(scan,), message_id="abc@example.cn"), now=NOW)
    db.session.commit()
    [record] = _export(runner)
    assert record["format"] == "hqcbd-case/1"
    assert record["reference"] == "HQ-2026-000001"
    assert record["channel"] == "web" and record["status"] == "received"
    assert record["problems"] == ["1.1"]
    assert record["submitter"] == {"name": "张三", "email": "zhang.san@example.cn",
                                   "phone": "13800138000", "anonymous": False, "consent": True}
    assert record["received_at"] == "2026-11-28T06:30:00+00:00"
    [message] = record["messages"]
    assert message["message_id"] == "abc@example.cn"
    assert message["attachments"] == [{"name": "信件.jpg", "content_type": "image/jpeg", "size": 14,
                                       "sha256": hashlib.sha256(b"\xff\xd8\xff scan bytes").hexdigest()}]
    assert [e["action"] for e in record["events"]] == ["received"]


def test_sealed_accusations_only_with_include_sealed(app, runner):
    record_case(_new(), now=NOW)
    accusation = record_case(_new(body="举报某处长收受企业礼品。"), now=NOW).case
    accusation.kind = "accusation"
    accusation.confidential = True
    db.session.commit()
    assert [r["reference"] for r in _export(runner)] == ["HQ-2026-000001"]
    sealed = _export(runner, "--include-sealed")
    assert [r["reference"] for r in sealed] == ["HQ-2026-000001", "HQ-2026-000002"]


def test_export_to_file(app, runner, tmp_path):
    record_case(_new(), now=NOW)
    db.session.commit()
    target = tmp_path / "archive.jsonl"
    result = runner.invoke(args=["cases", "export", "--jsonl", "-o", str(target)])
    assert result.exit_code == 0
    lines = target.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["body"].startswith("核心区")


def test_a_problem_code_links_the_current_catalogue_only(app):
    from cases.catalogue import bundled_notice_path, import_notice, read_notice_file

    notice = read_notice_file(bundled_notice_path())
    import_notice(notice)
    db.session.commit()
    first = record_case(_new(problem_codes=("1.1", "9.9")), now=NOW).case
    db.session.commit()
    newer = import_notice(notice.replace("进展情况的通报", "进展情况的通报(第二次)", 1))
    db.session.commit()
    second = record_case(_new(problem_codes=("1.1",)), now=NOW).case
    db.session.commit()
    db.session.expire_all()
    # Both notices number their problems 1.1 … 4.2: only the current plan's problem is linked.
    [old_link], [new_link] = first.problems, second.problems
    assert old_link.code == new_link.code == "1.1" and old_link.id != new_link.id
    assert new_link.area.plan_id == newer.id and new_link.title == old_link.title


def test_the_problem_lookup_of_the_web_form_is_cached(app):
    from sqlalchemy import event

    from cases.catalogue import bundled_notice_path, import_notice, read_notice_file

    import_notice(read_notice_file(bundled_notice_path()))
    db.session.commit()
    record_case(_new(problem_codes=("1.1",)), now=NOW)
    db.session.commit()
    statements: list[str] = []
    engine = db.engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731 - (conn, cursor, statement, ...)
    event.listen(engine, "before_cursor_execute", listener)
    try:
        case = record_case(_new(problem_codes=("2.3",)), now=NOW).case
        db.session.commit()
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert [p.code for p in case.problems] == ["2.3"]
    assert not [s for s in statements if s.lstrip().upper().startswith("SELECT")], statements

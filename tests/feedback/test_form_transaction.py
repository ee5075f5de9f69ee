"""Embedded mode (no Redis): the form records the whole case in one transaction, one COMMIT."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event, func, select

from cases.domain.tracking import hash_code
from cases.extensions import db
from cases.models import Case, CaseEvent, CaseMessage, OutboxItem, ReportDirty, ReportFact, StagedCase
from tests.feedback.helpers import opinion, post_opinion, text_by_id

# The COMMITs are what is counted: the rolled-back mode would turn them into savepoint releases.
pytestmark = pytest.mark.committed

_INSERT = re.compile(r"^\s*INSERT INTO \"?(\w+)", re.IGNORECASE)


@contextmanager
def committed_transactions() -> Iterator[list[list[str]]]:
    """The tables each committed transaction inserted into, in order (engine events)."""
    committed: list[list[str]] = []
    current: list[str] = []

    def executed(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if match := _INSERT.match(statement):
            current.append(match.group(1))

    def commit(_conn: object) -> None:
        committed.append(list(current))
        current.clear()

    def rollback(_conn: object) -> None:
        current.clear()

    engine = db.engine
    listeners = (("before_cursor_execute", executed), ("commit", commit), ("rollback", rollback))
    for name, function in listeners:
        event.listen(engine, name, function)
    try:
        yield committed
    finally:
        for name, function in listeners:
            event.remove(engine, name, function)


def _count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_an_embedded_submission_commits_once_with_its_case_events_and_facts(client, catalogue):
    assert client.application.config["EMBEDDED_JOBS"]
    page = client.get("/feedback/new")  # outside the count: the form page itself
    assert page.status_code == 200
    with committed_transactions() as committed:
        response = post_opinion(client, opinion(email=None))
    assert response.status_code == 303
    # The GET of post_opinion is served from the page cache: no transaction. The POST: one.
    assert len(committed) == 1, committed
    [tables] = committed
    assert {"feedback_case", "case_message", "case_event", "case_problem", "report_fact"} <= set(tables)
    assert "staged_case" not in tables  # no staging row round trip
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    reference, code = text_by_id(html, "case-reference"), text_by_id(html, "tracking-code")
    case = db.session.scalar(select(Case))
    assert case.reference == reference and case.tracking_code_hash == hash_code(code)
    assert case.screened_at is not None and case.search_text  # screened in the same transaction
    assert case.acceptance_due is not None and case.acceptance_due.isoformat() in html
    assert [e.action for e in db.session.scalars(select(CaseEvent))] == ["received"]
    assert _count(ReportFact) >= 1 and _count(ReportDirty) == 0 and _count(StagedCase) == 0


def test_the_acknowledgement_and_its_outbox_row_are_in_the_same_one_commit(client, catalogue):
    with committed_transactions() as committed:
        response = post_opinion(client, opinion())  # with an e-mail address
    assert response.status_code == 303
    recording = [tables for tables in committed if "feedback_case" in tables]
    assert len(recording) == 1, committed
    # The case, its inbound message and the acknowledgement, its events and the job to send it.
    assert recording[0].count("case_message") == 2 and "outbox" in recording[0]
    assert {"case_event", "report_fact"} <= set(recording[0])
    # After that commit only the job ran (in-process: no Redis), and it inserted nothing new.
    after = committed[committed.index(recording[0]) + 1:]
    assert all(not tables for tables in after), after
    item = db.session.scalar(select(OutboxItem).where(OutboxItem.job == "send_case_message"))
    assert item is not None and item.state == "done"
    acknowledgement = db.session.scalar(select(CaseMessage).where(CaseMessage.direction == "outbound"))
    assert acknowledgement.purpose == "acknowledgement" and acknowledgement.delivery_status == "sent"


def _facts() -> list[tuple]:
    columns = [c for c in ReportFact.__table__.columns if c.name != "id"]
    return sorted(tuple(row) for row in db.session.execute(select(*columns)))


def test_the_facts_written_from_memory_are_those_read_back_from_the_database(client, catalogue):
    from cases.reports.facts import write_facts

    post_opinion(client, opinion(email=None))
    post_opinion(client, opinion(email=None, problem="", anonymous="y", subject="举报",
                                         body="举报某单位负责人收受贿赂，利用职务便利为他人谋取利益。"))
    written = _facts()
    assert len({row[0] for row in written}) == 2
    write_facts(list(db.session.scalars(select(Case.id))))  # the same cases, read back by queries
    assert _facts() == written
    db.session.rollback()

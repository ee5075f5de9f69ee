"""The demo seed builds a realistic, repeatable history through the real services."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from cases.demo.seed import NOT_SENT, Seeder
from cases.extensions import db
from cases.models import Case, CaseEvent, CaseMessage, CaseRating, OutboxItem, StaffUser
from cases.triage.calendar import local_date
from tests.conftest import _empty_all_tables

pytestmark = pytest.mark.slow  # Seeds whole histories, twice.

UNTIL = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


def _history() -> list[tuple]:
    """Everything that must repeat: each case's facts and its events' actions and times."""
    cases = db.session.scalars(select(Case).order_by(Case.reference))
    rows = []
    for case in cases:
        events = db.session.execute(
            select(CaseEvent.action, CaseEvent.at).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)
        ).all()
        rows.append(
            (
                case.reference,
                case.channel,
                case.status,
                case.kind,
                case.subject,
                case.body,
                case.received_at,
                case.reply_due,
                case.department.code if case.department else None,
                tuple(events),
            )
        )
    return rows


# It empties the tables half-way, on a connection of its own, to seed the same history again.
@pytest.mark.committed
@pytest.mark.postgres_only
def test_forty_cases_cover_the_life_of_a_case_and_repeat(app, catalogue):
    result = Seeder(seed=7, until=UNTIL).run(40)
    assert result.failed == [] and result.cases == 40

    channels = set(db.session.scalars(select(Case.channel)))
    assert channels == {"web", "email", "letter", "phone"}
    statuses = set(db.session.scalars(select(Case.status)))
    assert {"received", "closed", "not_accepted", "duplicate", "out_of_scope", "replied"} <= statuses
    assert statuses & {"assigned", "answered", "office_review", "approved"}
    # Spread over the past months, none in the future.
    received = list(db.session.scalars(select(Case.received_at)))
    assert max(received) <= UNTIL and (UNTIL - min(received)).days >= 120
    assert db.session.scalar(select(func.max(CaseEvent.at))) <= UNTIL
    # Overdue now: an open case whose reply date has passed.
    today = local_date(UNTIL)
    overdue = db.session.scalar(
        select(func.count())
        .select_from(Case)
        .where(Case.status.in_(("assigned", "answered", "office_review", "approved")), Case.reply_due < today)
    )
    assert overdue >= 1
    levels = set(db.session.scalars(select(CaseRating.level)))
    assert len(levels) >= 3 and levels & {1, 2} and levels & {4, 5}
    actions = set(db.session.scalars(select(CaseEvent.action)))
    assert {
        "extension_requested",
        "extension_approved",
        "extension_refused",
        "return",
        "reassign",
        "request_review",
        "send_reply",
        "merge",
        "refer_out",
        "not_accept",
    } <= actions
    sealed = list(db.session.scalars(select(Case).where(Case.kind == "accusation")))
    assert sealed and all(case.confidential and case.department.code == "discipline" for case in sealed)
    # Staff were created; no e-mail was sent or left for a worker to send.
    assert db.session.scalar(select(func.count()).select_from(StaffUser)) >= 10
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(OutboxItem)
            .where(OutboxItem.job == "send_case_message", OutboxItem.state != "done")
        )
        == 0
    )
    assert (
        db.session.scalar(
            select(func.count()).select_from(OutboxItem).where(OutboxItem.last_error == NOT_SENT)
        )
        == result.silenced
        > 0
    )
    assert (
        db.session.scalar(
            select(func.count()).select_from(CaseMessage).where(CaseMessage.delivery_status == "queued")
        )
        == 0
    )

    first = _history()
    db.session.remove()
    _empty_all_tables(app)
    from cases.catalogue import bundled_notice_path, import_notice, read_notice_file

    import_notice(read_notice_file(bundled_notice_path()))
    db.session.commit()
    Seeder(seed=7, until=UNTIL).run(40)
    assert _history() == first
    Seeder(seed=8, until=UNTIL).run(3)  # another seed adds to it, with other texts
    assert db.session.scalar(select(func.count()).select_from(Case)) == 43


@pytest.mark.postgres_only
def test_the_command_seeds_with_a_progress_bar(runner, catalogue):
    result = runner.invoke(args=["demo", "seed", "--cases", "12", "--seed", "3", "--until", "2026-11-30"])
    assert result.exit_code == 0, result.output
    assert "seeding cases" in result.output and "seeded 12 case(s)" in result.output
    assert db.session.scalar(select(func.count()).select_from(Case)) == 12


def test_the_command_says_to_run_init_first(runner, app):
    result = runner.invoke(args=["demo", "seed", "--cases", "2"])
    assert result.exit_code == 1 and "flask --app wsgi init" in result.output

"""Reminders and escalation (issue 14, point 1): cases at various points of their clocks, a fixed
clock, the jobs run twice (and twice at once on PostgreSQL), the real SMTP server gets each once."""

from __future__ import annotations

import re
import subprocess
import threading
import time
from datetime import UTC, date, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from flask import Flask
from sqlalchemy import select

from cases.domain.deadlines import WorkingCalendar
from cases.domain.reminders import EIGHTY, HALF, OVERDUE, THREE_DAYS, reached, reminder_due
from cases.extensions import db, mail
from cases.handling.discipline_measures import ensure_default_measures
from cases.handling.reminders import run_reminders
from cases.handling.workspace import take_case
from cases.models import Case, CaseEvent, HolidayOverride, OutboxItem, Reminder, StaffUser
from cases.outbox import commit_and_dispatch, dispatch_pending
from cases.triage.calendar import current_calendar
from cases.triage.decisions import add_named_party
from cases.triage.routing import decide_extension, request_extension
from tests.cases.discipline_support import (
    ACCEPTED,
    ACCUSATION,
    SUBJECT,
    accepted_accusation,
    concluded,
)
from tests.cases.handling_support import assigned_case, people
from tests.cases.triage_support import login, new_case, setup_departments
from tests.conftest import PROJECT_ROOT
from tests.support.services import free_port, smtp_server

RUN = datetime(2024, 4, 15, 1, 0, tzinfo=UTC)  # Monday 09:00 in Shanghai, after the Qingming holiday
TODAY = date(2024, 4, 15)
REPLY_DAYS = 20


def _weekdays(day: date) -> bool | None:
    return day.weekday() < 5


def test_thresholds_are_pure_and_count_working_days_only() -> None:
    calendar = WorkingCalendar(_weekdays, {})
    start, due = date(2025, 1, 3), date(2025, 1, 31)  # a Friday; 20 working days later
    assert calendar.working_days_between(start, due) == 20
    assert reached(calendar, start, due, date(2025, 1, 16)) is None  # 9 of 20
    assert reached(calendar, start, due, date(2025, 1, 17)) == HALF  # 10 of 20
    assert reached(calendar, start, due, date(2025, 1, 27)) == EIGHTY  # 16 of 20, 4 left
    assert reached(calendar, start, due, date(2025, 1, 28)) == THREE_DAYS  # 3 left
    assert reached(calendar, start, due, date(2025, 1, 31)) == THREE_DAYS  # the due date itself
    assert reached(calendar, start, due, date(2025, 2, 1)) == OVERDUE
    # A holiday on the way: the same day has used one working day less.
    holiday = WorkingCalendar(_weekdays, {date(2025, 1, 10): False})
    assert reached(holiday, start, due, date(2025, 1, 17)) is None
    # Nothing is sent on a day off, whatever is reached; an adjusted working day (调休) sends.
    assert reminder_due(calendar, start, due, date(2025, 2, 1)) is None  # a Saturday
    weekend_work = WorkingCalendar(_weekdays, {date(2025, 2, 1): True})
    assert reminder_due(weekend_work, start, due, date(2025, 2, 1)) == OVERDUE


def _start_for(used: int, today: date = TODAY) -> datetime:
    """10:00 in Shanghai on the latest day from which ``used`` working days have passed by ``today``."""
    calendar, day = current_calendar(), today
    while calendar.working_days_between(day, today) < used:
        day -= timedelta(days=1)
    return datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC)


def _parsed(raw: bytes) -> EmailMessage:
    return message_from_bytes(raw, policy=policy.default)  # type: ignore[return-value]


def _staff_mail(smtp: object) -> list[tuple[list[str], EmailMessage]]:
    """The e-mails the server received for staff (not the notices to the people who wrote)."""
    found = []
    for _sender, rcpts, raw in smtp.messages:  # type: ignore[attr-defined]
        if all(address.endswith("@hqcbd.test") for address in rcpts):
            found.append((sorted(rcpts), _parsed(raw)))
    return found


Mails = list[tuple[list[str], EmailMessage]]


def _about(mails: Mails, reference: str) -> Mails:
    return [(rcpts, mail) for rcpts, mail in mails if f"[{reference}]" in str(mail["Subject"])]


def _run(now: datetime = RUN) -> str:
    result = run_reminders(now)
    commit_and_dispatch()
    return str(result)


def _staff(app: Flask) -> dict[str, StaffUser]:
    """The departments and staff of every role (committed), with the reply clock at REPLY_DAYS."""
    app.config["CLOCK_REPLY_DAYS"] = REPLY_DAYS
    setup_departments()
    return people()


def _taken(staff: dict[str, StaffUser], used: int) -> Case:
    """An economy division case taken by its handler, ``used`` working days into its reply clock."""
    case = assigned_case(staff["triager"], f"关于楼宇空置率的意见，第{used}号。", now=_start_for(used))
    take_case(case, actor=staff["handler"], now=_start_for(used))
    db.session.commit()
    return case


@pytest.fixture
def clocks(app: Flask, catalogue: object) -> dict[str, object]:
    """Staff of every role and cases at various points of their clocks (reply clock: 20 working days)."""
    staff = _staff(app)
    cases: dict[str, object] = {"staff": staff}
    for name, used in (("half", 10), ("eighty", 16), ("three", 18), ("over", 23), ("quiet", 5)):
        cases[name] = _taken(staff, used)
    cases["waiting"] = new_case("建议公开核心区楼宇出租率数据。", received_at=_start_for(8))  # 8 of 15
    cases["sealed"] = accepted_accusation(staff["inspector"]).case  # accepted 2024-03-04: overdue
    return cases


def test_each_reminder_goes_once_to_whose_turn_it_is(clocks: dict[str, Case], smtp: object, client) -> None:
    _run()
    first = _staff_mail(smtp)
    _run()  # the second run finds every reminder recorded: nothing more goes out
    assert len(_staff_mail(smtp)) == len(first)

    expected = {
        "half": (HALF, ["handler@hqcbd.test"]),
        "eighty": (EIGHTY, ["handler@hqcbd.test"]),
        "three": (THREE_DAYS, ["handler@hqcbd.test"]),
        "over": (OVERDUE, ["dept_head@hqcbd.test", "handler@hqcbd.test", "supervisor@hqcbd.test",
                           "triager@hqcbd.test"]),
        "waiting": (HALF, ["supervisor@hqcbd.test", "triager@hqcbd.test"]),
        "sealed": (OVERDUE, ["inspector@hqcbd.test", "supervisor@hqcbd.test"]),
    }
    for name, (kind, rcpts) in expected.items():
        case = clocks[name]
        sent = _about(first, case.reference)
        assert [r for r, _mail in sent] == [rcpts], name
        row = db.session.scalar(select(Reminder).where(Reminder.case_id == case.id))
        assert row is not None and row.kind == kind and row.state == "sent", name
    assert _about(first, clocks["quiet"].reference) == []

    # Each reminder shows on its case; the overdue one marks it.
    def actions(case: Case) -> list[str]:
        events = db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id))
        return [e.action for e in events if e.action.startswith(("reminder_", "marked_"))]

    assert actions(clocks["half"]) == ["reminder_half"]
    assert actions(clocks["eighty"]) == ["reminder_eighty"]
    assert actions(clocks["three"]) == ["reminder_three_days"]
    assert actions(clocks["over"]) == ["marked_overdue"]
    assert actions(clocks["waiting"]) == ["reminder_half"]

    # The timeline names them in the reader's language (Chinese by default).
    login(client, "triager")
    page = client.get(f"/staff/cases/{clocks['over'].reference}").get_data(as_text=True)
    assert "已逾期：已通知处室负责人和机关党委办公室 (答复)" in page
    assert "marked_overdue" not in page
    page = client.get(f"/staff/cases/{clocks['waiting'].reference}").get_data(as_text=True)
    assert "已发送提醒：办理时间已过半 (受理决定)" in page


def test_sealed_case_mail_carries_its_reference_only(clocks: dict[str, Case], smtp: object) -> None:
    _run()
    sealed = clocks["sealed"]
    [(_rcpts, mail)] = _about(_staff_mail(smtp), sealed.reference)
    text = str(mail["Subject"]) + mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert sealed.reference in text
    for secret in (SUBJECT, ACCUSATION[:8], "王科长", "李四", "reporter@example.test", "驻委纪检组",
                   "经济发展处"):
        assert secret not in text, secret
    assert mail["Auto-Submitted"] == "auto-generated"
    # An ordinary case names its subject and department for the handler.
    [(_rcpts, ordinary)] = _about(_staff_mail(smtp), clocks["half"].reference)
    assert "楼宇空置" in ordinary.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "答复期限" in str(ordinary["Subject"])  # Chinese by default


def test_digest_once_a_day_per_department_and_party_office(clocks: dict[str, Case], smtp: object) -> None:
    _run(RUN - timedelta(hours=2))  # 07:00 in Shanghai: before the digest hour
    assert not [m for _r, m in _staff_mail(smtp) if "每日汇总" in str(m["Subject"])]
    _run()
    _run(RUN + timedelta(hours=1))
    digests = [(rcpts, m) for rcpts, m in _staff_mail(smtp) if "每日汇总" in str(m["Subject"])]
    people_told = ("colleague", "dept_head", "handler", "inspector", "supervisor", "triager")
    assert sorted(r[0] for r, _m in digests) == [f"{key}@hqcbd.test" for key in people_told]
    by_person = {r[0]: m.get_body(("plain",)).get_content() for r, m in digests}  # type: ignore[union-attr]
    economy = by_person["handler@hqcbd.test"]
    for name in ("half", "eighty", "three", "over", "quiet"):
        assert clocks[name].reference in economy
    assert clocks["sealed"].reference not in economy
    office = by_person["triager@hqcbd.test"]  # overdue or nearly due, every department; no sealed case
    assert clocks["over"].reference in office and clocks["three"].reference in office
    assert clocks["half"].reference not in office and clocks["sealed"].reference not in office
    assert clocks["sealed"].reference in by_person["supervisor@hqcbd.test"]
    inspector = by_person["inspector@hqcbd.test"]
    assert clocks["sealed"].reference in inspector and SUBJECT not in inspector
    # The next working day brings the next digest.
    _run(RUN + timedelta(days=1))
    assert len([m for _r, m in _staff_mail(smtp) if "每日汇总" in str(m["Subject"])]) == 12


def test_holidays_respected(app: Flask, catalogue: object, smtp: object) -> None:
    staff = _staff(app)
    # Accepted on 2024-03-21: with Qingming (4-5 April off, Sunday 7 April worked) half the time has
    # passed on 7 April (10 working days), not on 4 April as weekends alone would have it.
    case = assigned_case(staff["triager"], now=datetime(2024, 3, 21, 2, 0, tzinfo=UTC))
    assert case.reply_due == date(2024, 4, 19)
    _run(datetime(2024, 4, 3, 1, 0, tzinfo=UTC))  # 9 of 20 working days
    _run(datetime(2024, 4, 4, 1, 0, tzinfo=UTC))  # a holiday: nothing is sent
    _run(datetime(2024, 4, 6, 1, 0, tzinfo=UTC))  # Saturday, also off
    assert _about(_staff_mail(smtp), case.reference) == []
    # An override kept by staff makes Sunday 7 April a day off as well.
    override = HolidayOverride(day=date(2024, 4, 7), is_working_day=False, note="test")
    db.session.add(override)
    db.session.commit()
    _run(datetime(2024, 4, 7, 1, 0, tzinfo=UTC))
    assert _about(_staff_mail(smtp), case.reference) == []
    db.session.delete(override)
    db.session.commit()
    _run(datetime(2024, 4, 7, 1, 0, tzinfo=UTC))  # the adjusted working day: the half reminder goes
    assert [str(m["Subject"]) for _r, m in _about(_staff_mail(smtp), case.reference)] == [
        f"[{case.reference}] 提醒：答复期限已过半"]


def test_embedded_command_runs_twice_and_sends_once(clocks: dict[str, Case], smtp: object, runner) -> None:
    for _ in range(2):
        result = runner.invoke(args=["reminders", "run", "--at", "2024-04-15T01:00"])
        assert result.exit_code == 0, result.output
    assert "0 reminder(s), 0 digest(s)" in result.output
    mails = _staff_mail(smtp)
    for name in ("half", "eighty", "three", "over", "waiting", "sealed"):
        assert len(_about(mails, clocks[name].reference)) == 1, name
    # --loop keeps running (bounded here by the hidden --rounds) and still sends nothing twice.
    result = runner.invoke(args=["reminders", "run", "--loop", "--interval", "0", "--rounds", "2",
                                 "--at", "2024-04-15T02:00"])
    assert result.exit_code == 0, result.output
    assert len(_staff_mail(smtp)) == len(mails)


def test_a_case_nobody_took_reminds_its_handlers(app: Flask, catalogue: object, smtp: object) -> None:
    staff = _staff(app)
    case = assigned_case(staff["triager"], now=_start_for(16))  # 80 %, no handler has taken it
    _run()
    [(rcpts, mail)] = _about(_staff_mail(smtp), case.reference)
    assert rcpts == ["colleague@hqcbd.test", "handler@hqcbd.test"]  # not the head, not another division
    assert "答复期限已过80%" in str(mail["Subject"])


def test_an_extension_starts_a_new_series(app: Flask, catalogue: object, smtp: object) -> None:
    staff = _staff(app)
    case = _taken(staff, 16)
    _run()
    first_due = case.reply_due
    request_extension(case, 10, actor=staff["handler"], now=RUN, reason="需要会同有关部门核实。")
    decide_extension(case, True, actor=staff["supervisor"], now=RUN, reason="同意。")
    db.session.commit()
    _run(RUN + timedelta(hours=1))
    _run(RUN + timedelta(hours=2))
    rows = db.session.scalars(select(Reminder).where(Reminder.case_id == case.id).order_by(Reminder.id))
    assert [(row.kind, row.due) for row in rows] == [(EIGHTY, first_due), (HALF, case.reply_due)]
    assert len(_about(_staff_mail(smtp), case.reference)) == 2  # 16 of 30 working days: half, once


def test_nobody_named_in_an_accusation_is_told(app: Flask, catalogue: object, smtp: object) -> None:
    staff = _staff(app)
    case = accepted_accusation(staff["inspector"]).case
    add_named_party(case, actor=staff["inspector"], now=ACCEPTED, staff_user=staff["supervisor"])
    db.session.commit()
    _run()
    [(rcpts, _mail)] = _about(_staff_mail(smtp), case.reference)
    assert rcpts == ["inspector@hqcbd.test"]  # the supervisor it names is neither told nor sent a digest
    assert not [m for r, m in _staff_mail(smtp) if r == ["supervisor@hqcbd.test"]]


def test_a_mail_server_outage_delays_a_reminder_and_loses_nothing(app: Flask, catalogue: object) -> None:
    staff = _staff(app)
    case = _taken(staff, 10)
    _use_smtp(app, free_port())  # nothing listens there
    _run()
    _run(RUN + timedelta(minutes=5))  # recorded already: not recorded or queued again
    db.session.expire_all()
    [row] = db.session.scalars(select(Reminder).where(Reminder.case_id == case.id))
    assert (row.state, row.attempts) == ("queued", 1)
    items = db.session.scalars(select(OutboxItem).where(OutboxItem.job == "send_reminder"))
    [item] = [found for found in items if found.args == {"reminder_id": row.id}]
    assert item.state == "enqueued" and "ConnectionRefusedError" in item.last_error
    with smtp_server() as (port, handler):
        _use_smtp(app, port)
        item.enqueued_at -= timedelta(seconds=10)  # the first backoff interval has passed
        db.session.commit()
        assert dispatch_pending() >= 1  # the sweep sends it
        # To staff only (the person's own 受理告知, held up by the same outage, goes out too).
        subjects = [str(_parsed(raw)["Subject"]) for _sender, rcpts, raw in handler.messages
                    if all(r.endswith("@hqcbd.test") for r in rcpts)]
        assert [subject for subject in subjects if f"[{case.reference}]" in subject] == [
            f"[{case.reference}] 提醒：答复期限已过半"]
    db.session.expire_all()
    assert db.session.get(Reminder, row.id).state == "sent"


def _use_smtp(app: Flask, port: int) -> None:
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_SUPPRESS_SEND=False)
    mail.init_app(app)  # Flask-Mail reads its settings when it is initialised


def test_report_back_clock_reminds_the_discipline_group(app: Flask, catalogue: object, smtp: object) -> None:
    setup_departments()
    ensure_default_measures()  # the measures a concluding step names
    staff = people()
    found = accepted_accusation(staff["inspector"])
    concluded(found, now=ACCEPTED)  # closed on 2024-03-04: report back due 15 working days later
    case = found.case
    assert case.status == "closed" and case.report_back_due is not None
    _run()
    [(rcpts, mail)] = _about(_staff_mail(smtp), case.reference)
    assert rcpts == ["inspector@hqcbd.test", "supervisor@hqcbd.test"]
    assert "向举报人反馈" in str(mail["Subject"]) and SUBJECT not in mail.get_body(("plain",)).get_content()
    events = db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id,
                                                        CaseEvent.action == "marked_overdue"))
    assert [e.detail["clock"] for e in events] == ["report_back"]
    # Reported back: the clock stops, and no later run reminds of it.
    case.reported_back_at = RUN
    db.session.commit()
    _run(RUN + timedelta(days=1))
    assert len(_about(_staff_mail(smtp), case.reference)) == 1


def test_the_rq_entry_point_runs_in_a_worker_and_sends_nothing_twice(app: Flask, catalogue: object,
                                                                    subprocess_env, redis_url) -> None:
    from redis import Redis
    from rq import Queue

    staff = _staff(app)
    case = _taken(staff, 23)  # overdue by now, whatever day the test runs
    queue_name = f"reminders-{time.monotonic_ns()}"
    queue = Queue(queue_name, connection=Redis.from_url(redis_url))
    results = []
    for _ in range(2):
        job = queue.enqueue("wsgi.send_reminders")
        worker = subprocess.run(
            [str(PROJECT_ROOT / ".venv" / "bin" / "rq"), "worker", "--burst", "--worker-class",
             "rq.worker.SimpleWorker", "--url", redis_url, queue_name],
            cwd=PROJECT_ROOT, env=subprocess_env, capture_output=True, text=True, timeout=120, check=False)
        assert worker.returncode == 0, worker.stdout + worker.stderr
        job.refresh()
        results.append(job.return_value())
    assert all(re.fullmatch(r"\d+ reminder\(s\), \d+ digest\(s\), \d+ already sent", str(r)) for r in results)
    assert results[1].startswith("0 reminder(s), 0 digest(s)")  # the second run finds them recorded
    db.session.expire_all()
    marks = db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id,
                                                       CaseEvent.action == "marked_overdue")).all()
    rows = db.session.scalars(select(Reminder).where(Reminder.case_id == case.id)).all()
    assert len(marks) == len(rows) <= 1  # one on a working day, none on a day off


# Two runs in threads, each with its own connection.
@pytest.mark.committed
@pytest.mark.postgres_only
def test_two_runs_at_once_send_each_reminder_once(app: Flask, clocks: dict[str, Case], smtp: object) -> None:
    barrier, errors = threading.Barrier(2), []

    def worker() -> None:
        try:
            with app.app_context():
                barrier.wait()
                _run()
                db.session.remove()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    mails = _staff_mail(smtp)
    for name in ("half", "eighty", "three", "over", "waiting", "sealed"):
        assert len(_about(mails, clocks[name].reference)) == 1, name
    assert len([m for _r, m in mails if "每日汇总" in str(m["Subject"])]) == 6
    db.session.expire_all()
    events = db.session.scalars(select(CaseEvent).where(CaseEvent.action.in_(
        ("reminder_half", "reminder_eighty", "reminder_three_days", "marked_overdue"))))
    assert len(list(events)) == 6

"""Drive demo cases through their lives with the real services, each step on its own past date.

The services take the clock as an argument (``now``), as the tests pass it: every step gets a moment
in office hours after the previous one, and a case stops where its next step would fall after the
end of the history (``until``), so recent cases are still open and old unanswered ones overdue.
One commit per case (a long seed keeps what it has done). E-mails the services queue are never sent:
see ``silence_outbox``.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update

from cases.catalogue import current_plan_id
from cases.demo import texts
from cases.demo.plan import CasePlan, later, make_plans, work_time
from cases.demo.staff import DemoStaff, ensure_demo_staff
from cases.domain import states
from cases.domain.reply_points import ReplyPoint
from cases.extensions import db
from cases.handling import approval, discipline, drafts, ratings, sending
from cases.intake import NewCase, record_case
from cases.mailer import GROUP_JOB
from cases.models import Area, Case, CaseMessage, OutboxItem, Problem
from cases.outbox import flush_until_clean
from cases.triage import decisions, links, routing
from cases.triage.access import case_is_sealed
from cases.triage.calendar import configured_clocks, local_date
from cases.triage.workflow import TriageError, change_status

NOT_SENT = "demo seed: not sent"


class DemoError(RuntimeError):
    """The demo cannot be seeded (no catalogue); the message says what to run first."""


@dataclass
class SeedResult:
    """What the seed did: cases written, by final status, and the failures (none expected)."""

    cases: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    failed: list[str] = field(default_factory=list)
    silenced: int = 0


class _Stop(Exception):
    """The case's next step would fall after the end of the history: it stays where it is."""


def _catalogue() -> list[tuple[Problem, list[str]]]:
    plan_id = current_plan_id()
    if plan_id is None:
        raise DemoError("no rectification catalogue: run `flask --app wsgi init` first")
    problems = db.session.scalars(
        select(Problem).join(Area).where(Area.plan_id == plan_id).order_by(Area.number, Problem.number)
    )
    return [(problem, [task.headline for task in problem.tasks]) for problem in problems]


class _CaseRun:
    """One case's life: a private random stream, a moving clock, the staff who act."""

    def __init__(self, seeder: Seeder, plan: CasePlan) -> None:
        self.seeder, self.plan, self.team = seeder, plan, seeder.team
        self.rng = random.Random(f"{seeder.seed}:{plan.index}")
        self.now = plan.received_at
        self.case: Case | None = None

    def wait(self, low: int, high: int) -> datetime:
        """Move the clock on; stop the case here when that is after the end of the history."""
        moment = later(self.now, self.rng, low, high)
        if moment > self.seeder.until:
            raise _Stop
        self.now = moment
        return moment

    # -- intake and triage -------------------------------------------------------------------
    def receive(self) -> Case:
        plan, rng = self.plan, self.rng
        problem, tasks = rng.choice(self.seeder.problems)
        task = rng.choice(tasks) if tasks else problem.title
        if plan.scenario == "accusation":
            division = rng.choice([d for d in self.team.handlers if d != "party_office"])
            opinion = texts.accusation(rng, self.team.heads[division].departments[0].name_zh)
        elif plan.scenario == "out_of_scope":
            opinion = texts.out_of_scope(rng)
        else:
            write = {"suggestion": texts.suggestion, "enquiry": texts.enquiry, "claim": texts.claim}[
                plan.kind
            ]
            opinion = write(rng, problem.title, task)
        self.problem = problem
        number = self.seeder.first_number + plan.index
        email = f"citizen{number}@{rng.choice(['example.com', 'example.net', 'example.org'])}"
        typed_in = plan.channel in ("letter", "phone")
        entered = later(plan.received_at, rng, 0, 1) if plan.channel == "letter" else plan.received_at
        entered = min(entered, self.seeder.until)
        recorded = record_case(
            NewCase(
                channel=plan.channel,
                body=opinion.body,
                subject=opinion.subject,
                received_at=plan.received_at,
                submitter_name="" if plan.anonymous else texts.person_name(rng),
                submitter_email=email if plan.with_email else "",
                submitter_phone=texts.phone_number(rng)
                if plan.channel == "phone" or rng.random() < 0.4
                else "",
                anonymous=plan.anonymous,
                consent=True,
                problem_codes=(problem.code,) if plan.channel == "web" and rng.random() < 0.6 else (),
                message_id=f"<demo-{self.seeder.seed}-{number}@mail.example.com>"
                if plan.channel == "email"
                else None,
                sender=email if plan.channel == "email" else "",
            ),
            now=entered,
            actor=self.team.triager if typed_in else None,
        )
        self.now = entered
        self.case = recorded.case
        return recorded.case

    def triage(self, case: Case) -> bool:
        """Decide the case; True when it was accepted for an ordinary department."""
        team, plan, rng = self.team, self.plan, self.rng
        self.wait(0, 3)
        if plan.scenario == "accusation":
            if not case_is_sealed(case):
                decisions.mark_accusation(case, actor=team.triager, now=self.now, reason="来信举报具体人员")
            decisions.accept(case, actor=team.inspector, now=self.now)
            self.discipline_track(case)
            return False
        if case_is_sealed(case):  # the classifier's false alarm: the inspector unseals it
            decisions.unmark_accusation(
                case,
                plan.kind,
                actor=team.inspector,
                now=self.now,
                reason="不涉及具体人员，按一般意见建议办理",
            )
        if plan.scenario == "not_accepted":
            decisions.not_accept(
                case, actor=team.triager, now=self.now, reason=rng.choice(texts.REASONS_NOT_ACCEPTED)
            )
            return False
        if plan.scenario == "out_of_scope":
            decisions.refer_out(
                case, actor=team.triager, now=self.now, referred_to=rng.choice(texts.REFER_TO)
            )
            return False
        if plan.scenario == "duplicate" and self.seeder.merge_targets:
            target = db.session.get(Case, rng.choice(self.seeder.merge_targets))
            assert target is not None
            decisions.merge(case, target, actor=team.triager, now=self.now, reason="同一人反映同一事项")
            return False
        if not case.problems and rng.random() < 0.9:
            task = rng.choice(self.problem.tasks) if self.problem.tasks else None
            links.link_problem(case, self.problem, actor=team.triager, now=self.now, task=task)
        kind = plan.kind if plan.scenario != "duplicate" else "suggestion"
        decisions.accept(case, actor=team.triager, now=self.now, kind=kind)
        self.seeder.merge_targets.append(case.id)
        return True

    def discipline_track(self, case: Case) -> None:
        inspector = self.team.inspector
        self.wait(2, 10)
        discipline.record_step(
            case, "preliminary_check", local_date(self.now), "已开展初步核实。", actor=inspector, now=self.now
        )
        if self.rng.random() < 0.5:
            return
        self.wait(5, 25)
        discipline.record_step(
            case, "concluded", local_date(self.now), "予以了结。", actor=inspector, now=self.now
        )
        discipline.conclude(case, "经核查，反映问题部分属实，已按规定处理。", actor=inspector, now=self.now)

    # -- the department ----------------------------------------------------------------------
    def other_department(self, case: Case) -> str:
        choices = [code for code in self.team.handlers if case.department and code != case.department.code]
        return self.rng.choice(sorted(choices))

    def side_paths(self, case: Case) -> None:
        team, plan = self.team, self.plan
        if plan.returned:
            self.wait(1, 2)
            other = self.other_department(case)
            routing.return_case(case, actor=self.handler(case), now=self.now, reason="该事项不属于本部门职责")
            self.wait(0, 2)
            decisions.accept(
                case,
                actor=team.triager,
                now=self.now,
                reason="根据退回理由改派",
                department=team.heads[other].departments[0],
            )
        if plan.transferred:
            self.wait(1, 3)
            target = team.heads[self.other_department(case)].departments[0]
            routing.override_route(
                case, target, actor=team.triager, now=self.now, reason="涉及多个部门，改由主办部门办理"
            )

    def handler(self, case: Case):  # noqa: ANN201 - a StaffUser
        return self.team.handlers[case.department.code]  # type: ignore[union-attr]

    def extension(self, case: Case) -> None:
        if not self.plan.extension:
            return
        self.wait(5, 20)
        routing.request_extension(
            case,
            self.rng.choice([10, 15, 20, 30]),
            actor=self.handler(case),
            now=self.now,
            reason="需要会同其他部门现场核实",
        )
        self.wait(0, 3)
        decisions_reason = (
            "理由充分，同意延期" if self.plan.extension == "approved" else "事项较简单，应按期答复"
        )
        routing.decide_extension(
            case,
            self.plan.extension == "approved",
            actor=self.team.triager,
            now=self.now,
            reason=decisions_reason,
        )

    def reply_round(self, case: Case, stop: str = "") -> None:
        """Draft, submit, approve (and the party office's approval), send; ``stop`` after a stage."""
        handler = self.handler(case)
        self.wait(3, 20)
        points = drafts.person_points(case)[:3] or [case.subject or "您的意见"]
        drafts.save_draft(
            case,
            drafts.DraftInput(
                opening=f"{case.submitter_name or '您好'}：您反映的问题收悉，现答复如下。",
                points=[ReplyPoint(point, self.rng.choice(texts.ANSWERS)) for point in points],
                closing="感谢您对整改工作的监督。",
            ),
            actor=handler,
            now=self.now,
        )
        if stop == "drafted":
            return
        self.wait(0, 2)
        approval.submit_for_approval(case, actor=handler, now=self.now)
        if stop == "submitted":
            return
        self.wait(1, 3)
        approval.approve(case, actor=self.team.heads[case.department.code], now=self.now)  # type: ignore[union-attr]
        if stop == "endorsed":
            return
        if case.status == states.OFFICE_REVIEW:
            self.wait(0, 2)
            approval.approve(case, actor=self.team.supervisor, now=self.now)
        if stop == "approved":
            return
        self.wait(0, 2)
        method = sending.default_method(case)
        recorded = method in sending.RECORDED_METHODS
        sending.send_reply(
            case,
            actor=self.team.triager,
            now=self.now,
            method=method,
            answered_on=local_date(self.now) if recorded else None,
            note="已电话告知答复内容" if recorded else "",
        )

    def rate(self, case: Case, level: int) -> None:
        self.wait(1, 8)
        by_phone = not sending.can_email(case)
        ratings.rate_reply(
            case,
            level,
            texts.rating_comment(level),
            now=self.now,
            actor=self.team.triager if by_phone else None,
        )

    def close_unrated(self, case: Case) -> None:
        assert case.rating_due is not None
        moment = work_time(case.rating_due + timedelta(days=1), self.rng)
        if moment > self.seeder.until:
            raise _Stop
        self.now = moment
        days = configured_clocks().rating_wait_days
        # What the nightly job (ratings.close_unrated_cases) does, on the day it would have run.
        change_status(
            case, "close", actor=None, now=moment, reason=f"no rating within {days} working days of the reply"
        )

    def run(self) -> None:
        case = self.receive()
        if self.plan.scenario == "untriaged" or not self.triage(case):
            return
        plan = self.plan
        self.side_paths(case)
        if plan.scenario == "overdue":
            if self.rng.random() < 0.5:
                self.wait(2, 10)
                drafts.save_draft(
                    case,
                    drafts.DraftInput(opening="正在核实，稍后答复。"),
                    actor=self.handler(case),
                    now=self.now,
                )
            return
        if plan.stop == "accepted" and plan.scenario == "in_progress":
            return
        self.extension(case)
        self.reply_round(case, plan.stop if plan.scenario == "in_progress" else "")
        if plan.scenario in ("in_progress", "replied"):
            return
        if plan.scenario == "unrated_closed":
            self.close_unrated(case)
            return
        if plan.scenario == "review":
            self.rate(case, self.rng.choice([1, 2]))
            self.reply_round(case)
            self.rate(case, self.rng.choice([1, 2, 3, 4, 5]))
            if case.status == states.RE_REVIEW or case.status == states.ASSIGNED:
                self.reply_round(case)
                self.rate(case, self.rng.choice([2, 3, 4]))
            return
        self.rate(case, self.rng.choices([5, 4, 3], weights=[45, 35, 20])[0])


class Seeder:
    """Seeds ``count`` cases ending at ``until``, spread over ``months`` months."""

    def __init__(self, *, seed: int, until: datetime, months: int = 6) -> None:
        self.seed, self.until, self.months = seed, until.astimezone(UTC), months
        self.merge_targets: list[int] = []

    def run(self, count: int, on_case: Callable[[], None] = lambda: None) -> SeedResult:
        """Seed the cases (one commit each), then keep their e-mails from being sent."""
        self.problems = _catalogue()
        self.team: DemoStaff = ensure_demo_staff()
        db.session.commit()
        self.first_number = (db.session.scalar(select(func.count(Case.id))) or 0) + 1
        first_outbox = db.session.scalar(select(func.max(OutboxItem.id))) or 0
        result = SeedResult()
        for plan in make_plans(count, self.seed, self.until, self.months):
            try:
                _CaseRun(self, plan).run()
            except _Stop:
                pass
            except (TriageError, ValueError) as error:
                db.session.rollback()
                result.failed.append(f"case {plan.index} ({plan.scenario}): {error}")
                on_case()
                continue
            flush_until_clean()
            db.session.commit()
            result.cases += 1
            on_case()
        result.silenced = silence_outbox(first_outbox)
        db.session.commit()
        rows = db.session.execute(select(Case.status, func.count()).group_by(Case.status))
        result.statuses = {status: number for status, number in rows}
        return result


def silence_outbox(after_id: int) -> int:
    """Mark the e-mails the seed queued as done without sending them (their outbox rows say so, the
    messages read as sent), so that no worker or sweep ever mails the made-up addresses."""
    items = list(
        db.session.scalars(
            select(OutboxItem).where(
                OutboxItem.id > after_id, OutboxItem.job.in_(("send_case_message", GROUP_JOB)),
                OutboxItem.state == "pending",
            )
        )
    )
    # A single message's job names it; a group's job (several in one flush) names them all.
    message_ids = [int(i) for item in items for i in [item.args.get("message_id", 0),
                                                       *item.args.get("message_ids", [])]]
    now = datetime.now(UTC)
    for item in items:
        item.state, item.done_at, item.last_error = "done", now, NOT_SENT
    if message_ids:
        db.session.execute(
            update(CaseMessage)
            .where(CaseMessage.id.in_(message_ids), CaseMessage.delivery_status == "queued")
            .values(delivery_status="sent")
        )
    return len(items)

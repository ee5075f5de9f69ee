"""Staff case pages: the inbox, one case (thread, timeline, decisions), attachment downloads."""

from __future__ import annotations

from flask import Response, abort, current_app, render_template, request, session
from flask_babel import get_locale
from flask_login import current_user, login_required
from sqlalchemy import select

from cases.domain import clocks as clock_rules
from cases.domain.filenames import content_disposition
from cases.domain.states import CHANNELS, KINDS, STATUSES, running_clock, running_due
from cases.extensions import db
from cases.handling.actions import available_actions
from cases.models import Attachment, Case, CaseMessage, Department, StaffUser
from cases.models.types import utcnow
from cases.notice_templates import notice_title
from cases.outbox import commit_and_dispatch
from cases.secret_box import unseal
from cases.staff import staff_bp
from cases.staff.labels import (
    actor_label,
    channel_label,
    clock_label,
    days_left_words,
    delivery_label,
    event_label,
    event_reason,
    kind_label,
    rating_label,
    status_label,
)
from cases.staff.panels import panels_for
from cases.triage import access
from cases.triage.calendar import current_calendar, local_date
from cases.triage.inbox import InboxFilters, count_badges, inbox_page
from cases.triage.links import current_problems
from cases.triage.locks import holder, take_lock
from cases.triage.workflow import note_event

NEW_CODE_KEY = "new_case_code"  # session: the code of a case just typed in, sealed


def pop_new_case_code(reference: str) -> str | None:
    """The tracking code of the case just typed in, once, on its own page (then forgotten)."""
    waiting = session.get(NEW_CODE_KEY)
    if not isinstance(waiting, dict) or waiting.get("reference") != reference:
        return None
    session.pop(NEW_CODE_KEY)
    return unseal(waiting.get("code"))


def me() -> StaffUser:
    """The logged-in staff user."""
    return current_user  # type: ignore[return-value]


def department_name(department: Department | None) -> str:
    """A department's name in the page language."""
    if department is None:
        return ""
    return department.name_zh if get_locale().language == "zh" else department.name_en


def visible_case_or_404(reference: str) -> Case:
    """The case if this user may see it; 404 otherwise, so that a reference tells nothing."""
    case = db.session.scalar(select(Case).where(Case.reference == reference))
    if case is None or not access.can_view(me(), case):
        abort(404)
    return case


def log_sealed_view(case: Case, what: str, user: StaffUser | None = None) -> None:
    """Every look at a sealed case (or one still held for screening) is written to its trail, by
    ``user`` (default: the signed-in one; the API passes its token's user)."""
    if access.case_is_sealed(case) or access.case_is_held(case):
        note_event(case, "viewed", actor=user or me(), now=utcnow(), detail={"what": what})


def _template_helpers() -> dict[str, object]:
    return {
        "status_label": status_label,
        "kind_label": kind_label,
        "channel_label": channel_label,
        "department_name": department_name,
        "event_label": event_label,
        "delivery_label": delivery_label,
        "actor_label": actor_label,
        "event_reason": event_reason,
        "rating_label": rating_label,
        "clock_label": clock_label,
        "notice_title": notice_title,
        "days_left_words": days_left_words,
        "running_due": lambda case: running_due(case.status, case.acceptance_due, case.reply_due),
    }


@staff_bp.route("/cases")
@login_required
def inbox() -> str:
    """Every case this user may see, newest first, with filters, search and count badges."""
    filters = InboxFilters.from_args(request.args)
    today = local_date(utcnow())
    page = inbox_page(me(), filters, today, int(current_app.config["INBOX_PAGE_SIZE"]))
    sees_sealed = bool(me().roles & access.SEALED_DECISION_ROLES)
    departments = list(
        db.session.scalars(select(Department).where(Department.active.is_(True)).order_by(Department.id))
    )
    problems = [problem.code for problem in current_problems()]
    return render_template(
        "staff/inbox.html",
        page=page,
        filters=filters,
        badges=count_badges(me(), today),
        today=today,
        statuses=STATUSES,
        channels=CHANNELS,
        kinds=KINDS,
        departments=departments,
        problems=problems,
        sees_sealed=sees_sealed,
        is_overdue=clock_rules.is_overdue,
        **_template_helpers(),
    )


@staff_bp.route("/cases/<reference>")
@login_required
def case_page(reference: str) -> str:
    """One case: summary, contact (for roles that need it), suggestions, thread, timeline, decisions."""
    return render_case(visible_case_or_404(reference))[0]


def render_case(case: Case, *, refusal: str = "", kept: dict[str, dict[str, str]] | None = None,
                status: int = 200) -> tuple[str, int]:
    """The case page, also after a refused decision: then with the refusal and what was typed.

    Whoever the case waits for (access.whose_turn) takes the edit lock by opening it; a colleague's
    lock disables the forms and says by whom and until when.
    """
    now = utcnow()
    user = me()
    may_triage = access.can_triage(user, case)
    for_department = access.acts_for_department(user, case)
    if access.whose_turn(user, case):
        colleague = take_lock(case, user, now, int(current_app.config["EDIT_LOCK_MINUTES"]))
    else:
        colleague = holder(case, now)
        colleague = colleague if colleague is not None and colleague.id != user.id else None
    log_sealed_view(case, "case page")
    commit_and_dispatch()
    messages = list(
        db.session.scalars(
            select(CaseMessage)
            .where(CaseMessage.case_id == case.id)
            .order_by(CaseMessage.created_at, CaseMessage.id)
        )
    )
    duplicate_of = db.session.get(Case, case.duplicate_of_id) if case.duplicate_of_id else None
    departments = list(
        db.session.scalars(select(Department).where(Department.active.is_(True)).order_by(Department.id))
    )
    problems = current_problems()
    page = render_template(
        "staff/case.html",
        case=case,
        # The discipline track's records (steps, report back) are the discipline group's alone.
        messages=access.shown_messages(user, case, messages),
        events=access.shown_events(user, case, case.events),
        colleague=colleague,
        locked=colleague is not None,
        may_triage=may_triage,
        for_department=for_department,
        sealed=access.case_is_sealed(case),
        held=access.case_is_held(case),
        show_contact=access.can_see_contact(user, case),
        actions=available_actions(user, case, now),
        refusal=refusal,
        kept=kept or {},
        duplicate_of=duplicate_of,
        departments=departments,
        problems=problems,
        kinds=KINDS,
        running_clock=running_clock(case.status),
        days_left=clock_rules.working_days_left(
            current_calendar(), running_due(case.status, case.acceptance_due, case.reply_due),
            local_date(now)),
        today=local_date(now),
        new_code=pop_new_case_code(case.reference),
        panels=panels_for(user, case, now),
        **_template_helpers(),
    )
    return page, status


@staff_bp.route("/cases/<reference>/attachments/<int:attachment_id>")
@login_required
def attachment(reference: str, attachment_id: int) -> Response:
    """An attachment, always as a download: never rendered by the browser (HTML included)."""
    case = visible_case_or_404(reference)
    found = db.session.scalar(
        select(Attachment)
        .join(CaseMessage)
        .where(Attachment.id == attachment_id, CaseMessage.case_id == case.id)
    )
    if found is None:
        abort(404)
    log_sealed_view(case, f"attachment {found.id}")
    commit_and_dispatch()
    response = Response(found.data, mimetype="application/octet-stream")
    response.headers["Content-Disposition"] = content_disposition(found.filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response

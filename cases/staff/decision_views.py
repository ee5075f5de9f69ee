"""Staff decisions on a case: one POST endpoint per decision, each committing once."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from cases.domain.states import IllegalTransition
from cases.domain.text_input import clean_text, parse_id
from cases.domain.tracking import REFERENCE_RE
from cases.extensions import db
from cases.handling import approval, workspace
from cases.i18n import N_
from cases.models import Case, Department, Problem, StaffUser, Task
from cases.models.types import utcnow
from cases.outbox import commit_and_dispatch
from cases.staff import staff_bp
from cases.staff.case_views import me, render_case, visible_case_or_404
from cases.staff.labels import status_label
from cases.triage import access, decisions, links, routing
from cases.triage.locks import holder, release_lock
from cases.triage.workflow import TriageError

TRIAGE = "triage"
DEPARTMENT = "department"
ANY_HANDLER = "any"
HANDLING = "handling"  # the handling services judge who may (cases.triage.access through them)


# How a decision reads a field of its form: the staff page's POST form, or the API's JSON body.
Field = Callable[[str], str]


def form_field(values: Mapping[str, object]) -> Field:
    """A reader of ``values`` (a POST form or a JSON object): every value cleaned like a form's text."""

    def read(name: str) -> str:
        raw = values.get(name)
        if raw is None or isinstance(raw, bool):
            return ""
        if isinstance(raw, int | float):
            raw = str(raw)
        return clean_text(raw if isinstance(raw, str) else "").strip()

    return read


def _department(code: str) -> Department:
    found = db.session.scalar(select(Department).where(Department.code == code, Department.active.is_(True)))
    if found is None:
        raise TriageError(_("Choose a department."))
    return found


def _problem(code: str) -> Problem:
    found = links.problem_by_code(code)
    if found is None:
        raise TriageError(_("Choose a rectification problem."))
    return found


def _task(problem: Problem, raw: str) -> Task | None:
    if not raw:
        return None
    task_id = parse_id(raw)
    task = db.session.get(Task, task_id) if task_id is not None else None
    if task is None or task.problem_id != problem.id:
        raise TriageError(_("That task belongs to another problem."))
    return task


def _accept(case: Case, user: StaffUser, field: Field) -> None:
    code = field("department")
    decisions.accept(
        case,
        actor=user,
        now=utcnow(),
        kind=field("kind") or None,
        department=_department(code) if code else None,
        reason=field("reason"),
    )


def _merge(case: Case, user: StaffUser, field: Field) -> None:
    target = db.session.scalar(select(Case).where(Case.reference == field("target").upper()))
    if target is None or not access.can_view(user, target):
        raise TriageError(_("No case with that reference."))
    decisions.merge(case, target, actor=user, now=utcnow(), reason=field("reason"))


def _link(case: Case, user: StaffUser, field: Field) -> None:
    # "1.1" links the problem, "1.1:42" the problem and its task 42 (task rules route first).
    code, _sep, task_id = (field("item") or field("problem")).partition(":")
    problem = _problem(code)
    links.link_problem(case, problem, actor=user, now=utcnow(), task=_task(problem, task_id))


def _named_party(case: Case, user: StaffUser, field: Field) -> None:
    staff = None
    if field("staff_email"):
        staff = db.session.scalar(select(StaffUser).where(StaffUser.email == field("staff_email").lower()))
        if staff is None:
            raise TriageError(_("No staff account with that e-mail address."))
    code = field("department")
    decisions.add_named_party(
        case,
        actor=user,
        now=utcnow(),
        name=field("name"),
        staff_user=staff,
        department=_department(code) if code else None,
    )


def _extension_days(field: Field) -> int:
    raw = field("days")
    if not raw.isascii() or not raw.isdigit() or len(raw) > 4:
        raise TriageError(_("Give the number of working days."))
    return int(raw)


# action name → (who may take it, what it does, the confirmation shown)
ACTIONS: dict[str, tuple[str, Callable[[Case, StaffUser, Field], object], str]] = {
    "accept": (TRIAGE, _accept, N_("The case was accepted and routed.")),
    "not_accept": (
        TRIAGE,
        lambda c, u, f: decisions.not_accept(c, actor=u, now=utcnow(), reason=f("reason")),
        N_("The case was not accepted."),
    ),
    "refer_out": (
        TRIAGE,
        lambda c, u, f: decisions.refer_out(
            c, actor=u, now=utcnow(), referred_to=f("referred_to"), reason=f("reason")
        ),
        N_("The case was referred elsewhere."),
    ),
    "merge": (TRIAGE, _merge, N_("The case was merged.")),
    "link": (TRIAGE, _link, N_("The rectification item was linked.")),
    "unlink": (
        TRIAGE,
        lambda c, u, f: links.unlink_problem(c, _problem(f("problem")), actor=u, now=utcnow()),
        N_("The rectification item was unlinked."),
    ),
    "set_kind": (
        TRIAGE,
        lambda c, u, f: decisions.set_kind(c, f("kind"), actor=u, now=utcnow(), reason=f("reason")),
        N_("The kind was saved."),
    ),
    "mark_accusation": (
        TRIAGE,
        lambda c, u, f: decisions.mark_accusation(c, actor=u, now=utcnow(), reason=f("reason")),
        N_("The case is now a sealed accusation."),
    ),
    "unmark_accusation": (
        TRIAGE,
        lambda c, u, f: decisions.unmark_accusation(
            c, f("kind"), actor=u, now=utcnow(), reason=f("reason")
        ),
        N_("The case is no longer sealed."),
    ),
    "reroute": (
        TRIAGE,
        lambda c, u, f: routing.override_route(
            c, _department(f("department")), actor=u, now=utcnow(), reason=f("reason")
        ),
        N_("The case was sent to another department."),
    ),
    "decide_extension": (
        TRIAGE,
        lambda c, u, f: routing.decide_extension(
            c, f("decision") == "approve", actor=u, now=utcnow(), reason=f("reason")
        ),
        N_("The extension request was decided."),
    ),
    "named_party": (TRIAGE, _named_party, N_("The named party was recorded.")),
    "return": (
        DEPARTMENT,
        lambda c, u, f: routing.return_case(c, actor=u, now=utcnow(), reason=f("reason")),
        N_("The case was returned to the party office."),
    ),
    "request_extension": (
        DEPARTMENT,
        lambda c, u, f: routing.request_extension(
            c, _extension_days(f), actor=u, now=utcnow(), reason=f("reason")
        ),
        N_("The extension was requested."),
    ),
    "take": (
        HANDLING,
        lambda c, u, f: workspace.take_case(c, actor=u, now=utcnow()),
        N_("You now handle this case."),
    ),
    "submit": (
        HANDLING,
        lambda c, u, f: approval.submit_for_approval(c, actor=u, now=utcnow()),
        N_("The reply was submitted for approval."),
    ),
    "approve": (
        HANDLING,
        lambda c, u, f: approval.approve(c, actor=u, now=utcnow(), comment=f("reason")),
        N_("The reply was approved."),
    ),
    "send_back": (
        HANDLING,
        lambda c, u, f: approval.send_back(c, actor=u, now=utcnow(), comment=f("reason")),
        N_("The reply was sent back to the department with your comment."),
    ),
    "note": (
        ANY_HANDLER,
        lambda c, u, f: decisions.add_note(c, f("text"), actor=u, now=utcnow()),
        N_("The note was added."),
    ),
}


def may_decide(who: str, user: StaffUser, case: Case) -> bool:
    """Whether ``user`` may take a decision of kind ``who`` (an ACTIONS entry's first item) on ``case``."""
    if who == HANDLING:
        return access.can_view(user, case)
    if who == TRIAGE:
        return access.can_triage(user, case)
    if who == DEPARTMENT:
        return access.acts_for_department(user, case)
    return access.can_triage(user, case) or access.acts_for_department(user, case)


@staff_bp.route("/cases/<reference>/do/<action>", methods=["POST"])
@login_required
def case_action(reference: str, action: str) -> Response | tuple[str, int]:
    """Take one decision on a case. A refusal shows the case page again with the reason and what was
    typed (nothing is saved, nothing typed is lost); a decision taken goes back to the case page."""
    case = visible_case_or_404(reference)
    user = me()
    if action == "release":
        release_lock(case, user)
        commit_and_dispatch()
        return redirect(url_for("staff.inbox"))
    kept = {action: {key: value for key, value in request.form.items() if key != "csrf_token"}}
    entry = ACTIONS.get(action)
    if entry is None or not may_decide(entry[0], user, case):
        return render_case(case, refusal=_("You may not take that decision on this case."), kept=kept,
                           status=403)
    colleague = holder(case, utcnow())
    if colleague is not None and colleague.id != user.id:
        return render_case(case, refusal=locked_message(colleague), kept=kept, status=409)
    try:
        entry[1](case, user, form_field(request.form))
    except IllegalTransition as error:
        db.session.rollback()
        refusal = _("That decision is not possible while the case is “%(status)s”.",
                    status=status_label(error.status))
        return render_case(case, refusal=refusal, kept=kept, status=409)
    except TriageError as error:
        db.session.rollback()
        return render_case(case, refusal=str(error), kept=kept, status=422)
    commit_and_dispatch()
    flash(_(entry[2]), "success")
    if not access.can_view(user, case):  # e.g. a department returned it: it is no longer theirs
        return redirect(url_for("staff.inbox"))
    return redirect(url_for("staff.case_page", reference=_back_to(case, user)))


def _back_to(case: Case, user: StaffUser) -> str:
    """The case page to go back to: the one the form was on (a likely duplicate merged from the
    other case's page), when it is a case this user may see; else the case decided on."""
    back = form_field(request.form)("back").upper()
    if back and back != case.reference and REFERENCE_RE.match(back):
        found = db.session.scalar(select(Case).where(Case.reference == back))
        if found is not None and access.can_view(user, found):
            return found.reference
    return case.reference


def locked_message(colleague: StaffUser) -> str:
    """Why a change was refused while a colleague has the case open."""
    return _("%(name)s has this case open: wait until they close it.",
             name=colleague.display_name or colleague.email)

"""The discipline track on the case page: its panel and the inspector's three steps (record a step,
close, report back). Only a discipline inspector who may see the case sees or posts any of it;
anyone else gets a 404, as for a case they may not see: the handling is the discipline group's alone.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from flask import abort, flash, g, redirect, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from cases.domain import clocks as clock_rules
from cases.domain import discipline as rules
from cases.domain.states import ASSIGNED, CLOSED
from cases.extensions import db
from cases.handling import discipline
from cases.handling.discipline_measures import active_measures
from cases.models import Case, StaffUser
from cases.models.types import utcnow
from cases.outbox import commit_and_dispatch
from cases.staff import staff_bp
from cases.staff.case_views import case_page, me, visible_case_or_404
from cases.staff.discipline_forms import ConcludeForm, ReportBackForm, StepForm
from cases.staff.labels import days_left_words, report_back_delivery_label, report_back_method_label
from cases.staff.panels import case_panel
from cases.triage import access
from cases.triage.calendar import configured_clocks, current_calendar, local_date
from cases.triage.locks import holder
from cases.triage.workflow import TriageError

# g: the form a refused post came with, shown again with what was typed and its errors.
_KEPT = "discipline_kept_form"
Refused = tuple[str, int]


def _english() -> bool:
    locale = get_locale()
    return locale is not None and locale.language == "en"


def _step_form(formdata: Any = None) -> StepForm:
    form = StepForm(formdata=formdata, prefix="step")
    form.measure.choices = [(m.code, m.name_en if _english() else m.name_zh) for m in active_measures()]
    return form


def _report_back_form(case: Case, formdata: Any = None) -> ReportBackForm:
    form = ReportBackForm(formdata=formdata, prefix="report")
    form.method.choices = [(code, report_back_method_label(code))
                           for code in discipline.report_back_methods(case)]
    return form


def _shown(form_type: type, fresh: Callable[[], Any], today: date | None = None) -> Any:
    """The form kept from a refused post, else a fresh one (its date today)."""
    kept = g.get(_KEPT)
    if isinstance(kept, form_type):
        return kept
    form = fresh()
    if today is not None:
        form.on.data = today
    return form


def _closing_hint(refusal: str | None) -> str:
    if refusal == rules.NO_STEP:
        return _("Closing needs at least one recorded step, and the handling must end with a step that "
                 "concludes it (such as 了结).")
    if refusal == rules.NOT_CONCLUDED:
        return _("Closing needs the handling to end with a step that concludes it (such as 了结).")
    return ""


def _closing_note(case: Case) -> str:
    if case.anonymous:
        return _("The accusation is anonymous: closing it starts no report back.")
    return _("Closing starts the report back: the reporter is to be told the outcome within %(days)d "
             "working days.", days=configured_clocks().discipline_report_days)


def _report_back(case: Case, today: date) -> dict[str, Any]:
    done = discipline.recorded_report_backs(case)
    days = clock_rules.working_days_left(current_calendar(), case.report_back_due, today)
    may_record = not case.anonymous and discipline.may_report_back_again(case)
    return {
        "due": case.report_back_due,
        "days_left": "" if done else days_left_words(days),
        "overdue": not done and clock_rules.is_overdue(case.report_back_due, today),
        "done": done,
        "form": _shown(ReportBackForm, lambda: _report_back_form(case), today) if may_record else None,
    }


@case_panel("staff/_discipline.html", order=40)
def discipline_panel(user: StaffUser, case: Case, now: datetime) -> dict[str, Any] | None:
    """The handling of an accepted accusation, for discipline inspectors only (None for anyone else)."""
    if not access.handles_discipline(user, case) or not discipline.on_track(case):
        return None
    if case.status not in (ASSIGNED, CLOSED):
        return None
    today = local_date(now)
    handling = case.status == ASSIGNED
    steps = discipline.recorded_steps(case)
    closing_hint = _closing_hint(discipline.closing_refusal(steps)) if handling else ""
    return {
        "english": _english(),
        "steps": steps,
        "step_form": _shown(StepForm, _step_form, today) if handling else None,
        "conclude_form": _shown(ConcludeForm, lambda: ConcludeForm(formdata=None, prefix="conclude"))
        if handling and not closing_hint else None,
        "closing_hint": closing_hint,
        "closing_note": _closing_note(case),
        "conclusion": discipline.conclusion(case),
        "report_back": _report_back(case, today) if case.status == CLOSED else None,
        "method_label": report_back_method_label,
        "delivery_label": report_back_delivery_label,
    }


def _discipline_case(reference: str) -> Case:
    """The case, if this user handles it on the discipline track; 404 otherwise (it tells nothing)."""
    case = visible_case_or_404(reference)
    if not access.handles_discipline(me(), case) or not discipline.on_track(case):
        abort(404)
    return case


def _take(case: Case, form: Any, act: Callable[[StaffUser], object], done: str) -> Response | Refused:
    """Validate ``form``, take the step, commit once; a refusal shows the page again with what was typed."""
    user = me()
    colleague = holder(case, utcnow())
    if colleague is not None and colleague.id != user.id:
        return _refused(case, form, _("%(name)s has this case open: wait until they close it.",
                                      name=colleague.display_name or colleague.email), 409)
    if not form.validate():
        return _refused(case, form, _("Check the form: nothing was recorded."), 422)
    try:
        act(user)
    except TriageError as error:
        db.session.rollback()
        return _refused(case, form, str(error), 422)
    commit_and_dispatch()
    flash(done, "success")
    return redirect(url_for("staff.case_page", reference=case.reference, _anchor="discipline"))


def _refused(case: Case, form: Any, message: str, status: int) -> Refused:
    """The case page again, the refusal on top and the form as it was sent (nothing typed is lost)."""
    flash(message, "error")
    g.setdefault(_KEPT, form)
    return case_page(case.reference), status


@staff_bp.route("/cases/<reference>/discipline/step", methods=["POST"])
@login_required
def discipline_step(reference: str) -> Response | Refused:
    """Record one step of the handling (a measure of the list, its date, a note)."""
    case = _discipline_case(reference)
    form = _step_form(request.form)
    return _take(case, form, lambda user: discipline.record_step(
        case, form.measure.data or "", form.on.data, form.note.data or "", actor=user, now=utcnow()),
        _("The step was recorded."))


@staff_bp.route("/cases/<reference>/discipline/conclude", methods=["POST"])
@login_required
def discipline_conclude(reference: str) -> Response | Refused:
    """Close the accusation with its conclusion."""
    case = _discipline_case(reference)
    form = ConcludeForm(formdata=request.form, prefix="conclude")
    return _take(case, form, lambda user: discipline.conclude(
        case, form.conclusion.data or "", actor=user, now=utcnow()), _("The accusation was closed."))


@staff_bp.route("/cases/<reference>/discipline/report-back", methods=["POST"])
@login_required
def discipline_report_back(reference: str) -> Response | Refused:
    """Record the report back to a named reporter (by e-mail it is sent after the commit)."""
    case = _discipline_case(reference)
    form = _report_back_form(case, request.form)
    return _take(case, form, lambda user: discipline.report_back(
        case, form.method.data or "", form.on.data, form.text.data or "", actor=user, now=utcnow()),
        _("The report back was recorded."))

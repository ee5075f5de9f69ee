"""Administration pages: holidays and working days, the discipline handling list, the audit log."""

from __future__ import annotations

from datetime import date

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from cases.admin import audit
from cases.admin.discipline_list import (
    all_measures,
    create_measure,
    delete_measure,
    measure_in_use,
    update_measure,
)
from cases.admin.holidays import (
    add_override,
    change_override,
    covered_years,
    override_years,
    overrides_in,
    remove_override,
)
from cases.domain.roles import ADMIN
from cases.models import DisciplineMeasure, HolidayOverride, StaffUser
from cases.models.types import utcnow
from cases.staff import staff_bp
from cases.staff.admin_common import acted, admin_required, form_errors, get_or_404, me, saved
from cases.staff.admin_forms import HolidayForm, MeasureForm
from cases.staff.audit_display import describe_event
from cases.staff.labels import AUDIT_ENTITY_LABELS, audit_label
from cases.staff.notices import Notice, home_notice
from cases.triage.calendar import local_date


def _year() -> int:
    value = request.args.get("year", "")
    this_year = local_date(utcnow()).year
    return int(value) if value.isdigit() and 2000 <= int(value) <= this_year + 50 else this_year


@staff_bp.route("/admin/holidays", methods=["GET", "POST"])
@admin_required
def admin_holidays() -> str | Response:
    """The overrides of one year, what the calendar package covers, and a form to add a date."""
    year = _year()
    form = HolidayForm()
    if form.validate_on_submit():
        day = form.day.data
        assert day is not None
        done = saved(form, lambda: add_override(day, form.is_working_day.data == "working",
                                                form.source.data or "", actor=me()),
                     _("%(day)s has been saved.", day=day.isoformat()),
                     lambda _r: url_for("staff.admin_holidays", year=day.year))
        if done is not None:
            return done
    first, last = covered_years()
    years = sorted({*override_years(), year - 1, year, year + 1}, reverse=True)
    return render_template("staff/admin/holidays.html", form=form, errors=form_errors(form), year=year,
                           years=years, rows=overrides_in(year), first=first, last=last)


def _override_or_404(day: str) -> HolidayOverride:
    try:
        return get_or_404(HolidayOverride, date.fromisoformat(day))
    except ValueError:
        abort(404)


@staff_bp.route("/admin/holidays/<day>", methods=["GET", "POST"])
@admin_required
def admin_holiday(day: str) -> str | Response:
    """Change whether a date is a working day or a holiday, or its source (not the date itself)."""
    row = _override_or_404(day)
    form = HolidayForm(day=row.day, is_working_day="working" if row.is_working_day else "holiday",
                       source=row.note)
    if form.validate_on_submit():
        done = saved(form, lambda: change_override(row, form.is_working_day.data == "working",
                                                   form.source.data or "", actor=me()),
                     _("%(day)s has been saved.", day=row.day.isoformat()),
                     lambda _r: url_for("staff.admin_holidays", year=row.day.year))
        if done is not None:
            return done
    return render_template("staff/admin/holiday.html", row=row, form=form, errors=form_errors(form))


@staff_bp.route("/admin/holidays/<day>/remove", methods=["POST"])
@admin_required
def admin_remove_holiday(day: str) -> Response:
    """Remove an override: the date follows the calendar package (or weekends) again."""
    row = _override_or_404(day)
    return acted(lambda: remove_override(row, actor=me()), _("%(day)s has been removed.", day=day),
                 url_for("staff.admin_holidays", year=row.day.year))


@staff_bp.route("/admin/discipline", methods=["GET", "POST"])
@admin_required
def admin_discipline() -> str | Response:
    """The discipline track's handling list, and a form to add a measure."""
    form = MeasureForm()
    if form.validate_on_submit():
        done = saved(form, lambda: create_measure(form.code.data or "", form.name_zh.data or "",
                                                  form.name_en.data or "", form.position.data or 0,
                                                  bool(form.concludes.data), actor=me()),
                     _("The measure has been added."), lambda _r: url_for("staff.admin_discipline"))
        if done is not None:
            return done
    return render_template("staff/admin/discipline.html", form=form, errors=form_errors(form),
                           measures=all_measures())


@staff_bp.route("/admin/discipline/<int:measure_id>", methods=["GET", "POST"])
@admin_required
def admin_measure(measure_id: int) -> str | Response:
    """Change a measure (names, order, whether it concludes or is offered); delete an unused one."""
    measure = get_or_404(DisciplineMeasure, measure_id)
    form = MeasureForm(obj=measure)
    if form.validate_on_submit():
        done = saved(form, lambda: update_measure(measure, form.name_zh.data or "", form.name_en.data or "",
                                                  form.position.data or 0, bool(form.concludes.data),
                                                  bool(form.active.data), actor=me()),
                     _("The measure has been saved."), lambda _r: url_for("staff.admin_discipline"))
        if done is not None:
            return done
    return render_template("staff/admin/measure.html", measure=measure, form=form, errors=form_errors(form),
                           in_use=measure_in_use(measure))


@staff_bp.route("/admin/discipline/<int:measure_id>/delete", methods=["POST"])
@admin_required
def admin_delete_measure(measure_id: int) -> Response:
    """Delete a measure no case has used."""
    measure = get_or_404(DisciplineMeasure, measure_id)
    return acted(lambda: delete_measure(measure, actor=me()), _("The measure has been deleted."),
                 url_for("staff.admin_discipline"),
                 refused_target=url_for("staff.admin_measure", measure_id=measure_id))


@staff_bp.route("/admin/audit")
@admin_required
def admin_audit() -> str:
    """The audit log, newest first, filtered by entity."""
    entity = request.args.get("entity", "")
    entity = entity if entity in audit.ENTITIES else ""
    before = request.args.get("before", "")
    page = audit.events_page(entity or None, int(before) if before.isdigit() and len(before) < 10 else None)
    return render_template("staff/admin/audit.html", page=page, entity=entity,
                           entities=[(code, audit_label(AUDIT_ENTITY_LABELS, code))
                                     for code in audit.ENTITIES],
                           rows=[describe_event(event) for event in page.events])


@home_notice
def _holidays_missing(user: StaffUser) -> Notice | None:
    """Tell admins when next year lies beyond the calendar package and has no entries yet."""
    if ADMIN not in user.roles:
        return None
    next_year = local_date(utcnow()).year + 1
    if next_year <= covered_years()[1] or next_year in override_years():
        return None
    return Notice(_("The built-in holiday calendar does not know %(year)s: due dates in it count weekends "
                    "only until its holidays are entered.", year=next_year),
                  url_for("staff.admin_holidays", year=next_year),
                  _("Enter the holidays of %(year)s", year=next_year))

"""Administration pages: departments and routing rules (with the dry run)."""

from __future__ import annotations

from typing import Any

from flask import render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from cases.admin import AdminError
from cases.admin.departments import (
    KINDS,
    create_department,
    department_rows,
    open_case_count,
    update_department,
)
from cases.admin.routing_rules import (
    DryRun,
    add_rule,
    all_rules,
    change_rule,
    dry_run,
    dry_run_case,
    remove_rule,
)
from cases.extensions import db
from cases.models import Department, RoutingRule, Task
from cases.reasons import seeded_note
from cases.staff import staff_bp
from cases.staff.admin_common import acted, add_error, admin_required, form_errors, get_or_404, me, saved
from cases.staff.admin_forms import DepartmentForm, DryRunForm, RuleChangeForm, RuleForm
from cases.staff.case_views import department_name
from cases.staff.labels import department_kind_label
from cases.triage.links import current_problems, problem_by_code

DEFAULT_ITEM = "default"


def _department_form(**values: Any) -> DepartmentForm:
    form = DepartmentForm(**values)
    form.kind.choices = [SelectChoice(kind, department_kind_label(kind)) for kind in KINDS]
    return form


def _department_page(form: DepartmentForm, department: Department | None) -> str:
    return render_template("staff/admin/department.html", form=form, department=department,
                           errors=form_errors(form),
                           open_cases=open_case_count(department) if department else 0)


@staff_bp.route("/admin/departments")
@admin_required
def admin_departments() -> str:
    """Every department with its kind, state, approval rule, unfinished cases, members and rules."""
    return render_template("staff/admin/departments.html", rows=department_rows(),
                           kind_label=department_kind_label)


@staff_bp.route("/admin/departments/new", methods=["GET", "POST"])
@admin_required
def admin_new_department() -> str | Response:
    """Add a department."""
    form = _department_form(office_approval=True)
    if form.validate_on_submit():
        done = saved(form, lambda: create_department(
            form.code.data or "", form.name_zh.data or "", form.name_en.data or "", form.kind.data or "",
            bool(form.office_approval.data), actor=me()),
            _("The department has been added."),
            lambda added: url_for("staff.admin_department", department_id=added.id))
        if done is not None:
            return done
    return _department_page(form, None)


@staff_bp.route("/admin/departments/<int:department_id>", methods=["GET", "POST"])
@admin_required
def admin_department(department_id: int) -> str | Response:
    """Change a department; deactivating one with unfinished cases asks for a confirmation."""
    department = get_or_404(Department, department_id)
    form = _department_form(obj=department)
    if form.validate_on_submit():
        done = saved(form, lambda: update_department(
            department, form.name_zh.data or "", form.name_en.data or "", form.kind.data or "",
            bool(form.office_approval.data), bool(form.active.data), confirmed=bool(form.confirm.data),
            actor=me()),
            _("The department has been saved."), lambda _r: url_for("staff.admin_department",
                                                                     department_id=department_id))
        if done is not None:
            return done
    return _department_page(form, department)


def _item_choices(with_default: bool) -> list[SelectChoice]:
    """The select's options: the default rule (or a blank choice), then each problem with its tasks."""
    first = (SelectChoice(DEFAULT_ITEM, _("The default rule (anything no other rule covers)")) if with_default
             else SelectChoice("", _("No problem chosen")))
    choices = [first]
    for problem in current_problems():
        group = f"{problem.code} {problem.title[:30]}"
        choices.append(SelectChoice(f"p:{problem.code}", _("%(code)s (the whole problem)", code=problem.code),
                                    optgroup=group))
        choices.extend(SelectChoice(f"t:{task.id}", f"{problem.code} · {task.headline}", optgroup=group)
                       for task in problem.tasks)
    return choices


def _parse_item(value: str) -> tuple[str | None, Task | None]:
    """(problem code, task) of an item value ("default", "p:1.1", "t:12")."""
    kind, _sep, key = value.partition(":")
    if kind == "t" and key.isdigit():
        task = db.session.get(Task, int(key))
        if task is None:
            raise AdminError(_("There is no such task in the current catalogue."), "item")
        return None, task
    if kind == "p" and problem_by_code(key) is not None:
        return key, None
    if value == DEFAULT_ITEM:
        return None, None
    raise AdminError(_("There is no such problem in the current catalogue."), "item")


def _department_choices(form: RuleForm | RuleChangeForm) -> None:
    departments = db.session.scalars(db.select(Department).where(Department.active.is_(True))
                                     .order_by(Department.code))
    form.department.choices = [SelectChoice(d.code, department_name(d)) for d in departments]


def _department(code: str) -> Department:
    department = db.session.scalar(db.select(Department).where(Department.code == code))
    if department is None:
        raise AdminError(_("Choose a department."), "department")
    return department


def _dry_run_from(form: DryRunForm) -> DryRun | None:
    """The dry run the GET form asks for (None when nothing was asked or it has errors)."""
    if not (request.args.get(form.item.name) or request.args.get(form.reference.name)) or not form.validate():
        return None
    try:
        if form.reference.data:
            return dry_run_case(form.reference.data, me())
        problem_code, task = _parse_item(form.item.data or "")
        return dry_run(problem_code, task)
    except AdminError as error:
        add_error(form, error.field, str(error))
        return None


def _add_rule(form: RuleForm) -> RoutingRule:
    problem_code, task = _parse_item(form.item.data or "")
    return add_rule(problem_code, task, _department(form.department.data or ""), form.note.data or "",
                    actor=me())


@staff_bp.route("/admin/routing", methods=["GET", "POST"])
@admin_required
def admin_routing() -> str | Response:
    """The rules, a form to add one, and the dry run ("where would this case go, and why?")."""
    form = RuleForm()
    form.item.choices = _item_choices(with_default=True)
    _department_choices(form)
    if form.validate_on_submit():
        done = saved(form, lambda: _add_rule(form), _("The rule has been added."),
                     lambda _r: url_for("staff.admin_routing"))
        if done is not None:
            return done
    probe = DryRunForm(request.args, prefix="probe")
    probe.item.choices = _item_choices(with_default=False)
    result = _dry_run_from(probe)
    return render_template("staff/admin/routing.html", form=form, probe=probe, result=result,
                           rules=all_rules(), errors=form_errors(form, probe),
                           department_name=department_name, tasks=_tasks_by_id(), rule_note=seeded_note)


def _tasks_by_id() -> dict[int, Task]:
    return {task.id: task for problem in current_problems() for task in problem.tasks}


@staff_bp.route("/admin/routing/<int:rule_id>", methods=["GET", "POST"])
@admin_required
def admin_rule(rule_id: int) -> str | Response:
    """Send a rule's cases to another department, or remove the rule."""
    rule = get_or_404(RoutingRule, rule_id)
    form = RuleChangeForm(department=rule.department.code, note=seeded_note(rule.note))
    _department_choices(form)
    if form.validate_on_submit():
        done = saved(form, lambda: change_rule(rule, _department(form.department.data or ""),
                                               form.note.data or "", actor=me()),
                     _("The rule has been saved."), lambda _r: url_for("staff.admin_routing"))
        if done is not None:
            return done
    return render_template("staff/admin/rule.html", rule=rule, form=form, errors=form_errors(form),
                           tasks=_tasks_by_id(), problem=problem_by_code(rule.problem_code or ""))


@staff_bp.route("/admin/routing/<int:rule_id>/remove", methods=["POST"])
@admin_required
def admin_remove_rule(rule_id: int) -> Response:
    """Remove a problem or task rule (the default rule stays)."""
    rule = get_or_404(RoutingRule, rule_id)
    return acted(lambda: remove_rule(rule, actor=me()), _("The rule has been removed."),
                 url_for("staff.admin_routing"), refused_target=url_for("staff.admin_rule", rule_id=rule_id))

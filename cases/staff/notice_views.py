"""The notice templates page (supervisors and admins): each notice to the person in Chinese and
English, its placeholders, a preview with a sample case, and saving (checked, audited)."""

from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from cases.admin import AdminError
from cases.domain import notice_templates as rules
from cases.i18n import N_
from cases.models import StaffUser
from cases.notice_templates import LANGUAGE_NAMES, TITLES, current, preview, save_template
from cases.staff import staff_bp
from cases.staff.admin_common import add_error, form_errors, me, notice_editor_required, saved
from cases.staff.admin_forms import NoticeForm

# What each placeholder stands for, shown next to the form.
PLACEHOLDER_HELP = {
    "reference": N_("the case reference, e.g. HQ-2026-000123"),
    "received_date": N_("the day the case was received"),
    "tracking_url": N_("the address of the public tracking page"),
    "reason": N_("the reason staff gave"),
    "referred_to": N_("where the case was referred"),
    "target": N_("the reference of the other case"),
    "due_date": N_("the new date the answer is due"),
    "department": N_("the responsible department (empty for a sealed case)"),
    "reply": N_("the approved reply"),
    "tracking_code": N_("the private tracking code (kept masked in the copy on the case)"),
    "estimate_note": N_("a sentence saying the date is an estimate, when the holiday calendar is not "
                        "published yet (else nothing)"),
    "subject": N_("the subject of the person's e-mail"),
    "size_mb": N_("the size of the person's e-mail, in MB"),
    "limit_mb": N_("the largest e-mail the mailbox keeps, in MB"),
}


def _form(key: str, posted: bool) -> NoticeForm:
    values = {}
    for language in rules.LANGUAGES:
        template = current(key, language)
        values[f"subject_{language}"], values[f"body_{language}"] = template.subject, template.body
    return NoticeForm() if posted else NoticeForm(formdata=None, **values)


def _typed(form: NoticeForm, language: str) -> tuple[str, str]:
    return (form[f"subject_{language}"].data or "").strip(), (form[f"body_{language}"].data or "").strip()


def _save_both(key: str, form: NoticeForm, actor: StaffUser) -> None:
    """Save both languages, or neither: a refusal names its field (the view rolls back)."""
    for language in rules.LANGUAGES:
        try:
            save_template(key, language, *_typed(form, language), actor=actor)
        except AdminError as error:
            raise AdminError(str(error), f"{error.field}_{language}") from None


def _previews(key: str, form: NoticeForm) -> dict[str, tuple[str, str] | None]:
    """Each language's text rendered with the sample case (None where the text is refused)."""
    shown: dict[str, tuple[str, str] | None] = {}
    for language in rules.LANGUAGES:
        try:
            shown[language] = preview(key, language, *_typed(form, language))
        except AdminError as error:
            shown[language] = None
            field = f"{error.field}_{language}"
            if request.method == "POST" and not form[field].errors:
                add_error(form, field, str(error))
    return shown


@staff_bp.route("/notices")
@notice_editor_required
def notice_templates() -> str:
    """Every notice to the person, with the version in force in each language."""
    rows = [(key, _(TITLES[key]), {language: current(key, language) for language in rules.LANGUAGES})
            for key in rules.KEYS]
    return render_template("staff/notices.html", rows=rows, languages=rules.LANGUAGES,
                           language_names={code: _(name) for code, name in LANGUAGE_NAMES.items()})


@staff_bp.route("/notices/<key>", methods=["GET", "POST"])
@notice_editor_required
def notice_template(key: str) -> str | Response:
    """Edit one notice in both languages; "Preview" shows it with a sample case and saves nothing."""
    if key not in rules.KINDS:
        abort(404)
    form = _form(key, posted=request.method == "POST")
    if form.validate_on_submit() and request.form.get("action") == "save":
        done = saved(form, lambda: _save_both(key, form, me()), _("The notice has been saved."),
                     lambda _r: url_for("staff.notice_template", key=key))
        if done is not None:
            return done
    shown = _previews(key, form)
    versions = {language: current(key, language).version for language in rules.LANGUAGES}
    placeholders = [(name, _(PLACEHOLDER_HELP[name])) for name in sorted(rules.KINDS[key].placeholders)]
    return render_template("staff/notice.html", key=key, title=_(TITLES[key]), form=form,
                           errors=form_errors(form), shown=shown, versions=versions,
                           placeholders=placeholders, receipt=rules.KINDS[key].receipt,
                           language_names={code: _(name) for code, name in LANGUAGE_NAMES.items()})

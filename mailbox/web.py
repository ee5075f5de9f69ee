"""Staff pages of the mailbox: the quarantine (retry, make a case) and replies not delivered."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse

from cases.domain import roles as role_names
from cases.extensions import db
from cases.handling.sending import undelivered_mail_condition
from cases.models import Case, CaseMessage, QuarantinedEmail, RawEmail, StaffUser
from cases.models.types import utcnow
from cases.staff.labels import delivery_label, purpose_label
from cases.staff.notices import Notice, home_notice
from cases.triage.access import can_read_unscreened, visible_condition

from .intake import Policy
from .parsing import parse_message
from .quarantine import convert, open_count, retry
from .settings import load_settings

mailbox_bp = Blueprint("mailbox", __name__, url_prefix="/staff/mailbox")

MAILBOX_ROLES = frozenset({role_names.TRIAGER, role_names.SUPERVISOR, role_names.ADMIN})


@mailbox_bp.after_request
def _no_store(response: Response) -> Response:
    # These pages show citizens' mail: no browser or proxy may keep a copy.
    response.headers["Cache-Control"] = "no-store"
    return response


def _user() -> StaffUser:
    user: StaffUser = current_user  # type: ignore[assignment]
    if not user.roles & MAILBOX_ROLES:
        abort(403)
    return user


@home_notice
def _quarantine_notice(user: StaffUser) -> Notice | None:
    """The staff home shows the quarantine while anything waits in it."""
    if not user.roles & MAILBOX_ROLES:
        return None
    waiting = open_count()
    if not waiting:
        return None
    return Notice(_("%(num)s e-mail message(s) could not be taken in automatically and wait in the "
                    "quarantine.", num=waiting), url_for("mailbox.quarantine_list"), _("Open the quarantine"))


def _summary(entry: QuarantinedEmail, readable: bool) -> dict[str, object]:
    """Subject, sender and error for the list; what the message says only to those who may read it.

    A quarantined message was never screened: it may be an accusation, so it is held like a case
    nobody has screened (cases.triage.access), and the error's detail, which may quote the
    message, is cut to its first line for everyone else.
    """
    if not readable:
        return {"subject": None, "sender": None, "error": (entry.error or "").splitlines()[0][:200]
                if entry.error else ""}
    try:
        parsed = parse_message(entry.raw_email.data)
        return {"subject": parsed.subject, "sender": parsed.sender_address, "error": entry.error}
    except Exception:  # noqa: BLE001 - an unreadable message is listed without them
        return {"subject": "", "sender": "", "error": entry.error}


@mailbox_bp.route("/")
@login_required
def quarantine_list() -> str:
    """Quarantined messages still open, and cases whose e-mail address bounced."""
    user = _user()
    entries = db.session.scalars(select(QuarantinedEmail).where(QuarantinedEmail.state == "open")
                                 .order_by(QuarantinedEmail.id)).all()
    undeliverable = db.session.scalars(select(Case).where(Case.email_undeliverable.is_(True),
                                                          visible_condition(user))
                                       .order_by(Case.id.desc()).limit(200)).all()
    # Mail our server could not hand over (no server, refused, gave up): the bounce list above
    # only knows addresses that bounced, so "every reply was delivered" needs both.
    undelivered = db.session.execute(
        select(CaseMessage.purpose, CaseMessage.delivery_status, CaseMessage.created_at, Case.reference)
        .join(Case, CaseMessage.case_id == Case.id)
        .where(undelivered_mail_condition(), visible_condition(user))
        .order_by(CaseMessage.id.desc()).limit(200)).all()
    sizes = dict(db.session.execute(select(RawEmail.id, RawEmail.size)
                                    .where(RawEmail.id.in_([e.raw_email_id for e in entries]))).all())
    readable = can_read_unscreened(user)
    rows = [{"entry": e, "size": sizes.get(e.raw_email_id, 0), **_summary(e, readable)} for e in entries]
    return render_template("mailbox/quarantine.html", rows=rows, undeliverable=undeliverable,
                           undelivered=undelivered, purpose_label=purpose_label,
                           delivery_label=delivery_label)


@mailbox_bp.route("/quarantine/<int:entry_id>/retry", methods=["POST"])
@login_required
def retry_entry(entry_id: int) -> BaseResponse:
    """Run the intake again on a quarantined message (POST; CSRFProtect checked the token)."""
    _user()
    entry = db.get_or_404(QuarantinedEmail, entry_id)
    if entry.state != "open":
        flash(_("This message was already dealt with."), "info")
        return redirect(url_for("mailbox.quarantine_list"))
    settings = load_settings()
    outcome = retry(entry, Policy(max_bytes=settings.max_bytes, ack_per_day=settings.ack_per_day), utcnow())
    from cases.outbox import commit_and_dispatch

    commit_and_dispatch()
    if outcome == "failed":
        flash(_("The message failed again: %(error)s", error=entry.error), "error")
    else:
        flash(_("The message was taken in."), "info")
    return redirect(url_for("mailbox.quarantine_list"))


@mailbox_bp.route("/quarantine/<int:entry_id>/case", methods=["POST"])
@login_required
def make_case(entry_id: int) -> BaseResponse:
    """Make a case from a quarantined message's raw bytes (POST; CSRFProtect checked the token)."""
    user = _user()
    entry = db.get_or_404(QuarantinedEmail, entry_id)
    if entry.state != "open":
        flash(_("This message was already dealt with."), "info")
        return redirect(url_for("mailbox.quarantine_list"))
    case_id = convert(entry, user, utcnow())
    db.session.commit()
    case = db.session.get(Case, case_id)
    flash(_("Case %(reference)s was created from the message.", reference=case.reference if case else ""),
          "info")
    return redirect(url_for("mailbox.quarantine_list"))

"""Sending the approved reply in the channel the person used.

By e-mail (from the published address, threaded to the person's own mail, through the outbox);
always on the tracking page; and for a letter, call or visit, staff answer by post, phone or in a
meeting and record how and when. The text sent is the approved draft's, never anything else: an
internal note cannot reach the person this way.
"""

from __future__ import annotations

from datetime import date, datetime

import nh3
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, and_, select

from cases.domain import notice_templates as notice
from cases.domain import states
from cases.extensions import db
from cases.mailer import NOT_DELIVERED, queue_outbound_message
from cases.models import Attachment, Case, CaseEvent, CaseMessage, DraftFile, ReplyDraft, StaffUser
from cases.notice_templates import Composed, compose, compose_html
from cases.outbox import add_job
from cases.triage import access
from cases.triage.calendar import local_date
from cases.triage.workflow import TriageError, change_status, note_event

EMAIL, PORTAL, POST, PHONE, MEETING = "email", "portal", "post", "phone", "meeting"
METHODS = (EMAIL, PORTAL, POST, PHONE, MEETING)
# Answered outside the system: staff record the day (and, for a call or meeting, what was said).
RECORDED_METHODS = (POST, PHONE, MEETING)
_BY_CHANNEL = {"letter": POST, "phone": PHONE, "visit": MEETING}
NOTE_MAX = 2000
# A long thread keeps its first id and the newest ones (RFC 5322 allows trimming the middle).
REFERENCES_MAX = 20
# Ids the mailbox made up for mail that had none: nobody's mail client knows them.
_MADE_UP_DOMAIN = ".invalid"


def may_send(user: StaffUser, case: Case) -> bool:
    """Whether ``user`` may send the reply of ``case``: its handler, a handler or head of its
    department, or the party office's triagers and supervisors; never for a sealed case (the
    discipline track answers those) nor one still held for screening."""
    if access.case_is_sealed(case) or access.case_is_held(case) or not access.can_view(user, case):
        return False
    return (case.handler_id == user.id or access.can_triage(user, case)
            or access.acts_for_department(user, case))


def can_email(case: Case) -> bool:
    """Whether the person gave an e-mail address we can deliver to."""
    return bool(case.submitter_email) and "@" in case.submitter_email and not case.email_undeliverable


def default_method(case: Case) -> str:
    """The way the person used, as the reply should go: e-mail when we can, else by the channel."""
    if can_email(case):
        return EMAIL
    return _BY_CHANNEL.get(case.channel, PORTAL)


def approved_draft(case: Case) -> ReplyDraft | None:
    """The draft version that was approved (named by the approval's event), else the latest one."""
    approval = db.session.scalar(
        select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.action == "approve")
        .order_by(CaseEvent.id.desc()).limit(1))
    detail = (approval.detail or {}) if approval is not None else {}
    drafts = select(ReplyDraft).where(ReplyDraft.case_id == case.id)
    if isinstance(detail.get("draft_id"), int):
        found = db.session.scalar(drafts.where(ReplyDraft.id == detail["draft_id"]))
        if found is not None:
            return found
    version = detail.get("version", detail.get("draft_version"))
    if isinstance(version, int):
        found = db.session.scalar(drafts.where(ReplyDraft.version == version))
        if found is not None:
            return found
    return db.session.scalar(drafts.order_by(ReplyDraft.version.desc()).limit(1))


def clean_html(html: str | None) -> str | None:
    """The reply's rich text as it may be sent and shown: sanitised again (nh3), whoever wrote it."""
    if not html or not html.strip():
        return None
    return nh3.clean(html, url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer",
                     strip_comments=True)


def thread_ids(case: Case) -> tuple[str | None, list[str]]:
    """(In-Reply-To, References) of a new e-mail on ``case``: the person's last message, and the
    thread's ids (theirs and ours) in the order they were written, so that each one's parent is the
    id before it (how mail clients rebuild a thread from References)."""
    usable = [m for m in case.messages if m.direction in ("inbound", "outbound") and m.message_id
              and not m.message_id.endswith(_MADE_UP_DOMAIN)]
    inbound = [m.message_id for m in usable if m.direction == "inbound"]
    parent = inbound[-1] if inbound else None
    chain = list(dict.fromkeys(m.message_id for m in usable if m.message_id))
    if len(chain) > REFERENCES_MAX:
        chain = chain[:1] + chain[-(REFERENCES_MAX - 1):]
    return parent, chain


def reply_subject(case: Case, subject: str) -> str:
    """The reply template's subject, then the person's own subject (in their language's punctuation)."""
    if case.subject:
        subject += f"{'：' if (case.language or 'zh_Hans').startswith('zh') else ': '}{case.subject[:120]}"
    return subject


def _check_recorded(case: Case, method: str, answered_on: date | None, note: str, now: datetime) -> None:
    if method not in RECORDED_METHODS:
        return
    if answered_on is None:
        raise TriageError(_("Give the day the reply was posted, told by phone or given in a meeting."))
    if answered_on > local_date(now) or answered_on < local_date(case.received_at):
        raise TriageError(_("The day of the answer must be between the day the case was received and today."))
    if len(note) > NOTE_MAX:
        raise TriageError(_("The note has at most 2,000 characters."))


def send_reply(case: Case, *, actor: StaffUser | None, now: datetime, method: str | None = None,
               answered_on: date | None = None, note: str = "") -> CaseMessage:
    """Send the approved reply of ``case`` (``method``: one of METHODS, default_method when None).

    Creates the outbound reply (the approved draft's text, sanitised HTML and files), queues the
    e-mail when it goes by e-mail, and applies ``send_reply`` (replied_at, the rating wait).
    Raises TriageError (shown to staff as it is) when the case or the method does not allow it.
    Flushes; the caller commits.
    """
    if access.case_is_sealed(case):
        raise TriageError(_("A sealed case is answered by the discipline inspection group, not here."))
    if actor is not None and not may_send(actor, case):
        raise TriageError(_("You may not send the reply of this case."))
    if case.status != states.APPROVED:
        raise TriageError(_("Only an approved reply can be sent: this case has no approved reply waiting."))
    draft = approved_draft(case)
    if draft is None or not draft.body_text.strip():
        raise TriageError(_("There is no approved reply text to send."))
    method = method or default_method(case)
    if method not in METHODS:
        raise TriageError(_("Choose how the reply reaches the person."))
    if method == EMAIL and not can_email(case):
        raise TriageError(_("This person has no e-mail address we can deliver to: answer by post, by phone, "
                            "in a meeting or on the tracking page only."))
    note = (note or "").strip()
    _check_recorded(case, method, answered_on, note, now)
    # The reply template's cover text goes around the approved draft ({reply} stands for it).
    cover = compose(case, notice.REPLY, reply=draft.body_text)
    message = _reply_message(case, draft, cover, actor=actor, now=now, method=method)
    if method in RECORDED_METHODS:
        message.delivered_on, message.delivery_note = answered_on, note
    _copy_files(draft, message)
    db.session.flush()  # the message's id, for the event
    change_status(case, "send_reply", actor=actor, now=now, detail={
        "message": message.id, "method": method, "draft_version": draft.version, "notice": notice.REPLY,
        "template_version": cover.version,
        **({"answered_on": answered_on.isoformat()} if answered_on and method in RECORDED_METHODS else {}),
    })
    return message


def _reply_message(case: Case, draft: ReplyDraft, cover: Composed, *, actor: StaffUser | None,
                   now: datetime, method: str) -> CaseMessage:
    subject = reply_subject(case, cover.subject)
    if method == EMAIL:
        parent, chain = thread_ids(case)
        message = queue_outbound_message(case, subject, cover.body, now=now, author=actor,
                                         in_reply_to=parent, references=" ".join(chain) or None,
                                         purpose="reply", notice=(cover.key, cover.version))
    else:
        message = CaseMessage(case=case, direction="outbound", subject=subject, body_text=cover.body,
                              author=actor, created_at=now, purpose="reply", notice_key=cover.key,
                              notice_version=cover.version)
        db.session.add(message)
    cleaned = clean_html(draft.body_html)
    message.body_html = cleaned and compose_html(cover, reply=cleaned)
    message.draft_id, message.delivery_method = draft.id, method
    return message


def _copy_files(draft: ReplyDraft, message: CaseMessage) -> None:
    """The draft's files, copied byte for byte into the reply (a later draft cannot change them)."""
    wanted = [file_id for file_id in draft.file_ids or [] if isinstance(file_id, int)]
    if not wanted:
        return
    found = {f.id: f for f in db.session.scalars(
        select(DraftFile).where(DraftFile.id.in_(wanted), DraftFile.case_id == draft.case_id))}
    for file_id in wanted:
        if file_id in found:
            item = found[file_id]
            message.attachments.append(Attachment(filename=item.filename, content_type=item.content_type,
                                                  size=item.size, sha256=item.sha256, data=item.data))


def is_not_delivered(message: CaseMessage) -> bool:
    """Whether a reply sent by e-mail has not reached the person and was not answered otherwise."""
    return (message.purpose == "reply" and message.delivery_status in NOT_DELIVERED
            and message.delivered_on is None)


def not_delivered_condition() -> ColumnElement[bool]:
    """SQL twin of is_not_delivered."""
    return and_(CaseMessage.direction == "outbound", CaseMessage.purpose == "reply",
                CaseMessage.delivery_status.in_(NOT_DELIVERED), CaseMessage.delivered_on.is_(None))


def undelivered_mail_condition() -> ColumnElement[bool]:
    """Outbound e-mail of any purpose (receipts and notices too) that has not reached the person."""
    return and_(CaseMessage.direction == "outbound", CaseMessage.delivery_status.in_(NOT_DELIVERED),
                CaseMessage.delivered_on.is_(None))


def _undelivered_reply(case: Case, message_id: int, actor: StaffUser) -> CaseMessage:
    message = db.session.get(CaseMessage, message_id)
    if message is None or message.case_id != case.id or message.purpose != "reply":
        raise TriageError(_("No such reply on this case."))
    if not may_send(actor, case):
        raise TriageError(_("You may not send the reply of this case."))
    return message


def send_again(case: Case, message_id: int, *, actor: StaffUser, now: datetime) -> CaseMessage:
    """Try a reply whose e-mail failed or bounced once more, now (after the address was checked)."""
    message = _undelivered_reply(case, message_id, actor)
    if message.delivery_status not in ("failed", "bounced") or message.delivered_on is not None:
        raise TriageError(_("Only a reply whose e-mail was given up or returned can be sent again."))
    if not case.submitter_email:
        raise TriageError(_("This person has no e-mail address."))
    message.delivery_status, message.delivery_error = "queued", None
    message.recipients = case.submitter_email
    add_job("send_case_message", message_id=message)
    note_event(case, "reply_sent_again", actor=actor, now=now, detail={"message": message.id})
    return message


def record_delivery(case: Case, message_id: int, *, actor: StaffUser, now: datetime, method: str,
                    answered_on: date | None, note: str = "") -> CaseMessage:
    """Record that a reply whose e-mail did not arrive reached the person by post, phone or meeting."""
    message = _undelivered_reply(case, message_id, actor)
    if not is_not_delivered(message):
        raise TriageError(_("This reply was delivered; there is nothing to record."))
    if method not in RECORDED_METHODS:
        raise TriageError(_("Choose how the reply reached the person."))
    note = (note or "").strip()
    _check_recorded(case, method, answered_on, note, now)
    message.delivery_method, message.delivered_on, message.delivery_note = method, answered_on, note
    note_event(case, "reply_delivered_otherwise", actor=actor, now=now,
               detail={"message": message.id, "method": method, "answered_on": answered_on.isoformat()
                       if answered_on else None})
    return message

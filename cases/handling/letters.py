"""The reply as a printed letter: for a person who wrote by post, called or came in person.

Built from the approved draft while the case waits to be sent (print, post, then record it), or
from the reply already sent; its points numbered as the draft split them (逐条答复).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from cases.domain import states
from cases.domain.letters import letter_date, point_label
from cases.extensions import db
from cases.handling.sending import approved_draft, clean_html
from cases.models import Case, CaseMessage, ReplyDraft
from cases.triage.calendar import local_date

COMMITTEE = "上海虹桥国际中央商务区管理委员会"


@dataclass(frozen=True)
class LetterPoint:
    """One numbered point: its mark (一、), what the person raised, and our answer."""

    mark: str
    point: str
    answer: str


@dataclass(frozen=True)
class Letter:
    """What the print page shows."""

    reference: str
    addressee: str  # the person's name, or "" when anonymous (the page says 来信人)
    day: str
    chinese: bool
    opening: str
    points: list[LetterPoint]
    closing: str
    body_text: str  # the whole reply, when the draft has no points
    body_html: str | None
    committee: str = COMMITTEE


def _source(case: Case) -> tuple[ReplyDraft | None, CaseMessage | None]:
    """The draft waiting to be sent, or the latest reply sent (with the draft it came from)."""
    if case.status == states.APPROVED:
        return approved_draft(case), None
    message = db.session.scalar(
        select(CaseMessage).where(CaseMessage.case_id == case.id, CaseMessage.direction == "outbound",
                                  CaseMessage.purpose == "reply")
        .order_by(CaseMessage.id.desc()).limit(1))
    if message is None:
        return None, None
    draft = db.session.get(ReplyDraft, message.draft_id) if message.draft_id else None
    return draft, message


def letter_for(case: Case, now: datetime) -> Letter | None:
    """The letter of ``case``'s reply, or None when there is no reply to print yet."""
    draft, message = _source(case)
    if draft is None and message is None:
        return None
    chinese = (case.language or "zh_Hans").startswith("zh")
    day: date = local_date(now)
    if message is not None:
        day = message.delivered_on or local_date(message.created_at)
    points = [
        LetterPoint(point_label(number, chinese), str(item.get("point", "")).strip(),
                    str(item.get("answer", "")).strip())
        for number, item in enumerate((draft.points or []) if draft is not None else [], start=1)
        if isinstance(item, dict)
    ]
    body_text = message.body_text if message is not None else (draft.body_text if draft else "")
    body_html = message.body_html if message is not None else clean_html(draft.body_html if draft else None)
    return Letter(
        reference=case.reference,
        addressee="" if case.anonymous else (case.submitter_name or "").strip(),
        day=letter_date(day, chinese),
        chinese=chinese,
        opening=(draft.opening if draft is not None else "").strip(),
        points=points,
        closing=(draft.closing if draft is not None else "").strip(),
        body_text=body_text,
        body_html=body_html,
    )

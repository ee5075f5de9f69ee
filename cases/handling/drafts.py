"""The reply's drafts: every save is a new version (never an update), built only from its own fields.

A draft is an opening, numbered points (what the person raised, our answer) and a closing, as plain
text or as rich text cleaned with nh3. ``body_text`` is always the whole reply as text; ``body_html``
only for rich text. Nothing else of the case (internal notes above all) ever goes into a draft:
splitting the message into points reads the person's own messages only.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

import nh3
from flask_babel import gettext as _
from sqlalchemy import func, select

from cases.domain import states
from cases.domain.filetypes import CheckedFile
from cases.domain.reply_points import (
    ReplyPoint,
    ReplyWords,
    compose_html,
    compose_text,
    html_to_text,
    split_points,
)
from cases.extensions import db
from cases.models import Case, CaseMessage, DraftFile, ReplyDraft, StaffUser
from cases.triage import access
from cases.triage.notify import N_, in_person_language
from cases.triage.workflow import TriageError, note_event

PLAIN, RICH = "plain", "rich"
FORMATS = (PLAIN, RICH)
# The same limit per file as the public form; a reply rarely needs more than a few files.
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_FILES = 10
MAX_POINTS = 60
MAX_FIELD_CHARS = 50_000
# Rich text: these tags only, links to the web or an e-mail address only, no other attribute.
RICH_TAGS = frozenset({"p", "br", "strong", "em", "ul", "ol", "li", "a"})
RICH_SCHEMES = frozenset({"http", "https", "mailto"})
_DROPPED_WITH_CONTENT = frozenset({"script", "style", "iframe", "object", "embed", "template", "noscript",
                                   "svg", "math", "title", "textarea", "select"})


def sanitise_rich(html: str) -> str:
    """Rich text cleaned to the few tags a reply may use; scripts and styles go with their content."""
    return nh3.clean(
        html,
        tags=set(RICH_TAGS),
        clean_content_tags=set(_DROPPED_WITH_CONTENT),
        attributes={"a": {"href"}},
        url_schemes=set(RICH_SCHEMES),
        url_relative="deny",
        link_rel=None,
        strip_comments=True,
    ).strip()


@dataclass
class DraftInput:
    """What the handler typed (and the files they chose) for one save."""

    text_format: str = PLAIN
    opening: str = ""
    points: list[ReplyPoint] = field(default_factory=list)
    closing: str = ""
    kept_file_ids: list[int] = field(default_factory=list)
    files: list[CheckedFile] = field(default_factory=list)


def reply_words(case: Case) -> ReplyWords:
    """The words around the points, in the language the person wrote in."""
    return ReplyWords(
        raised=in_person_language(case, N_("You raised: ")),
        answer=in_person_language(case, N_("Our answer: ")),
        chinese=(case.language or "zh_Hans").startswith("zh"),
    )


def latest_draft(case: Case) -> ReplyDraft | None:
    """The newest version of the reply of the current round (复查 and 复核 start a new reply)."""
    return db.session.scalar(
        select(ReplyDraft)
        .where(ReplyDraft.case_id == case.id, ReplyDraft.review_round == case.review_round)
        .order_by(ReplyDraft.version.desc())
        .limit(1)
    )


def draft_versions(case: Case) -> list[ReplyDraft]:
    """Every saved version of every round, newest first."""
    return list(db.session.scalars(
        select(ReplyDraft).where(ReplyDraft.case_id == case.id).order_by(ReplyDraft.version.desc())))


def draft_version(case: Case, version: int) -> ReplyDraft | None:
    """One version of the case's reply."""
    return db.session.scalar(
        select(ReplyDraft).where(ReplyDraft.case_id == case.id, ReplyDraft.version == version))


def draft_files(draft: ReplyDraft | None) -> list[DraftFile]:
    """The files a version carries, in its order."""
    if draft is None or not draft.file_ids:
        return []
    found = {f.id: f for f in db.session.scalars(select(DraftFile).where(
        DraftFile.case_id == draft.case_id, DraftFile.id.in_(draft.file_ids)))}
    return [found[file_id] for file_id in draft.file_ids if file_id in found]


def person_points(case: Case) -> list[str]:
    """The points of the person's message: the first message, or in a review round their newest one.

    Only what the person sent is read (never a note or one of our messages).
    """
    text = case.body
    if case.review_round:
        newest = db.session.scalar(
            select(CaseMessage.body_text)
            .where(CaseMessage.case_id == case.id, CaseMessage.direction == "inbound")
            .order_by(CaseMessage.created_at.desc(), CaseMessage.id.desc())
            .limit(1)
        )
        text = newest or text
    return split_points(text or "")


def _check(case: Case, data: DraftInput) -> None:
    if case.status != states.ASSIGNED:
        raise TriageError(_("The reply can be changed only while the department is working on it "
                            "(not while it waits for approval or after it was approved)."))
    if access.case_is_sealed(case):
        raise TriageError(_("A sealed accusation is answered on the discipline track, not with a reply "
                            "draft."))
    if data.text_format not in FORMATS:
        raise TriageError(_("Choose plain text or rich text."))
    if len(data.points) > MAX_POINTS:
        raise TriageError(_("A reply has at most %(num)d points.", num=MAX_POINTS))
    texts = [data.opening, data.closing, *(p.raised for p in data.points), *(p.answer for p in data.points)]
    if any(len(text) > MAX_FIELD_CHARS for text in texts):
        raise TriageError(_("A part of the reply is longer than %(num)d characters.", num=MAX_FIELD_CHARS))


def _kept_files(case: Case, data: DraftInput) -> list[int]:
    previous = latest_draft(case)
    allowed = set(previous.file_ids) if previous is not None else set()
    kept = [file_id for file_id in data.kept_file_ids if file_id in allowed]
    for checked in data.files:
        digest = hashlib.sha256(checked.data).hexdigest()
        same = db.session.scalar(select(DraftFile.id).where(
            DraftFile.case_id == case.id, DraftFile.sha256 == digest, DraftFile.filename == checked.filename))
        if same is None:
            stored = DraftFile(case_id=case.id, filename=checked.filename, content_type=checked.content_type,
                               size=len(checked.data), sha256=digest, data=checked.data)
            db.session.add(stored)
            db.session.flush()
            same = stored.id
        if same not in kept:
            kept.append(same)
    if len(kept) > MAX_FILES:
        raise TriageError(_("A reply carries at most %(num)d files.", num=MAX_FILES))
    return kept


def _cleaned(data: DraftInput) -> tuple[str, list[ReplyPoint], str]:
    """The parts as stored: plain text as typed; rich text cleaned (what the person raised stays text)."""
    if data.text_format == PLAIN:
        return data.opening.strip(), [ReplyPoint(p.raised.strip(), p.answer.strip()) for p in data.points], \
            data.closing.strip()
    return (sanitise_rich(data.opening),
            [ReplyPoint(p.raised.strip(), sanitise_rich(p.answer)) for p in data.points],
            sanitise_rich(data.closing))


def _same(draft: ReplyDraft | None, candidate: ReplyDraft) -> bool:
    if draft is None:
        return False
    fields = ("text_format", "opening", "points", "closing", "file_ids")
    return all(getattr(draft, name) == getattr(candidate, name) for name in fields)


def save_draft(case: Case, data: DraftInput, *, actor: StaffUser, now: datetime) -> ReplyDraft:
    """Save what was typed as the next version of the reply (the latest is returned unchanged when
    nothing differs). The first save of a case nobody has taken makes its author the handler. Flushes.
    """
    _check(case, data)
    opening, points, closing = _cleaned(data)
    words = reply_words(case)
    if data.text_format == RICH:
        body_html: str | None = sanitise_rich(compose_html(opening, points, closing, words))
        body_text = compose_text(html_to_text(opening),
                                 [ReplyPoint(p.raised, html_to_text(p.answer)) for p in points],
                                 html_to_text(closing), words)
    else:
        body_html, body_text = None, compose_text(opening, points, closing, words)
    candidate = ReplyDraft(
        case_id=case.id, review_round=case.review_round, author_id=actor.id, created_at=now,
        text_format=data.text_format, opening=opening, closing=closing,
        points=[{"point": p.raised, "answer": p.answer} for p in points],
        body_text=body_text, body_html=body_html, file_ids=_kept_files(case, data),
    )
    previous = latest_draft(case)
    if _same(previous, candidate):
        assert previous is not None
        return previous
    last = db.session.scalar(select(func.max(ReplyDraft.version)).where(ReplyDraft.case_id == case.id))
    candidate.version = (last or 0) + 1
    db.session.add(candidate)
    if case.handler_id is None:
        case.handler = actor
        note_event(case, "taken", actor=actor, now=now, detail={"handler": actor.email, "by": "first draft"},
                   flush=False)
    db.session.flush()
    return candidate


def stored_points(draft: ReplyDraft | None) -> list[ReplyPoint]:
    """The points of a saved version."""
    if draft is None:
        return []
    return [ReplyPoint(str(p.get("point", "")), str(p.get("answer", ""))) for p in draft.points or []]


def draft_file(case: Case, file_id: int) -> DraftFile | None:
    """A file of the case's reply (for download)."""
    return db.session.scalar(select(DraftFile).where(DraftFile.case_id == case.id, DraftFile.id == file_id))

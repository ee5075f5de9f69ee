"""Notice templates: which notices the person gets, the placeholders each may use, and the rules a
template must keep. Rendering is plain ``str.format_map`` over a fixed set of names, never Jinja:
staff text is data, not code.
"""

from __future__ import annotations

import html
import string
from collections.abc import Mapping
from dataclasses import dataclass

# Automatic answers (receipts) start their subject with this marker (cases.mailer re-exports it):
# the tracking page and the mailbox tell a receipt from the committee's answer by it.
ACKNOWLEDGEMENT_MARKER = "【回执】"
REFERENCE_TAG = "[{reference}]"

ACCEPTED = "accepted"
ACCEPTED_CASE = "accepted_case"
NOT_ACCEPTED = "not_accepted"
REFERRED = "referred"
MERGED = "merged"
REPEAT_LINKED = "repeat_linked"
EXTENSION = "extension"
REVIEW = "review"
RE_REVIEW = "re_review"
FINAL = "final"
CLOSED = "closed"
REPLY = "reply"
RECEIPT_WEB = "receipt_web"
RECEIPT_MAIL = "receipt_mail"
RECEIPT_TOO_LARGE = "receipt_too_large"

_COMMON = frozenset({"reference", "received_date", "tracking_url"})


@dataclass(frozen=True)
class NoticeKind:
    """One notice: the placeholders it may use, and what its text must contain."""

    key: str
    placeholders: frozenset[str]
    receipt: bool = False  # subject starts with the marker, then the reference
    body_needs: tuple[str, ...] = ()  # placeholders the body must keep


KINDS: dict[str, NoticeKind] = {kind.key: kind for kind in (
    NoticeKind(ACCEPTED, _COMMON),  # the discipline track's 受理告知 to a named reporter
    NoticeKind(ACCEPTED_CASE, _COMMON | {"department", "due_date"}),  # 受理告知 of any other case
    NoticeKind(NOT_ACCEPTED, _COMMON | {"reason"}),
    NoticeKind(REFERRED, _COMMON | {"referred_to", "reason"}),
    NoticeKind(MERGED, _COMMON | {"target"}),
    NoticeKind(REPEAT_LINKED, _COMMON | {"target"}),
    NoticeKind(EXTENSION, _COMMON | {"due_date", "reason", "department"}),
    NoticeKind(REVIEW, _COMMON | {"due_date", "department"}),
    NoticeKind(RE_REVIEW, _COMMON | {"due_date", "department"}),
    NoticeKind(FINAL, _COMMON),
    NoticeKind(CLOSED, _COMMON),  # 办结: after a satisfied rating, or when the rating wait ended
    # The reply's cover: the approved draft goes where {reply} stands, so it can never be left out.
    NoticeKind(REPLY, _COMMON | {"department", "reply"}, body_needs=("reply",)),
    # Receipts: the tracking code must reach the person (the stored copy shows it masked).
    NoticeKind(RECEIPT_WEB, _COMMON | {"tracking_code", "due_date", "estimate_note"}, receipt=True,
               body_needs=("tracking_code",)),
    NoticeKind(RECEIPT_MAIL, _COMMON | {"tracking_code", "subject"}, receipt=True,
               body_needs=("tracking_code",)),
    NoticeKind(RECEIPT_TOO_LARGE, _COMMON | {"tracking_code", "subject", "size_mb", "limit_mb"}, receipt=True,
               body_needs=("tracking_code",)),
)}
KEYS: tuple[str, ...] = tuple(KINDS)
LANGUAGES: tuple[str, ...] = ("zh_Hans", "en")
# Every name any notice may use (the preview's sample case fills them all).
PLACEHOLDERS: frozenset[str] = frozenset().union(*(kind.placeholders for kind in KINDS.values()))
SUBJECT_MAX = 200
BODY_MAX = 10_000


class TemplateProblem(ValueError):
    """A template breaks a rule: ``rule`` names it, ``field`` is "subject" or "body", ``name`` the
    placeholder concerned (the service words the message in the reader's language)."""

    def __init__(self, rule: str, field: str, name: str = "") -> None:
        super().__init__(f"{field}: {rule} {name}".strip())
        self.rule, self.field, self.name = rule, field, name


def placeholders_in(text: str, field: str) -> list[str]:
    """The placeholder names ``text`` uses, in order; a stray brace or a format spec is refused."""
    try:
        parts = list(string.Formatter().parse(text))
    except ValueError:
        raise TemplateProblem("braces", field) from None
    names = []
    for _literal, name, spec, conversion in parts:
        if name is None:
            continue
        if not name or spec or conversion:
            # "{}", "{0}", "{x!r}", "{x:>10}": only plain names, so nothing but a value is put in.
            raise TemplateProblem("plain_names", field, name)
        names.append(name)
    return names


def check(key: str, subject: str, body: str) -> None:
    """Refuse (TemplateProblem) a template that names an unknown placeholder or breaks its rules."""
    kind = KINDS[key]
    for field, text, limit in (("subject", subject, SUBJECT_MAX), ("body", body, BODY_MAX)):
        if not text.strip():
            raise TemplateProblem("empty", field)
        if len(text) > limit:
            raise TemplateProblem("too_long", field)
        for name in placeholders_in(text, field):
            if name not in kind.placeholders:
                raise TemplateProblem("unknown", field, name)
    if "\n" in subject or "\r" in subject:
        raise TemplateProblem("one_line", "subject")
    # The marker rule: a receipt starts "【回执】[{reference}]", every other notice "[{reference}]"
    # and never carries the marker (it would be hidden on the tracking page as a receipt). The
    # mailbox threads the person's answer by the reference in the subject.
    prefix = ACKNOWLEDGEMENT_MARKER + REFERENCE_TAG if kind.receipt else REFERENCE_TAG
    if not subject.lstrip().startswith(prefix):
        raise TemplateProblem("marker_receipt" if kind.receipt else "marker", "subject")
    if not kind.receipt and ACKNOWLEDGEMENT_MARKER in subject:
        raise TemplateProblem("marker", "subject")
    for name in kind.body_needs:
        if name not in placeholders_in(body, "body"):
            raise TemplateProblem("needed", "body", name)


class _Strict(dict[str, str]):
    def __missing__(self, name: str) -> str:
        raise TemplateProblem("unknown", "body", name)


def render(text: str, values: Mapping[str, str]) -> str:
    """``text`` with its placeholders filled from ``values`` (a name not given is refused)."""
    return text.format_map(_Strict(values))


def render_html(text: str, values: Mapping[str, str], raw: frozenset[str] = frozenset()) -> str:
    """``text`` as HTML: its own words and every value escaped (line breaks kept), except the
    values named in ``raw`` (already sanitised HTML, such as the approved reply)."""
    out = []
    for literal, name, _spec, _conversion in string.Formatter().parse(text):
        out.append(html.escape(literal).replace("\n", "<br>\n"))
        if name is not None:
            if name not in values:
                raise TemplateProblem("unknown", "body", name)
            out.append(values[name] if name in raw else html.escape(values[name]))
    return "".join(out)

"""POST /api/v1/cases/{reference}/actions/{action}: the steps the case page offers, through the same code.

The decisions of the case page run the staff decision table itself (cases.staff.decision_views.ACTIONS,
with the JSON body read like the page's form); the reply's steps validate the body with the page's own
WTForms forms (no CSRF: a bearer token is not a cookie) and call the same services. The view commits
once. Answers: 200 with the case as it now is; 403 when this user may not; 409 with the allowed actions
when the case's status does not allow the step (or a colleague has the case open); 422 with the errors.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import Response, jsonify, request
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from cases.api import api_bp, api_error, api_user, not_found
from cases.api.case_views import invalid, visible_case
from cases.api.shapes import RATE, api_actions, case_detail
from cases.domain import states
from cases.domain.reply_points import ReplyPoint
from cases.extensions import db
from cases.handling import approval, drafts, sending
from cases.handling.ratings import rate_reply
from cases.models import Case, StaffUser
from cases.models.types import utcnow
from cases.outbox import commit_and_dispatch
from cases.staff.case_views import log_sealed_view
from cases.staff.decision_views import ACTIONS, form_field, locked_message, may_decide
from cases.staff.handling_forms import DraftForm
from cases.staff.labels import status_label
from cases.staff.reply_forms import PhoneRatingForm, SendReplyForm
from cases.staff.reply_views import reply_methods
from cases.triage import access
from cases.triage.locks import holder
from cases.triage.workflow import TriageError

Body = Mapping[str, Any]


class FormRefused(Exception):
    """The body failed the page's form: the field errors go back as a 422."""

    def __init__(self, fields: dict[str, list[str]]) -> None:
        super().__init__("form refused")
        self.fields = fields


@dataclass(frozen=True)
class ApiAction:
    """One step of the API: who may take it, what it does, its body's fields (for the OpenAPI document)
    and the state table's action it needs (None: no status change, the service judges)."""

    name: str
    may: Callable[[StaffUser, Case], bool]
    run: Callable[[Case, StaffUser, Body], object]
    fields: dict[str, dict[str, Any]] = field(default_factory=dict)
    transition: str | None = None


def _string(description: str, **extra: Any) -> dict[str, Any]:
    return {"type": "string", "description": description, **extra}


_REASON = {"reason": _string("Reason or comment, as on the case page")}
_KIND = {"kind": _string("Kind code", enum=list(states.KINDS))}
_DEPARTMENT = {"department": _string("Department code")}
# The body of each decision of the case page: the names of its form's fields.
DECISION_FIELDS: dict[str, dict[str, dict[str, Any]]] = {
    "accept": {**_KIND, **_DEPARTMENT, **_REASON},
    "not_accept": _REASON,
    "refer_out": {"referred_to": _string("Where the person is referred"), **_REASON},
    "merge": {"target": _string("Reference of the case it repeats"), **_REASON},
    "link": {"item": _string("Problem code, or code:task id, like 1.1:42")},
    "unlink": {"problem": _string("Problem code")},
    "set_kind": {**_KIND, **_REASON},
    "mark_accusation": _REASON,
    "unmark_accusation": {**_KIND, **_REASON},
    "reroute": {**_DEPARTMENT, **_REASON},
    "decide_extension": {"decision": _string("approve or refuse", enum=["approve", "refuse"]), **_REASON},
    "named_party": {"name": _string("Name"), "staff_email": _string("Staff account e-mail"), **_DEPARTMENT},
    "return": _REASON,
    "request_extension": {"days": {"type": ["integer", "string"], "description": "Working days"}, **_REASON},
    "take": {},
    "submit": {},
    "approve": _REASON,
    "send_back": _REASON,
    "note": {"text": _string("The internal note")},
}
# The state table's action each decision needs (cases.domain.states), for a 409 before anything runs.
TRANSITIONS = {"accept": "accept", "not_accept": "not_accept", "refer_out": "refer_out", "merge": "merge",
               "reroute": "reassign", "return": "return", "submit": "draft_reply", "approve": "approve",
               "send_back": "send_back", "draft_reply": "draft_reply", "send_reply": "send_reply",
               RATE: "close"}


def _formdata(body: Body) -> MultiDict[str, Any]:
    """A JSON object as a form's POST data: lists repeat a name, lists of objects are numbered subforms."""
    data: MultiDict[str, Any] = MultiDict()
    for name, value in body.items():
        values = value if isinstance(value, list) else [value]
        for index, item in enumerate(values):
            if isinstance(item, dict):
                for key, sub in item.items():
                    data.add(f"{name}-{index}-{key}", "" if sub is None else str(sub))
            elif item is not None and not isinstance(item, dict | list):
                data.add(name, str(item).lower() if isinstance(item, bool) else str(item))
    return data


def _errors(errors: Any, prefix: str = "") -> dict[str, list[str]]:
    """WTForms' nested errors as flat field names (points-0-answer) → messages."""
    flat: dict[str, list[str]] = {}
    if isinstance(errors, dict):
        for key, value in errors.items():
            flat.update(_errors(value, f"{prefix}{key}" if not prefix else f"{prefix}-{key}"))
    elif isinstance(errors, list) and errors and all(isinstance(e, str) for e in errors):
        flat[prefix] = [str(e) for e in errors]
    elif isinstance(errors, list):
        for index, value in enumerate(errors):
            flat.update(_errors(value, f"{prefix}-{index}"))
    return {name: messages for name, messages in flat.items() if messages}


def _validated(form: Any) -> Any:
    if not form.validate():
        raise FormRefused(_errors(form.errors))
    return form


def _draft_reply(case: Case, user: StaffUser, body: Body) -> object:
    form = _validated(DraftForm(formdata=_formdata(body), meta={"csrf": False}))
    data = drafts.DraftInput(
        text_format=form.text_format.data or drafts.PLAIN, opening=form.opening.data or "",
        points=[ReplyPoint(e.form.raised.data or "", e.form.answer.data or "") for e in form.points],
        closing=form.closing.data or "", kept_file_ids=list(form.keep_files.data or []))
    now = utcnow()
    draft = drafts.save_draft(case, data, actor=user, now=now)
    if body.get("submit") is True:
        approval.submit_for_approval(case, actor=user, now=now)
    return draft


def _send_reply(case: Case, user: StaffUser, body: Body) -> object:
    form = SendReplyForm(formdata=_formdata(body), meta={"csrf": False})
    form.set_methods(reply_methods(case))
    _validated(form)
    return sending.send_reply(case, actor=user, now=utcnow(), method=form.method.data,
                              answered_on=form.answered_on.data, note=form.note.data or "")


def _rate(case: Case, user: StaffUser, body: Body) -> object:
    form = _validated(PhoneRatingForm(formdata=_formdata(body), meta={"csrf": False}))
    return rate_reply(case, int(form.level.data or 0), form.comment.data or "", now=utcnow(), actor=user)


# JSON Schema of a WTForms field, by its class (the OpenAPI document's request bodies).
_FIELD_SCHEMAS: dict[str, dict[str, Any]] = {
    "DateField": {"type": "string", "format": "date"},
    "SelectMultipleField": {"type": "array", "items": {"type": "integer"}},
    "FieldList": {"type": "array", "items": {"type": "object", "properties": {"raised": {"type": "string"},
                                                                              "answer": {"type": "string"}}}},
}


def _form_fields(form_class: type, **extra: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The JSON fields of a page's form (file uploads left out: JSON carries none)."""
    fields = {name: value.field_class.__name__ for name, value in vars(form_class).items()
              if hasattr(value, "field_class") and value.field_class.__name__ != "MultipleFileField"}
    return {name: _FIELD_SCHEMAS.get(kind, {"type": "string"}) for name, kind in fields.items()} | extra


def _from_table(name: str) -> ApiAction:
    who, run, _done = ACTIONS[name]
    return ApiAction(name, lambda user, case: may_decide(who, user, case),
                     lambda case, user, body: run(case, user, form_field(body)),
                     DECISION_FIELDS.get(name, {}), TRANSITIONS.get(name))


API_ACTIONS: dict[str, ApiAction] = {name: _from_table(name) for name in ACTIONS}
API_ACTIONS.update({
    "draft_reply": ApiAction("draft_reply", access.may_draft, _draft_reply, _form_fields(
        DraftForm, submit={"type": "boolean", "description": "Submit it for approval once saved"}),
        TRANSITIONS["draft_reply"]),
    "send_reply": ApiAction("send_reply", sending.may_send, _send_reply, _form_fields(SendReplyForm),
                            TRANSITIONS["send_reply"]),
    RATE: ApiAction(RATE, sending.may_send, _rate, _form_fields(PhoneRatingForm), TRANSITIONS[RATE]),
})


def _answer(case: Case, user: StaffUser, action: str) -> Response:
    """200: the case as it now is (null when this user may no longer see it, e.g. returned)."""
    shown = None
    if access.can_view(user, case):
        log_sealed_view(case, "api", user)
        shown = case_detail(user, case, utcnow())
    commit_and_dispatch()
    return jsonify({"done": action, "case": shown})


def _conflict(case: Case, user: StaffUser, message: str) -> Response:
    """409 with the case's status and the steps this user may take now."""
    response = jsonify({"error": "conflict", "message": message, "fields": {}, "status": case.status,
                        "allowed_actions": [step.code for step in api_actions(user, case, utcnow())]})
    response.status_code = 409
    return response


def _body() -> Body | None:
    if not request.get_data():
        return {}
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else None


@api_bp.post("/cases/<reference>/actions/<action>")
def case_action(reference: str, action: str) -> Any:
    """Take one step on a case with the same services and checks as the staff pages."""
    case = visible_case(reference)
    spec = API_ACTIONS.get(action)
    if case is None or spec is None:
        return not_found()
    body = _body()
    if body is None:
        return invalid({"body": [_("Send a JSON object.")]})
    user = api_user()
    if not spec.may(user, case):
        return api_error(403, "forbidden", _("You may not take that decision on this case."))
    if spec.transition is not None and spec.transition not in states.allowed_actions(case.status):
        return _conflict(case, user, _("That decision is not possible while the case is “%(status)s”.",
                                       status=status_label(case.status)))
    colleague = holder(case, utcnow())
    if colleague is not None and colleague.id != user.id:
        return _conflict(case, user, locked_message(colleague))
    offered = action in {step.code for step in api_actions(user, case, utcnow())}
    try:
        spec.run(case, user, body)
    except FormRefused as refused:
        db.session.rollback()
        return invalid(refused.fields)
    except states.IllegalTransition as error:
        db.session.rollback()
        return _conflict(case, user, _("That decision is not possible while the case is “%(status)s”.",
                                       status=status_label(error.status)))
    except TriageError as error:
        db.session.rollback()
        # A step the page does not offer this user now is theirs to take never or not yet: 403;
        # an offered one refused by its service had a body to correct: 422.
        return api_error(422 if offered else 403, "invalid" if offered else "forbidden", str(error))
    return _answer(case, user, action)

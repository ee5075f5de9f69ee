"""Public pages: the rectification catalogue, one problem, and how to contact the committee."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from flask import abort, current_app, render_template, url_for

from cases.catalogue import current_plan
from feedback import feedback_bp

# The notice's closing lines name the channels for opinions ("联系电话:…"); the labels are
# matched with either colon so that the next notice is read the same way.
_CONTACT_LINE = re.compile(r"^\s*(联系电话|电子邮箱|通讯地址|邮政编码)\s*[:：]\s*(.+?)\s*$", re.MULTILINE)
_CONTACT_KEYS = {"联系电话": "phone", "电子邮箱": "email", "通讯地址": "address", "邮政编码": "postcode"}


def contact_lines(source_text: str) -> dict[str, str]:
    """The notice's contact details: phone, email, address and postcode, when it states them."""
    found: dict[str, str] = {}
    for label, value in _CONTACT_LINE.findall(source_text or ""):
        # The same block may appear more than once; the first occurrence wins.
        found.setdefault(_CONTACT_KEYS[label], value)
    return found


def opinion_url(problem_code: str) -> str:
    """Where to give an opinion on one problem (the form's URL even before that route exists)."""
    if "feedback.new" in current_app.view_functions:
        return url_for("feedback.new", problem=problem_code)
    return "/feedback/new?" + urlencode({"problem": problem_code})


@feedback_bp.app_context_processor
def _catalogue_helpers() -> dict[str, object]:
    return {"opinion_url": opinion_url}


@feedback_bp.route("/")
def home() -> str:
    """The public home: the rectification catalogue of the current plan."""
    plan = current_plan()  # the whole tree, eagerly loaded
    contacts = contact_lines(plan.source_text) if plan is not None else {}
    return render_template("feedback/home.html", plan=plan, contacts=contacts)


@feedback_bp.route("/problems/<code>")
def problem(code: str) -> str:
    """One problem of the current plan with all its tasks and measures."""
    plan = current_plan()
    if plan is None:
        abort(404)
    # current_plan() has loaded the whole tree: look the problem up in it, no further query.
    found = next((p for area in plan.areas for p in area.problems if p.code == code), None)
    if found is None:
        abort(404)
    return render_template(
        "feedback/problem.html", plan=plan, problem=found, contacts=contact_lines(plan.source_text)
    )

"""The case page's panel of likely duplicates (cases.triage.duplicates), each with one click to merge."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _

from cases.models import Case, StaffUser
from cases.staff.panels import case_panel
from cases.triage.duplicates import Likely, likely_duplicates


def reasons(likely: Likely) -> list[str]:
    """Why a case looks like a repeat, in plain words of the page's language."""
    found = likely.match
    said = []
    if found.quoted:
        said.append(_("quotes %(reference)s", reference=found.quoted))
    if found.same_sender:
        said.append(_("same sender"))
    if found.similarity:
        said.append(_("similar text %(score)s", score=format_decimal(found.similarity, format="0.00")))
    return said


def merge_label(likely: Likely, case: Case) -> str:
    """The merge button's words: which case goes where, and whether it is only linked."""
    if likely.merged is None or likely.into is None:
        return ""
    if likely.merged.id == case.id:
        if likely.links_only:
            return _("Link this case to %(reference)s as a repeat", reference=likely.into.reference)
        return _("Merge this case into %(reference)s", reference=likely.into.reference)
    if likely.links_only:
        return _("Link %(reference)s to this case as a repeat", reference=likely.merged.reference)
    return _("Merge %(reference)s into this case", reference=likely.merged.reference)


@case_panel("staff/_duplicates.html", order=10)
def duplicates_panel(user: StaffUser, case: Case, now: datetime) -> dict[str, Any] | None:
    """The open or recently closed cases most like this one (only for those who take triage decisions)."""
    found = likely_duplicates(user, case, now)
    if not found:
        return None
    separator = "；" if get_locale().language == "zh" else "; "
    rows = [{"likely": likely, "why": separator.join(reasons(likely)), "label": merge_label(likely, case)}
            for likely in found]
    return {"rows": rows}

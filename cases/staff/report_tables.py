"""The report tables as pages and downloads show them: labels, group names and formatted values.

Every label and help text comes from the definitions module (``cases.reports.DEFINITIONS``);
nothing here computes a figure, it only names and formats what the report service returned.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import get_locale
from flask_babel import gettext as _

from cases.domain.report_definitions import BY_NAME, DAYS, RATE, Definition
from cases.models import Department
from cases.reports import DEFINITIONS, FigureSet
from cases.staff.labels import channel_label

# The columns of the per-group tables on the pages (the downloads hold every figure).
KEY_FIGURES: tuple[str, ...] = (
    "received", "accepted", "replied", "response_rate", "on_time_reply_rate", "closure_rate",
    "satisfaction_rate", "return_rate", "overdue_now", "median_days_to_reply",
)
NO_VALUE = "—"


@dataclass(frozen=True)
class FigureRow:
    """One figure of a total: its definition, translated label and help, raw value and text."""

    definition: Definition
    label: str
    help: str
    value: int | float | None
    text: str


def label_of(name: str) -> str:
    """The translated label of a figure."""
    return _(BY_NAME[name].label)


def help_of(name: str) -> str:
    """The translated help text (the formula in words) of a figure."""
    return _(BY_NAME[name].help)


def format_value(name: str, value: int | float | None) -> str:
    """A figure as text: rates in per cent with one decimal, days with one, "—" for no value."""
    if value is None:
        return NO_VALUE
    unit = BY_NAME[name].unit
    if unit == RATE:
        return f"{value * 100:.1f}%"
    if unit == DAYS and isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def figure_rows(figures: FigureSet) -> list[FigureRow]:
    """Every figure of a total, in the order of the definitions."""
    return [FigureRow(d, _(d.label), _(d.help), figures[d.name], format_value(d.name, figures[d.name]))
            for d in DEFINITIONS]


def department_name(department: Department) -> str:
    """A department's name in the page language."""
    return department.name_zh if get_locale().language == "zh" else department.name_en


def group_namer(by: str, departments: list[Department]) -> Callable[[str], str]:
    """How the groups of a report ``by`` department, problem or channel are named on a page."""
    names = {d.code: department_name(d) for d in departments}

    def name(group: str) -> str:
        if not group and by == "department":
            return _("No department (with the party office)")
        if not group:
            return _("No problem linked")
        if by == "department":
            return names.get(group, _("Other department"))
        if by == "channel":
            return channel_label(group)
        return group

    return name

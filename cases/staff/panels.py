"""Panels of the case page: each stage of handling adds what it shows about a case.

The case page renders one template per panel (``staff/_<name>.html``) with what the panel's
function returns; each package registers its panel at import time, so the case page never
grows a branch per stage (drafting and approval, sending the reply, the discipline track).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cases.models import Case, StaffUser

PanelFunction = Callable[[StaffUser, Case, datetime], dict[str, Any] | None]


@dataclass(frozen=True)
class Panel:
    """A registered panel: its template and the function that gives its context (None: not shown)."""

    template: str
    order: int
    context: PanelFunction


_PANELS: list[Panel] = []


def case_panel(template: str, order: int = 50) -> Callable[[PanelFunction], PanelFunction]:
    """Register a function giving ``template``'s context for a user and a case, or None to hide it."""

    def decorator(function: PanelFunction) -> PanelFunction:
        if all(panel.template != template for panel in _PANELS):
            _PANELS.append(Panel(template, order, function))
            _PANELS.sort(key=lambda panel: panel.order)
        return function

    return decorator


def panels_for(user: StaffUser, case: Case, now: datetime) -> list[tuple[str, dict[str, Any]]]:
    """(template, context) of every panel this user should see on this case now, in order."""
    shown = []
    for panel in _PANELS:
        context = panel.context(user, case, now)
        if context is not None:
            shown.append((panel.template, context))
    return shown

"""axe-core's WCAG 2.1 AA rules run on a page in Debian's Chromium (axe-playwright-python bundles axe)."""

from __future__ import annotations

from typing import Any

# The rules the project promises: WCAG 2.0 and 2.1, levels A and AA.
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def violations(page: Any) -> list[str]:
    """One line per WCAG 2.1 AA violation on the page as it is now (empty when it passes)."""
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page, options=WCAG_AA).response
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:5]} {v['help']}"
            for v in result["violations"]]

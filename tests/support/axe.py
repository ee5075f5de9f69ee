"""The axe-core accessibility check of a page in the browser tests (WCAG 2.1 A and AA rules).

axe-core comes inside the axe-playwright-python package (no download at test time). Our pages need no
JavaScript and the browser tests switch it off; axe needs it, so the page is opened again (same
cookies, same size) in a context of its own where scripts run, and checked there.
"""

from __future__ import annotations

from typing import Any

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page: Any) -> list[str]:
    """The WCAG 2.1 AA violations axe-core finds on ``page``: "rule (impact): target…" lines."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS},
                                       "resultTypes": ["violations"]})
    return [f"{v['id']} ({v['impact']}): {', '.join(str(n['target']) for n in v['nodes'][:5])}"
            for v in results.response["violations"]]


def assert_accessible(page: Any, name: str) -> None:
    """Fail with the rules broken when axe-core finds a WCAG 2.1 AA violation on the page ``page`` shows
    (a GET page: it is loaded again in a context with JavaScript on)."""
    context = page.context
    checker = context.browser.new_context(storage_state=context.storage_state(), viewport=page.viewport_size,
                                          java_script_enabled=True)
    try:
        copy = checker.new_page()
        copy.goto(page.url)
        found = axe_violations(copy)
    finally:
        checker.close()
    assert not found, f"{name}: " + "; ".join(found)

"""The pages' Content-Security-Policy (cases/web.py) forbids inline styles and scripts: a template
that used one would be silently broken in the browser (the report chart was drawn at four times
its size because its inline max-width was dropped)."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
INLINE = re.compile(r"""\sstyle\s*=|<style\b|\son[a-z]+\s*=\s*["']|<script\b(?![^>]*\bsrc=)"""
                    r"""|=\s*["']javascript:""", re.I)


def test_no_template_relies_on_what_the_policy_blocks():
    found = [f"{path.relative_to(TEMPLATES)}:{number}: {line.strip()[:80]}"
             for path in sorted(TEMPLATES.rglob("*.html"))
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if INLINE.search(line)]
    assert found == []


def test_the_check_finds_what_it_looks_for():
    for line in ('<svg style="max-width: 9px">', "<style>p{}</style>", '<a onclick="x()">',
                 "<script>x()</script>", '<a href="javascript:x()">'):
        assert INLINE.search(line), line
    assert not INLINE.search('<script src="/static/js/progress.js" defer></script>')

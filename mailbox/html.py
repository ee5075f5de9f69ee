"""HTML bodies: sanitising for display (nh3) and plain-text extraction for HTML-only mail."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

import nh3

# Content of these elements is dropped together with the tag, not merely unwrapped.
_DROP_WITH_CONTENT = frozenset({"script", "style", "iframe", "object", "embed", "noscript", "template",
                                "title", "frame", "frameset", "applet", "svg", "math"})
_TAGS = frozenset(nh3.ALLOWED_TAGS) - _DROP_WITH_CONTENT
# cid: is how mail refers to its own inline parts; data: carries small embedded images.
_URL_SCHEMES = frozenset(nh3.ALLOWED_URL_SCHEMES) | {"cid", "data"}
_SAFE_DATA_IMAGE = re.compile(r"data:image/(?:png|jpeg|jpg|gif|webp|bmp);", re.IGNORECASE)


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    lowered = value.strip().lower()
    if tag == "img" and attribute == "src":
        # Remote images are tracking beacons: only the message's own parts and data: images load.
        if lowered.startswith("cid:") or _SAFE_DATA_IMAGE.match(lowered):
            return value
        return None
    if lowered.startswith("data:"):  # data: links can carry whole HTML documents
        return None
    return value


def sanitise_html(html: str) -> str:
    """Sanitise mail HTML: no scripts, handlers, styles, frames or forms; no remote images."""
    return nh3.clean(
        html,
        tags=set(_TAGS),
        clean_content_tags=set(_DROP_WITH_CONTENT),
        url_schemes=set(_URL_SCHEMES),
        attribute_filter=_attribute_filter,
        link_rel="noopener noreferrer",
        url_relative="deny",
        strip_comments=True,
    )


_BLOCK = frozenset({"p", "div", "br", "li", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6",
                    "blockquote", "pre", "hr", "ul", "ol", "dl", "dt", "dd", "section", "article",
                    "header", "footer", "address", "center", "form", "fieldset"})
# Not "head": an unclosed <head> would swallow the whole body.
_SKIP = frozenset({"script", "style", "title", "template", "xml", "noscript"})


_TAG = re.compile(r"<[^>]*>")
_SKIPPED = re.compile(r"<(script|style|title|template|xml|noscript)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skipping += 1
        elif tag in _BLOCK:
            self.parts.append("\n")
        elif tag in ("td", "th"):
            self.parts.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """Readable plain text of an HTML document (for HTML-only mail)."""
    extractor = _TextExtractor()
    try:
        extractor.feed(html)
        extractor.close()
        text = "".join(extractor.parts)
    except AssertionError:
        # html.parser raises AssertionError on some malformed "<![...]" sections; strip tags instead.
        text = unescape(_TAG.sub("\n", _SKIPPED.sub("", html)))
    text = text.replace("\xa0", " ")
    lines = [re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()

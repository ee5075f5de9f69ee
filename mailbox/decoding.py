"""Charset handling for incoming mail: label aliases, detection, RFC 2047 words, RFC 2231 parameters.

Everything here works on bytes (or on the ``str`` the email package stores for raw header values,
where undecoded 8-bit bytes are kept as lone surrogates by ``surrogateescape``) and returns text plus
"charset flags": short human-readable notes about every repair we had to make.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import re
import urllib.parse
from collections.abc import Iterable
from email.message import Message

import charset_normalizer

# Chinese mail clients label GBK (and sometimes GB18030) text as gb2312; GB18030 is a strict
# superset of all of these, so reading every such label as gb18030 decodes 镕, 堃 and friends.
_GB_LABELS = frozenset({
    "gb2312", "gbk", "euc-cn", "euccn", "x-euc-cn", "cp936", "ms936", "936", "x-gbk", "csgb2312",
    "gb_2312", "gb_2312-80", "gb2312-80", "csgb231280", "csiso58gb231280", "iso-ir-58", "chinese",
    "gb18030", "gb-18030", "windows-936",
})
_BIG5_LABELS = frozenset({"big5", "big-5", "cn-big5", "csbig5", "x-x-big5", "x-big5", "cp950",
                          "big5-hkscs", "big5hkscs", "windows-950"})
_ASCII_LABELS = frozenset({"us-ascii", "ascii", "ansi_x3.4-1968", "iso646-us", "646", "us", "7bit"})
# Big5 in the wild is usually Microsoft's cp950 or HKSCS: try the variants before giving up.
_FAMILY = {"gb18030": ("gb18030",), "big5": ("big5", "cp950", "big5hkscs")}
# Single-byte Western labels decode anything, so only strong evidence (valid UTF-8) overrides them.
_WESTERN = frozenset({"iso8859-1", "cp1252"})
# What this mailbox realistically receives, in order of likelihood.
_LIKELY = ("utf_8", "gb18030", "big5")

# (codec, how it was chosen) for the raw 8-bit headers of one message, which share one charset.
Hint = tuple[str, str]

_LABEL = re.compile(r"[a-z0-9][a-z0-9._:+-]{0,39}")
_EIGHT_BIT = re.compile(rb"[\x80-\xff]")
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")
_FOLD = re.compile(r"\r?\n(?=[ \t])")
_ENCODED_WORD = re.compile(r"=\?([^?\s*]+)(?:\*[^?\s]*)?\?([bBqQ])\?([^?\s]*)\?=")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
# Unicode Cc: C0 (with TAB, CR, LF, NUL), DEL and C1.
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]+")


def canonical_charset(label: str | None) -> str | None:
    """Map a declared charset label to the codec we decode with; None when missing or unknown."""
    if not label:
        return None
    name = label.strip().strip("\"'").lower()
    if not _LABEL.fullmatch(name):  # damaged labels (8-bit bytes, NUL) name no codec
        return None
    if name in _GB_LABELS:
        return "gb18030"
    if name in _BIG5_LABELS:
        return "big5"
    if name in _ASCII_LABELS:
        return "ascii"
    try:
        info = codecs.lookup(name)
    except LookupError:
        return None
    # bytes.decode refuses non-text codecs (base64, zlib...) anyway; treat them as unknown labels.
    return info.name if getattr(info, "_is_text_encoding", True) else None


def has_eight_bit(data: bytes) -> bool:
    """True when the bytes are not pure 7-bit ASCII."""
    return _EIGHT_BIT.search(data) is not None


def is_utf8(data: bytes) -> bool:
    """True when the bytes are valid UTF-8."""
    return _strict(data, "utf-8") is not None


def _strict(data: bytes, codec: str) -> str | None:
    for variant in _FAMILY.get(codec, (codec,)):
        try:
            return data.decode(variant)
        except (UnicodeDecodeError, LookupError):
            continue
    return None


def _family(encoding: str) -> str:
    return canonical_charset(encoding) or encoding


def detect(data: bytes) -> tuple[str, str, bool]:
    """Guess the charset of 8-bit text: (codec, text, lossy); utf-8, gb18030 and big5 first."""
    text = _strict(data, "utf-8")
    if text is not None:
        return "utf-8", text, False
    # Unrestricted detection picks cp949 or similar for short Chinese texts; restrict it first.
    for isolation in (list(_LIKELY), None):
        best = charset_normalizer.from_bytes(data, cp_isolation=isolation).best()
        if best is not None:
            codec = _family(best.encoding)
            text = _strict(data, codec)
            if text is not None:
                return codec.replace("_", "-"), text, False
    for codec in ("gb18030", "big5"):
        text = _strict(data, codec)
        if text is not None:
            return codec, text, False
    # Nothing decodes cleanly: keep the reading that loses the fewest characters.
    readings = [(data.decode(codec, "replace"), codec) for codec in ("utf-8", "gb18030", "big5")]
    text, codec = min(readings, key=lambda reading: reading[0].count("\ufffd"))
    return codec, text, True


def _detected(codec: str, lossy: bool) -> str:
    return f"detected {codec}" + (" (undecodable bytes replaced)" if lossy else "")


def decode_text(data: bytes, declared: str | None, what: str) -> tuple[str, str | None]:
    """Decode a body or word under its declared charset, repairing and flagging when that fails."""
    codec = canonical_charset(declared)
    eight_bit = has_eight_bit(data)
    if declared is None or not declared.strip():
        if not eight_bit:
            return data.decode("ascii"), None
        found, text, lossy = detect(data)
        return text, f"missing charset on {what}: {_detected(found, lossy)}"
    label = declared.strip().strip("\"'").lower()
    if codec is None:
        found, text, lossy = detect(data)
        return text, f"unknown charset {label!r} on {what}: {_detected(found, lossy)}"
    if codec == "ascii" and eight_bit:
        found, text, lossy = detect(data)
        return text, f"declared {label} but 8-bit data in {what}: {_detected(found, lossy)}"
    if eight_bit and codec != "utf-8" and (codec in _FAMILY or codec in _WESTERN):
        # Valid multi-byte UTF-8 is almost never an accident in GBK, Big5 or Latin-1 text.
        utf8 = _strict(data, "utf-8")
        if utf8 is not None and len(_UTF8_MULTIBYTE.findall(data)) >= 2:
            return utf8, f"declared {label} but utf-8 data in {what}: detected utf-8"
    text = _strict(data, codec)
    if text is not None:
        return text, None
    found, text, lossy = detect(data)
    return text, f"declared {label} but undecodable {what}: {_detected(found, lossy)}"


def decode_raw(data: bytes, what: str, hint: Hint | None = None) -> tuple[str, str | None]:
    """Decode raw 8-bit header bytes: UTF-8 (RFC 6532) silently, else the message's charset or a guess."""
    if not has_eight_bit(data):
        return data.decode("ascii"), None
    text = _strict(data, "utf-8")
    if text is not None:
        return text, None
    if hint:
        text = _strict(data, hint[0])
        if text is not None:
            return text, f"raw 8-bit {what}: {hint[1]}"
    found, text, lossy = detect(data)
    return text, f"raw 8-bit {what}: {_detected(found, lossy)}"


def html_meta_charset(data: bytes) -> str | None:
    """The charset an HTML document declares in a <meta> tag, if any."""
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii") if match else None


def unfold(value: str) -> str:
    """Undo RFC 5322 header folding."""
    return _FOLD.sub("", value).replace("\r", "").replace("\n", "")


def fold_controls(text: str) -> str:
    """A decoded header value with each run of control characters (and the spaces around it) as one space."""
    # An encoded word can carry CR/LF: kept, they would inject header lines wherever the value is
    # written into a header again (the subject of our reply). Split, not one regex with " *" around
    # the run: that backtracks quadratically on a long run of spaces.
    pieces = _CONTROLS.split(text)
    if len(pieces) == 1:
        return text
    edges = [pieces[0].rstrip(" "), *(piece.strip(" ") for piece in pieces[1:-1]), pieces[-1].lstrip(" ")]
    return " ".join(piece for piece in edges if piece)


def to_bytes(value: str) -> bytes:
    """Recover the original bytes of a raw header value (8-bit bytes are stored as surrogates)."""
    return value.encode("utf-8", "surrogateescape")


def payload_bytes(part: Message) -> bytes:
    """A leaf part's body with its transfer encoding undone (8-bit bytes exactly as received)."""
    data = part.get_payload(decode=True)
    return data if isinstance(data, bytes) else b""


def raw_headers(msg: Message, name: str) -> list[str]:
    """Every raw (undecoded, unfolded) value of a header, bypassing the policy's header parser."""
    wanted = name.lower()
    return [unfold(str(value)) for key, value in msg.raw_items() if key.lower() == wanted]


def raw_header(msg: Message, name: str) -> str | None:
    """The first raw value of a header, or None."""
    values = raw_headers(msg, name)
    return values[0] if values else None


def _word_bytes(encoding: str, payload: str) -> bytes | None:
    data = to_bytes(payload)
    try:
        if encoding in "qQ":
            return binascii.a2b_qp(data, header=True)
        data = data.rstrip(b"=")
        if len(data) % 4 == 1:  # one stray character cannot carry a byte; drop it
            data = data[:-1]
        return base64.b64decode(data + b"=" * (-len(data) % 4))
    except (binascii.Error, ValueError):
        return None


def decode_words(value: str, what: str, hint: Hint | None = None) -> tuple[str, list[str]]:
    """Decode a header value: RFC 2047 words (folded, mixed charsets, also inside quotes) and raw 8-bit."""
    value = unfold(value)
    # (charset, bytes) for encoded words; (None, bytes) for the literal runs between them.
    pieces: list[tuple[str | None, bytes]] = []
    position = 0
    for match in _ENCODED_WORD.finditer(value):
        literal = value[position:match.start()]
        position = match.end()
        data = _word_bytes(match.group(2), match.group(3))
        if data is None:  # not really an encoded word: keep it as written
            pieces.append((None, to_bytes(literal + match.group(0))))
            continue
        # RFC 2047: whitespace between adjacent encoded words is not part of the text.
        if literal and not (literal.isspace() and pieces and pieces[-1][0] is not None):
            pieces.append((None, to_bytes(literal)))
        charset = match.group(1).lower()
        # Encoders split one multi-byte character across two words, so join same-charset neighbours.
        if pieces and pieces[-1][0] == charset:
            pieces[-1] = (charset, pieces[-1][1] + data)
        else:
            pieces.append((charset, data))
    if position < len(value):
        pieces.append((None, to_bytes(value[position:])))
    out: list[str] = []
    flags: list[str] = []
    for charset, data in pieces:
        if charset is None:
            text, flag = decode_raw(data, what, hint)
        else:
            text, flag = decode_text(data, charset, f"encoded word in {what}")
        out.append(text)
        if flag:
            flags.append(flag)
    return "".join(out), flags


def _split_params(value: str) -> list[str]:
    items, current, quoted, escaped = [], [], False, False
    for char in value:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\" and quoted:
            current.append(char)
            escaped = True
        elif char == '"':
            quoted = not quoted
            current.append(char)
        elif char == ";" and not quoted:
            items.append("".join(current))
            current = []
        else:
            current.append(char)
    items.append("".join(current))
    return items


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return re.sub(r"\\(.)", r"\1", value[1:-1])
    return value


def parse_params(value: str, what: str, hint: Hint | None = None) -> tuple[str, dict[str, str], list[str]]:
    """Split a Content-Type/Content-Disposition value into (token, decoded params, charset flags)."""
    head, *rest = _split_params(unfold(value))
    plain: dict[str, str] = {}
    extended: dict[str, dict[int, tuple[bool, str]]] = {}
    for item in rest:
        name, sep, raw = item.partition("=")
        if not sep:
            continue
        name = name.strip().lower()
        match = re.fullmatch(r"([^*]+)\*(?:(\d+)\*?|)", name) if "*" in name else None
        if match:  # RFC 2231: name*=, name*0=, name*1*=
            index = int(match.group(2)) if match.group(2) else 0
            is_encoded = name.endswith("*")
            extended.setdefault(match.group(1), {})[index] = (is_encoded, _unquote(raw))
        else:
            plain.setdefault(name, _unquote(raw))
    params: dict[str, str] = {}
    flags: list[str] = []
    for name, segments in extended.items():
        text, segment_flags = _join_rfc2231([segments[i] for i in sorted(segments)], f"{what} {name}", hint)
        params[name] = text
        flags.extend(segment_flags)
    for name, raw in plain.items():
        if name not in params:
            text, word_flags = decode_words(raw, f"{what} {name}", hint)
            params[name] = text
            flags.extend(word_flags)
    return head.strip().lower(), params, flags


def _join_rfc2231(segments: Iterable[tuple[bool, str]], what: str,
                  hint: Hint | None) -> tuple[str, list[str]]:
    charset: str | None = None
    data = b""
    for number, (is_encoded, raw) in enumerate(segments):
        if is_encoded:
            if number == 0 and raw.count("'") >= 2:
                charset, _language, raw = raw.split("'", 2)
            data += urllib.parse.unquote_to_bytes(to_bytes(raw))
        else:
            data += to_bytes(raw)
    if charset:
        text, flag = decode_text(data, charset, what)
        return text, [flag] if flag else []
    # No charset (or broken clients wrapping encoded words in continuations): decode like a header.
    return decode_words(data.decode("ascii", "surrogateescape"), what, hint)


def charset_hint(msg: Message) -> Hint | None:
    """How to read raw 8-bit headers: one client wrote them all, so one charset for the message."""
    samples = []
    for part in msg.walk():
        _, params, _ = parse_params(raw_header(part, "content-type") or "", "content-type")
        codec = canonical_charset(params.get("charset"))
        if codec and codec not in ("ascii", "utf-8"):
            return codec, f"read as {codec} like the message body"
        for _name, value in part.raw_items():
            data = to_bytes(str(value))
            if has_eight_bit(data) and not is_utf8(data):  # UTF-8 headers decode on their own
                samples.append(data)
    if not samples:
        return None
    # Detecting on all raw header bytes together is far more reliable than on one short name.
    codec, _text, _lossy = detect(b"\n".join(samples))
    return codec, f"detected {codec}"

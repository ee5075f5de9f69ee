"""What may run when opened: executable file-name endings, web pages and scripts in text (pure).

Text files are accepted because people type their letters in Notepad; text that a browser or
Windows would run (HTML, SVG, XML with script, batch, PowerShell, VBScript, JScript, HTA, shell)
is not, whatever the file is called. The markers are ones no letter to the committee contains.
"""

from __future__ import annotations

import re

# Endings Windows, a browser or a desktop runs or renders on a double click. Checked on the clean
# name (see cases.domain.filenames), so "run.bat." and "run.bat " count as .bat.
EXECUTABLE_EXTENSIONS = frozenset({
    # Windows programs, installers, libraries, shortcuts and settings
    "exe", "com", "scr", "pif", "cpl", "dll", "ocx", "sys", "drv", "msi", "msp", "mst", "msc",
    "lnk", "url", "scf", "inf", "reg", "chm", "hlp", "gadget", "application", "appref-ms",
    "settingcontent-ms", "library-ms", "appx", "msix", "xbap",
    # scripts
    "bat", "cmd", "hta", "js", "jse", "mjs", "vbs", "vbe", "vb", "wsf", "wsh", "wsc", "sct", "ps1",
    "psm1", "psd1", "ps1xml", "psc1", "sh", "bash", "zsh", "csh", "ksh", "command", "py", "pyw",
    "pl", "rb", "php", "phtml", "asp", "aspx", "jsp", "cgi",
    # web pages and documents that carry script
    "html", "htm", "xhtml", "xht", "shtml", "mht", "mhtml", "svg", "svgz", "xsl", "xslt",
    # other platforms' programs and packages
    "jar", "apk", "app", "dmg", "pkg", "deb", "rpm", "run", "bin", "elf", "desktop",
    # Office files with macros (the accepted docx/xlsx carry none)
    "docm", "dotm", "xlsm", "xltm", "xlam", "pptm", "potm", "ppam", "ppsm", "sldm",
})

# What a browser sniffs as HTML at the start of a file (WHATWG MIME Sniffing, "text/html").
_HTML_START = re.compile(
    r"[\s\ufeff]*<(?:!doctype\s+html|html|head|body|script|iframe|h1|div|font|table|a|style|title"
    r"|b|br|p|!--)(?=[\s>/])"
)
# Searched in the lower-cased text. Every pattern starts with one literal character, and the plain
# markers are substrings: a regular expression whose alternatives start differently tries each of
# them at every position, seconds for a 20 MB scan.
#
# Markup that runs or loads something wherever it stands: script, frames, objects, SVG, HTA, a
# refresh, event handlers; script URLs; XML that asks for a stylesheet (XSLT runs script) or is XHTML.
_MARKUP_PATTERNS = (
    re.compile(
        r"<(?:(?:script|iframe|frame|frameset|object|embed|applet|svg|html|body|form|base|link"
        r"|hta:application)(?![a-z0-9-])|meta[^>]{0,2000}http-equiv|[a-z][^<>]{0,2000}[\s/]on[a-z]+\s*="
        r"|\?xml-stylesheet)"
    ),
    re.compile(r"javascript\s*:"),
    re.compile(r"vbscript\s*:"),
)
_MARKUP_MARKERS = ("http://www.w3.org/1999/xhtml",)
# Scripts: batch commands, PowerShell, VBScript and JScript (Windows Script Host), and the programs
# that run them. A shebang is checked at the start.
_SCRIPT_PATTERNS = (
    re.compile(r"echo[ \t]+off(?![a-z])"),
    re.compile(r"\n[ \t]*@(?:echo|rem|set|setlocal|call|start|cd|if|goto|for|cls|title|chcp|pushd|del"
               r"|copy)(?![a-z])"),
    re.compile(r"p(?:owershell|wsh)(?:\.exe)?[ \t]+[-/]"),
    re.compile(r"cmd(?:\.exe)?[ \t]+/[ck](?![a-z])"),
    re.compile(r"iex[ \t]*[(\"'$]"),
    re.compile(r"createobject[ \t]*\("),
    re.compile(r"getobject[ \t]*\("),
    re.compile(r"activexobject[ \t]*\("),
    re.compile(r"document\.write[ \t]*\("),
)
_SCRIPT_MARKERS = (
    "invoke-expression", "invoke-webrequest", "invoke-restmethod", "invoke-command", "start-process",
    "set-executionpolicy", "add-type", "get-wmiobject", "downloadstring", "downloadfile",
    "frombase64string", "-encodedcommand", "-executionpolicy", "[system.reflection.assembly]",
    "net.webclient", "wscript.", "cscript", "mshta", "rundll32", "regsvr32", "shell.application",
    "on error resume next", "string.fromcharcode",
)


def executable_name(extension: str) -> bool:
    """True when a file with this (lower-case) extension would run or render when opened."""
    return extension in EXECUTABLE_EXTENSIONS


def _found(text: str, patterns: tuple[re.Pattern[str], ...], markers: tuple[str, ...]) -> bool:
    return any(marker in text for marker in markers) or any(p.search(text) for p in patterns)


def active_text(text: str) -> str | None:
    """Why ``text`` would run when opened ("markup" or "script"), or None for inert text."""
    lowered = "\n" + text.lower()  # the newline lets line-start patterns match the first line
    if _HTML_START.match(lowered, 1) or _found(lowered, _MARKUP_PATTERNS, _MARKUP_MARKERS):
        return "markup"
    if text.lstrip("\ufeff").startswith("#!") or _found(lowered, _SCRIPT_PATTERNS, _SCRIPT_MARKERS):
        return "script"
    return None

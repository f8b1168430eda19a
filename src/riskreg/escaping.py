"""User text made safe for what shows it: a terminal, a Markdown renderer, or a spreadsheet program.

Stored text is checked on the way in (riskreg.domain.ledger.clean_text refuses
control characters), but a message quotes file names and headers as given,
and a register may hold what an older riskreg let in; so whatever reaches a
terminal or a Markdown file is escaped on the way out as well.
"""

import re
from typing import Any

# C0 controls but newline and tab, DEL and C1 controls, the Unicode line and paragraph separators, and the
# bidirectional overrides and isolates (U+202E shows 隐患ABC as 隐患CBA: text that reads other than it is).
CONTROL = "\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
# Characters that show nothing: a name made of these alone is an empty name.
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
# On the way out a CR that ends a line before its LF (CSV's line ending) stays: it moves the cursor nowhere
# the LF would not.
_CONTROL = re.compile("\r(?!\n)|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
# Markdown's inline punctuation (emphasis, code, links and images, tables, strikethrough), and what starts a
# heading, list, quote or rule at the start of a line; HTML's three.
_MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]|~])")
_MARKDOWN_LINE_START = re.compile(r"^(\s*(?=[#+\-=>])|\s*\d+(?=[.)]))")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
# Excel and WPS run a CSV cell that starts with one of these as a formula (=HYPERLINK(…) typed into a title
# would become a live link); a leading apostrophe makes them show it as text, and import takes it off again.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def visible(text: str) -> str:
    """Control characters (ESC, BEL, a CR not ending a line, C1 …; not newline or tab) as \\xNN escapes, so no
    text can move the cursor, recolour the screen or retitle the window."""
    return _CONTROL.sub(lambda found: f"\\x{ord(found.group()):02x}" if found.group() < "\u0100"
                        else f"\\u{ord(found.group()):04x}", text)


def markdown_text(text: str) -> str:
    """Text that a Markdown renderer shows as written: no HTML (<script>, <img onerror>), links, emphasis,
    table cells or headings made from it; one line."""
    text = " ".join(visible(text).splitlines())
    text = "".join(_HTML.get(ch, ch) for ch in text)
    text = _MARKDOWN_INLINE.sub(r"\\\1", text)
    return _MARKDOWN_LINE_START.sub(r"\1\\", text)


def csv_cell(value: Any) -> Any:
    """A value for a CSV cell that a spreadsheet program shows as text, never runs as a formula."""
    return f"'{value}" if isinstance(value, str) and value.startswith(_FORMULA_START) else value


def from_csv_cell(value: str) -> str:
    """A CSV cell as it was before csv_cell kept it from being a formula."""
    return value[1:] if value.startswith("'") and value[1:].startswith(_FORMULA_START) else value

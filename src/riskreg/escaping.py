"""User text made safe for what shows it: a terminal, or a Markdown renderer.

Stored text is checked on the way in (riskreg.domain.ledger.clean_text refuses
control characters), but a message quotes file names and headers as given,
and a register may hold what an older riskreg let in; so whatever reaches a
terminal or a Markdown file is escaped on the way out as well.
"""

import re

# C0 controls but newline and tab, DEL and C1 controls, and the Unicode line and paragraph separators.
CONTROL = "\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029"
_CONTROL = re.compile(f"[{CONTROL}]")
# Markdown's inline punctuation (emphasis, code, links and images, tables, strikethrough), and what starts a
# heading, list, quote or rule at the start of a line; HTML's three.
_MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]|~])")
_MARKDOWN_LINE_START = re.compile(r"^(\s*(?=[#+\-=>])|\s*\d+(?=[.)]))")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def visible(text: str) -> str:
    """Control characters (ESC, BEL, CR, C1 …; not newline or tab) as \\xNN escapes, so no text can move the
    cursor, recolour the screen or retitle the window."""
    return _CONTROL.sub(lambda found: f"\\x{ord(found.group()):02x}" if found.group() < "\u0100"
                        else f"\\u{ord(found.group()):04x}", text)


def markdown_text(text: str) -> str:
    """Text that a Markdown renderer shows as written: no HTML (<script>, <img onerror>), links, emphasis,
    table cells or headings made from it; one line."""
    text = " ".join(visible(text).splitlines())
    text = "".join(_HTML.get(ch, ch) for ch in text)
    text = _MARKDOWN_INLINE.sub(r"\\\1", text)
    return _MARKDOWN_LINE_START.sub(r"\1\\", text)

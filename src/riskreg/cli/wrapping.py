"""Help text wrapped as a terminal shows it: Chinese characters two cells wide, and a line broken between them.

Click wraps by character count and only at spaces, so a Chinese help line ran to twice the terminal's width and
was then cut inside `$RISKREG_DB` or an --option; and it joined a docstring's lines with a space, which shows
between two Chinese characters. Here a line may break between wide characters or at a space, never inside a
run of narrow ones (an option, a variable, a path), and never before a closing mark such as ，or ）.
"""

import re
import unicodedata

# Punctuation a line must not start with, and punctuation it must not end with.
_CLOSING = set("，。、；：？！）》」』”’】]")
_OPENING = set("（《「『“‘【[")


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF"


def cells(text: str) -> int:
    """The width of `text` on a terminal: a wide (Chinese) character takes two cells."""
    if text.isascii():  # most of a help page: measured per character, it was a third of `--help`'s time
        return len(text)
    return sum(2 if _wide(ch) else 1 for ch in text)


def joined(lines: list[str]) -> str:
    """Lines of one paragraph as one: a space between them, except where a wide character meets the break."""
    text = ""
    for line in (line.strip() for line in lines):
        if text and line and not (_wide(text[-1]) or _wide(line[0])):
            text += " "
        text += line
    return text


def _pieces(text: str) -> list[str]:
    """What a line may not break inside: a run of narrow characters, or one wide character, with the closing
    marks after it and the opening marks before it; runs of spaces stand alone."""
    pieces: list[str] = []
    opening, run = "", ""
    for ch in text:
        if ch.isspace() or _wide(ch) or ch in _CLOSING or ch in _OPENING:
            if run:
                pieces.append(opening + run)
                opening, run = "", ""
            if ch.isspace():
                if pieces and pieces[-1].isspace():
                    pieces[-1] += ch
                else:
                    pieces.append(opening + ch if opening else ch)
                    opening = ""
            elif ch in _OPENING or (ch in _CLOSING and opening):  # （） waits, whole, for what follows it
                opening += ch
            elif ch in _CLOSING and pieces and not pieces[-1].isspace():
                pieces[-1] += ch
            else:
                pieces.append(opening + ch)
                opening = ""
        else:
            run += ch
    if run or opening:
        pieces.append(opening + run)
    return pieces


def fill(text: str, width: int, initial_indent: str = "", subsequent_indent: str = "") -> str:
    lines, line, indent = [], "", initial_indent
    used = cells(indent)  # the cells of indent + line, kept as the line grows
    for piece in _pieces(text):
        if piece.isspace():
            if line:  # kept as written inside a line ("…。  [默认：06:30]")
                line += piece
                used += cells(piece)  # an ideographic space is two cells
            continue
        width_of_piece = cells(piece)
        if line and used + width_of_piece > width:
            lines.append(indent + line.rstrip())
            line, indent = "", subsequent_indent
            used = cells(indent)
        line += piece
        used += width_of_piece
    if line or not lines:
        lines.append(indent + line.rstrip())
    return "\n".join(lines)


def wrap_text(text: str, width: int, initial_indent: str = "", subsequent_indent: str = "",
              preserve_paragraphs: bool = False) -> str:
    """Click's wrap_text (paragraphs, a \\b paragraph kept as written), measured in cells; text without a wide
    character is Click's to wrap, as it always was."""
    if text.isascii() or not any(_wide(ch) for ch in text):
        from typer._click.formatting import wrap_text as click_wrap

        return click_wrap(text, width, initial_indent, subsequent_indent, preserve_paragraphs)
    text = text.expandtabs()
    if not preserve_paragraphs:
        return fill(joined(text.splitlines()), width, initial_indent, subsequent_indent)
    paragraphs: list[tuple[int, bool, list[str]]] = []
    for block in re.split(r"\n\s*\n", text.strip("\n")):
        rows = block.splitlines()
        raw = rows[0].strip() == "\b"
        rows = rows[1:] if raw else rows
        extra = len(rows[0]) - len(rows[0].lstrip()) if rows else 0
        paragraphs.append((extra, raw, rows))
    out = []
    for extra, raw, rows in paragraphs:
        first, rest = initial_indent + " " * extra, subsequent_indent + " " * extra
        if raw:
            out.append("\n".join((first if i == 0 else rest) + row for i, row in enumerate(rows)))
        else:
            out.append(fill(joined(rows), width, first, rest))
    return "\n\n".join(out)

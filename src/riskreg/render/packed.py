"""Tables that fit the terminal without splitting a name or a flag.

A cell's pieces (a deadline and its flags, a department and its lead official) share a line when the column is
wide enough and stack when it is not (`Packed`); a name folded in two ("孙副镇/长") reads as two names, and a flag
cut short as no flag at all. Rich shrinks a table's widest wrapping columns first and folds any word wider than
its column, so `Fitted` decides the packed columns' widths itself: each on one line if the table still fits,
else stacked, and, when even that does not fit, the next of the table's layouts (one with fewer or shorter
columns). Prose (titles, units) takes what is left and wraps.
"""

import re
from collections.abc import Iterable, Sequence
from itertools import product

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text


STACKED = 16  # cells: 自然资源和规划所, the longest department name in the catalogue, stays whole


class Packed:
    """Pieces of text laid out greedily, a space apart, on as few lines as the width allows."""

    def __init__(self, pieces: Iterable[Text]) -> None:
        self.pieces = [piece for piece in pieces if piece.plain]

    @property
    def widest(self) -> int:
        """The width stacked pieces take: each piece whole, but a piece of several words (an English department's
        name) wraps between them past STACKED cells."""
        words = max((cell_len(word) for piece in self.pieces for word in piece.plain.split()), default=1)
        return max(words, min(STACKED, max((piece.cell_len for piece in self.pieces), default=1)))

    @property
    def one_line(self) -> int:
        return sum(piece.cell_len for piece in self.pieces) + len(self.pieces) - 1

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(self.widest, self.one_line)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        lines: list[Text] = []
        for piece in self.pieces:
            if lines and lines[-1].cell_len + 1 + piece.cell_len <= options.max_width:
                lines[-1].append(" ")
                lines[-1].append_text(piece)
            else:
                lines.append(piece.copy())
        yield Text("\n").join(lines) if lines else Text("")  # Rich wraps a line too long at its spaces


class Fitted:
    """The first layout of a table, and packing of its Packed columns, that fits the width it is given.

    `layouts` are tables from the fullest to the barest; in each, the columns holding Packed cells are laid out
    on one line where they fit, the first of them stacked first."""

    def __init__(self, layouts: Sequence[Table], room: int = 16) -> None:
        self.layouts = layouts
        self.room = room  # cells a packing on one line must leave the prose beyond its minimum, else it stacks

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, self.layouts[0])

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for table in self.layouts:
            # product() varies its last item first: the leftmost packed column comes last, so it stacks first
            packed = [i for i, column in enumerate(table.columns) if any(isinstance(c, Packed) for c in column.cells)][::-1]
            for stacked in product((False, True), repeat=len(packed)):
                for index, stack in zip(packed, stacked):
                    table.columns[index].width = _packed_width(console, options, table, index, stack)
                room = 0 if all(stacked) else self.room
                if _least_width(console, options, table) + room <= options.max_width:
                    yield table
                    return
        yield self.layouts[-1]  # too narrow for any: Rich squeezes the barest layout


def _packed_width(console: Console, options: ConsoleOptions, table: Table, index: int, stacked: bool) -> int:
    column = table.columns[index]
    cells = [cell.widest if stacked else cell.one_line for cell in column.cells if isinstance(cell, Packed)]
    return max([Measurement.get(console, options, column.header).maximum, *cells])


def _least_width(console: Console, options: ConsoleOptions, table: Table) -> int:
    """The narrowest the table can be with every word it keeps whole whole: fixed columns at their width,
    wrapping ones at their minimum, the rest at their widest cell. (Rich's padding helpers are private, but
    the arithmetic is the table's own.)"""
    total = table._extra_width
    for index, column in enumerate(table.columns):
        if column.width is not None:
            width = column.width
        elif not column.no_wrap:
            width = column.min_width or 1
        else:
            width = max(Measurement.get(console, options, cell).maximum for cell in (column.header, *column.cells))
        total += width + table._get_padding_width(index)
    return total


# A run of Latin letters, digits and their joiners stays whole; a CJK character is a word of its own; closing
# punctuation (，。：；、）」) and a masked number's asterisks cling to what they follow.
_TOKEN = re.compile(r"[\w.\-/@*+#%&']+[，。：；、）」』,.:;)!?！？]*|\s+|.[，。：；、）」』!?！？]*", re.ASCII)


class Prose:
    """Text that wraps as Chinese does, between any two characters, and as English does, between words; Rich
    alone breaks only at spaces, so a Chinese sentence with a name in it broke at the name's space."""

    def __init__(self, text: Text) -> None:
        self.text = text
        self.tokens = [token.group() for token in _TOKEN.finditer(text.plain)]

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(max((cell_len(token) for token in self.tokens), default=1), self.text.cell_len)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        breaks, width, offset = [], 0, 0
        for token in self.tokens:
            length = cell_len(token)
            if width and width + length > options.max_width and not token.isspace():
                breaks.append(offset)
                width = 0
            width += 0 if (width == 0 and token.isspace()) else length
            offset += len(token)
        lines = self.text.divide(breaks)
        for line in lines:
            line.rstrip()
            line.no_wrap = True  # broken here already; a token wider than the column is Rich's to fold
        yield Text("\n").join(line.copy() for line in lines) if len(lines) > 1 else self.text

"""The ledger: a table of entries, paged from SQL as the cursor nears the last row read.

Rows come in id order, a page at a time (riskreg.tui.desk.PAGE), by keyset (the ids after the last one shown), so
a 100k-entry register opens as fast as a small one and moving never waits on more than one page.

The table draws itself line by line (Textual's Line API): only the rows on the screen are laid out, and only when
they are drawn, so reading a page, filtering or searching costs the rows in sight, not the rows read. Textual's
DataTable laid out and measured every cell it was given through Rich on each change, a tenth of a second a page.
"""

from collections import Counter
from typing import Any, ClassVar

from rich.cells import set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from riskreg.domain.queries import EntryFilter
from riskreg.escaping import visible
from riskreg.render.labels import RICH_COLOURS
from riskreg.tui.desk import PAGE, Desk
from riskreg.vocabulary import code_word, word

COLUMNS = ("id", "level", "status", "unit", "department", "leader", "due", "flags", "title")
# Names cut to these many cells, so the deadline and flags still show at 80 columns (the detail pane has them whole)
_WIDTHS = {"unit": 10, "department": 14, "leader": 8}
_NEAR_END = 20  # rows before the last one read at which the next page is fetched
_PADDING = 1  # blank cells either side of every cell
_FLAG_STYLES = (("overdue", RICH_COLOURS["red"]), ("due_soon", RICH_COLOURS["orange"]),
                ("unaccountable", RICH_COLOURS["yellow"]), ("escalated", "magenta"), ("stale", "dim"))
# what row_cells reads of an entry
_READ = ("id", "level", "status", "unit", "department", "leader", "due", "title", "accountable",
         *(name for name, _ in _FLAG_STYLES if name != "unaccountable"))


def _text(value: Any, style: str = "") -> Text:
    return Text("—", style="dim") if value is None else Text(visible(str(value)), style=style)


def row_cells(row: dict[str, Any], levels: dict[str, dict[str, str]], departments: dict[str, str],
              lang: str) -> list[Text]:
    """One entry as the table's cells: the level's short name in its colour, names for codes, the flags as words."""
    level = levels.get(row["level"], {"name": row["level"], "colour": ""})
    flags = Text(" ").join(Text(word(f"flag.{name}", lang), style=style) for name, style in _FLAG_STYLES
                           if (not row["accountable"] and row["status"] in ("open", "mitigated")
                               if name == "unaccountable" else row.get(name)))
    return [_text(row["id"]), _text(level["name"].removesuffix("风险"), RICH_COLOURS.get(level["colour"], "")),
            _text(code_word("status", row["status"], lang)), _text(row["unit"]),
            _text(departments.get(row["department"], row["department"])), _text(row["leader"]),
            _text(row["due"], "bold" if row["overdue"] else ""), flags, _text(row["title"])]


class Ledger(ScrollView, can_focus=True):
    """The entries the filter picks; `selected` is the entry under the cursor, or None when there is none.

    A header line, then one line an entry; the cursor is a row (`cursor_row`), the header stays as the rows scroll."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"ledger--header", "ledger--cursor", "ledger--even-row",
                                             "ledger--odd-row"}
    # DataTable's look, which the desk had before it drew its own lines
    DEFAULT_CSS = """
    Ledger {
        background: $surface;
        color: $foreground;
        &:focus {
            background-tint: $foreground 5%;
            & > .ledger--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
            & > .ledger--header { background-tint: $foreground 5%; }
        }
        &:dark > .ledger--even-row { background: $surface-darken-1 40%; }
        & > .ledger--header { text-style: bold; background: $panel; color: $foreground; }
        &:ansi > .ledger--header { background: ansi_bright_blue; color: ansi_default; }
        & > .ledger--even-row { background: $surface-lighten-1 50%; }
        & > .ledger--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
    }
    """
    BINDINGS: ClassVar[list[Binding]] = [
        Binding("up", "cursor(-1)", show=False), Binding("down", "cursor(1)", show=False),
        Binding("pageup", "page(-1)", show=False), Binding("pagedown", "page(1)", show=False),
        Binding("ctrl+home", "cursor_to(0)", show=False), Binding("ctrl+end", "cursor_to(-1)", show=False),
        Binding("left", "scroll_left", show=False), Binding("right", "scroll_right", show=False),
        Binding("home", "scroll_home", show=False), Binding("end", "scroll_end", show=False),
    ]

    class Highlighted(Message):
        """The cursor moved onto another row (by a key, the mouse or `move_cursor`)."""

        def __init__(self, cursor_row: int) -> None:
            super().__init__()
            self.cursor_row = cursor_row

    def __init__(self, desk: Desk, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.desk = desk
        self.wanted = EntryFilter()
        self.ids: list[int] = []
        self.more = True
        self.cursor_row = 0
        self._rows: list[list[Text]] = []
        self._labels = [Text(word(f"field.{name}", desk.lang)) for name in COLUMNS]
        self._widths = self._header_widths()
        self._lines: LRUCache[tuple, Strip] = LRUCache(1000)  # drawn lines, kept until rows or styles change
        self._base = Style()  # the widget's own style in the frame being drawn
        self._edits: Counter[int] = Counter()  # entries whose row was read again after an action, and how often

    @property
    def selected(self) -> int | None:
        return self.ids[self.cursor_row] if self.ids and 0 <= self.cursor_row < len(self.ids) else None

    def get_row_at(self, row_index: int) -> list[Text]:
        return self._rows[row_index]

    def get_row(self, key: str) -> list[Text]:
        """The cells of the entry whose id is `key`."""
        return self._rows[self.ids.index(int(key))]

    # ------------------------------------------------------------------ reading

    def show(self, wanted: EntryFilter, keep: int | None = None) -> None:
        """Read the filter's entries again from the first, as many as were read before (one page at least), and
        put the cursor back on the entry `keep` or, if it is gone, on the row it was at."""
        size = max(PAGE, len(self.ids))
        rows = self.desk.page(wanted, size=size, fields=_READ)
        self.wanted, self.more = wanted, len(rows) >= size
        self.ids, self._rows = [row["id"] for row in rows], [self._cells(row) for row in rows]
        self._widths = self._header_widths()
        self._measure(self._rows)
        self._changed()
        row = self.ids.index(keep) if keep in self.ids else min(self.cursor_row, len(self.ids) - 1)
        self._put_cursor(max(row, 0))

    def next_page(self) -> bool:
        """Read the next page, if there is one; whether rows were added."""
        if not self.more or not self.ids:
            return False
        rows = self.desk.page(self.wanted, after=self.ids[-1], fields=_READ)
        self.more = len(rows) == PAGE
        self._append(rows)
        return bool(rows)

    def show_one(self, entry_id: int) -> None:
        """After an action on one entry: its row read again, dropped if the filter no longer picks it, added at
        the end if it is new and every row before it is read (the rest of the ledger is as it was)."""
        rows = self.desk.page(self.wanted, after=entry_id - 1, size=1, fields=_READ)
        picked = rows[0] if rows and rows[0]["id"] == entry_id else None
        if entry_id in self.ids:
            at = self.ids.index(entry_id)
            if picked is None:
                del self.ids[at], self._rows[at]
                self._changed()
                self._put_cursor(min(self.cursor_row, max(len(self.ids) - 1, 0)))
                return
            self._rows[at] = self._cells(picked)
            self._edits[entry_id] += 1  # its lines drawn before are not its lines now
            if self._measure([self._rows[at]]):
                self._changed()
            else:
                self.refresh_line(at + 1)
        elif picked is not None and not self.more and (not self.ids or entry_id > self.ids[-1]):
            self._append([picked])

    def _cells(self, row: dict[str, Any]) -> list[Text]:
        catalogue = self.desk.catalogue()
        return row_cells(row, catalogue["levels"], catalogue["names"].get("department", {}), self.desk.lang)

    def _append(self, rows: list[dict[str, Any]]) -> None:
        """Rows added at the end: the lines drawn stay as they were unless a column had to widen."""
        added = [self._cells(row) for row in rows]
        self.ids.extend(row["id"] for row in rows)
        self._rows.extend(added)
        if self._measure(added):
            self._changed()
        else:
            self.virtual_size = Size(self.virtual_size.width, len(self._rows) + 1)

    def _header_widths(self) -> list[int]:
        """Each column's width before any row is measured: its set width, else its heading's."""
        return [_WIDTHS.get(name, label.cell_len) for name, label in zip(COLUMNS, self._labels)]

    def _measure(self, rows: list[list[Text]]) -> bool:
        """Widen the columns that are not of a set width to the widest of these rows' cells (columns never narrow
        while rows are read, as a person reading down would not want them to); whether any widened."""
        before = list(self._widths)
        for column, name in enumerate(COLUMNS):
            if name not in _WIDTHS:
                self._widths[column] = max([self._widths[column], *(cells[column].cell_len for cells in rows)])
        return self._widths != before

    def _changed(self) -> None:
        self._lines.clear()
        self.virtual_size = Size(sum(width + 2 * _PADDING for width in self._widths), len(self._rows) + 1)
        self.refresh()

    # ------------------------------------------------------------------ the cursor

    def move_cursor(self, *, row: int, animate: bool = False) -> None:
        """Put the cursor on this row (within the rows read), read the next page if it is near the last, and say
        so if it moved."""
        row = min(max(row, 0), max(len(self.ids) - 1, 0))
        moved = row != self.cursor_row
        self._put_cursor(row)
        if self.ids and row >= len(self.ids) - _NEAR_END:
            self.next_page()
        if moved:
            self.post_message(self.Highlighted(row))

    def _put_cursor(self, row: int) -> None:
        """The cursor on `row`, scrolled into sight; only the two lines it left and reached are drawn again when
        nothing scrolled (lines are kept by row and whether the cursor is on it, so none is forgotten)."""
        before, self.cursor_row = self.cursor_row, row
        height = max(self.scrollable_content_region.height - 1, 1)  # the rows under the header
        top = int(self.scroll_y)
        if row < top:
            self.scroll_to(y=row, animate=False, immediate=True)
        elif row >= top + height:
            self.scroll_to(y=row - height + 1, animate=False, immediate=True)
        else:
            for moved in {before, row}:
                self.refresh_line(moved + 1)  # the header is line 0

    def action_cursor(self, step: int) -> None:
        self.move_cursor(row=self.cursor_row + step)

    def action_page(self, step: int) -> None:
        self.move_cursor(row=self.cursor_row + step * max(self.scrollable_content_region.height - 1, 1))

    def action_cursor_to(self, row: int) -> None:
        self.move_cursor(row=row if row >= 0 else len(self.ids) - 1)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is not None and offset.y >= 1:
            self.move_cursor(row=int(self.scroll_y) + offset.y - 1)

    def on_resize(self, event: events.Resize) -> None:
        self._put_cursor(self.cursor_row)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._lines.clear()

    # ------------------------------------------------------------------ drawing

    def render_lines(self, crop: Region) -> list[Strip]:
        self._base = self.rich_style  # the widget's colours, worked out once a frame rather than once a line
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width, base = self.scrollable_content_region.width, self._base
        row = -1 if y == 0 else y - 1 + scroll_y
        if row >= len(self._rows):
            return Strip.blank(width, base)
        cursor = row == self.cursor_row
        edits = self._edits[self.ids[row]] if row >= 0 else 0
        key = (row, edits, cursor, scroll_x, width, base, self.has_focus)
        if key not in self._lines:
            self._lines[key] = self._line(row, cursor, base).crop(scroll_x, scroll_x + width).adjust_cell_length(
                width, base).simplify()
        return self._lines[key]

    def _line(self, row: int, cursor: bool, base: Style) -> Strip:
        """The whole row as DataTable drew it: each cell padded, cut or filled to its column's width, then the
        row's colour to the widget's edge."""
        styles = self.get_component_rich_style
        if row < 0:
            line_style, cells, post = styles("ledger--header"), self._labels, Style()
        else:
            line_style = base + styles("ledger--even-row" if row % 2 == 0 else "ledger--odd-row")
            cells, post = self._rows[row], Style()
            if cursor:
                cursor_style = styles("ledger--cursor")
                line_style += cursor_style
                post = Style.from_color(color=cursor_style.color)  # the cursor's colour over the level's
        console = self.app.console
        pad = Segment(" " * _PADDING, line_style)
        segments: list[Segment] = []
        for cell, width in zip(cells, self._widths):
            segments.append(pad)
            if cell.spans:  # the flags, each word in its colour
                text = cell.copy()
                text.truncate(width, overflow="crop", pad=True)
                segments.extend(Segment.apply_style(text.render(console, end=""), line_style, post))
            else:  # one style: Rich's rendering of a Text would only cut and pad it, as set_cell_size does
                style = console.get_style(cell.style) if isinstance(cell.style, str) else cell.style
                segments.append(Segment(set_cell_size(cell.plain, width), line_style + style + post))
            segments.append(pad)
        spare = self.scrollable_content_region.width - sum(width + 2 * _PADDING for width in self._widths)
        if spare > 0:
            segments.append(Segment(" " * spare, line_style))
        return Strip(segments)

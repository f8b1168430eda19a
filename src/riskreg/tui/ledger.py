"""The ledger: a table of entries, paged from SQL as the cursor nears the last row read.

Rows come in id order, a page at a time (riskreg.tui.desk.PAGE), by keyset (the ids after the last one shown), so
a 100k-entry register opens as fast as a small one and moving never waits on more than one page.
"""

from typing import Any

from rich.text import Text
from textual.widgets import DataTable

from riskreg.domain.queries import EntryFilter
from riskreg.escaping import visible
from riskreg.render.labels import RICH_COLOURS
from riskreg.tui.desk import PAGE, Desk
from riskreg.vocabulary import code_word, word

COLUMNS = ("id", "level", "status", "unit", "department", "leader", "due", "flags", "title")
# Names cut to these many cells, so the deadline and flags still show at 80 columns (the detail pane has them whole)
_WIDTHS = {"unit": 10, "department": 14, "leader": 8}
_NEAR_END = 20  # rows before the last one read at which the next page is fetched
_FLAG_STYLES = (("overdue", RICH_COLOURS["red"]), ("due_soon", RICH_COLOURS["orange"]),
                ("unaccountable", RICH_COLOURS["yellow"]), ("escalated", "magenta"), ("stale", "dim"))


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


class Ledger(DataTable):
    """The entries the filter picks; `selected` is the entry under the cursor, or None when there is none."""

    def __init__(self, desk: Desk, **kwargs: Any) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.desk = desk
        self.wanted = EntryFilter()
        self.ids: list[int] = []
        self.more = True

    def on_mount(self) -> None:
        for name in COLUMNS:
            self.add_column(word(f"field.{name}", self.desk.lang), key=name, width=_WIDTHS.get(name))

    @property
    def selected(self) -> int | None:
        return self.ids[self.cursor_row] if self.ids and 0 <= self.cursor_row < len(self.ids) else None

    def show(self, wanted: EntryFilter, keep: int | None = None) -> None:
        """Read the filter's entries again from the first, as many as were read before (one page at least), and
        put the cursor back on the entry `keep` or, if it is gone, on the row it was at."""
        at = self.cursor_row
        rows = self.desk.page(wanted, size=max(PAGE, len(self.ids)))
        self.wanted, self.ids, self.more = wanted, [], len(rows) >= max(PAGE, len(self.ids))
        self.clear()
        self._append(rows)
        if self.ids:
            row = self.ids.index(keep) if keep in self.ids else min(max(at, 0), len(self.ids) - 1)
            self.move_cursor(row=row, animate=False)

    def next_page(self) -> bool:
        """Read the next page, if there is one; whether rows were added."""
        if not self.more or not self.ids:
            return False
        rows = self.desk.page(self.wanted, after=self.ids[-1])
        self.more = len(rows) == PAGE
        self._append(rows)
        return bool(rows)

    def show_one(self, entry_id: int) -> None:
        """After an action on one entry: its row read again, dropped if the filter no longer picks it, added at
        the end if it is new and every row before it is read (the rest of the ledger is as it was)."""
        rows = self.desk.page(self.wanted, after=entry_id - 1, size=1)
        picked = rows[0] if rows and rows[0]["id"] == entry_id else None
        if entry_id in self.ids:
            if picked is None:
                self.remove_row(str(entry_id))
                self.ids.remove(entry_id)
                return
            catalogue = self.desk.catalogue()
            cells = row_cells(picked, catalogue["levels"], catalogue["names"].get("department", {}), self.desk.lang)
            for column, cell in zip(COLUMNS, cells):
                self.update_cell(str(entry_id), column, cell)
        elif picked is not None and not self.more and (not self.ids or entry_id > self.ids[-1]):
            self._append([picked])

    def _append(self, rows: list[dict[str, Any]]) -> None:
        catalogue = self.desk.catalogue()
        departments = catalogue["names"].get("department", {})
        for row in rows:
            self.add_row(*row_cells(row, catalogue["levels"], departments, self.desk.lang), key=str(row["id"]))
            self.ids.append(row["id"])

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.cursor_row >= len(self.ids) - _NEAR_END:
            self.next_page()

"""What every spreadsheet format's reader gives: a workbook's sheet names and each sheet's rows, streamed, within
limits far past any town's ledger, so a small hostile file cannot exhaust time or memory.

riskreg.exchange.sheet_read picks the sheet and finds its header; sheet_xlsx, sheet_calamine and the CSV reader
in sheet_read open the files.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from riskreg.errors import InvalidInput
from riskreg.messages import N_

MAX_SHEET_BYTES = 50_000_000  # a workbook or .csv file
MAX_SHEET_ROWS = 100_000  # rows in a sheet, up to the last one holding a value
MAX_UNPACKED_BYTES = 500_000_000  # an .xlsx or .ods unpacked: a zip bomb packs gigabytes into kilobytes
MAX_MERGED_CELLS = 1_000_000  # cells covered by merged ranges, counted within the cells in use

Row = tuple[int, list[Any], set[int]]  # row number, cell values, columns holding a merged value copied in
Span = tuple[int, int, int, int]  # a merged range: (min_col, min_row, max_col, max_row), 1-based, inclusive


@dataclass(frozen=True)
class Formula:
    """A formula cell saved without its value (a file a script or a web system wrote, never opened in a spreadsheet
    program): it holds something, but no reader can tell what, so the row checks refuse it (sheet_cells.lost)."""

    text: str  # as the sheet shows it while editing: =COUNTA(D4:D5)

    def __str__(self) -> str:
        return self.text


@dataclass
class Book:
    """A workbook's sheets (a CSV file is one sheet without a name), each read on demand."""

    names: list[str]
    read: Callable[[int], tuple[Iterator[Row], int]]  # sheet index -> its rows, streamed, and how many there are
    close: Callable[[], None] = lambda: None
    named: bool = True  # False for CSV: one sheet, no name
    # sheet index -> its cells' comments (批注) by (row, column), 1-based; .xlsx only
    comments: Callable[[int], dict[tuple[int, int], str]] = lambda _: {}


def refuse_oversized(path: Path, size: int) -> None:
    if size > MAX_SHEET_BYTES:
        raise InvalidInput(N_("{path} is larger than {max_sheet_bytes:,.0f} MB; riskreg imports sheets of at "
                              "most {max_sheet_bytes:,.0f} MB and {max_sheet_rows:,} rows.", path=path,
                              max_sheet_bytes=MAX_SHEET_BYTES / 1e6, max_sheet_rows=MAX_SHEET_ROWS))


def refuse_row(path: Path, row: int) -> None:
    if row > MAX_SHEET_ROWS:
        raise InvalidInput(N_("{path} has data in row {row:,}; riskreg imports at most {max_sheet_rows:,} rows "
                              "from a sheet (split it, or import the entries as JSON Lines).", path=path, row=row,
                              max_sheet_rows=MAX_SHEET_ROWS))


def refuse_unpacked(path: Path, unpacked: int) -> None:
    if unpacked > MAX_UNPACKED_BYTES:
        raise InvalidInput(N_("{path} unpacks to {unpacked:,.0f} MB; riskreg reads workbooks that unpack to at "
                              "most {max_unpacked_bytes:,.0f} MB.", path=path, unpacked=unpacked / 1e6,
                              max_unpacked_bytes=MAX_UNPACKED_BYTES / 1e6))


def clipped(path: Path, spans: Iterable[Span], rows: int, columns: int) -> list[Span]:
    """Merged ranges cut to the cells in use; refused when they cover more than MAX_MERGED_CELLS of them."""
    kept, covered = [], 0
    for min_col, min_row, max_col, max_row in spans:
        max_col, max_row = min(max_col, columns), min(max_row, rows)
        if min_col <= max_col and min_row <= max_row:
            kept.append((min_col, min_row, max_col, max_row))
            covered += (max_col - min_col + 1) * (max_row - min_row + 1)
    if covered > MAX_MERGED_CELLS:
        raise InvalidInput(N_("{path} merges {covered:,} of the cells in use; riskreg reads at most "
                              "{max_merged_cells:,} merged cells in a sheet.", path=path, covered=covered,
                              max_merged_cells=MAX_MERGED_CELLS))
    return kept


def with_merged_values(cells: Iterable[Iterable[Any]], merged: list[Span]) -> Iterator[Row]:
    """A value merged down (a village spanning several rows) belongs to every row it covers, in its first column.
    Across a row it stays its first cell's, as the spreadsheet programs hold it: a detail merged over 包案领导
    and 工作专班 is no one's name.

    Ranges are applied row by row as the rows stream past, never laid out cell by cell in memory."""
    starting: dict[int, list[Span]] = {}
    for span in merged:
        starting.setdefault(span[1], []).append(span)
    active: list[tuple[Span, Any]] = []  # ranges covering this row, with their values
    for number, row in enumerate(cells, 1):
        values = list(row)
        active = [(span, value) for span, value in active if span[3] >= number]
        active += [(span, values[span[0] - 1] if span[0] <= len(values) else None) for span in starting.pop(number, ())]
        inherited: set[int] = set()
        for (min_col, min_row, _, _), value in active:
            if number > min_row:
                values += [None] * (min_col - len(values))
                values[min_col - 1] = value
                inherited.add(min_col - 1)
        yield number, values, inherited


def unreadable(path: Path, err: BaseException, kind: str = ".xlsx") -> InvalidInput:
    detail = str(err).strip().splitlines()[0] if str(err).strip() else err.__class__.__name__
    return InvalidInput(N_("{path} is not a readable {kind} workbook ({detail}).", path=path, kind=kind,
                           detail=detail[:200]))

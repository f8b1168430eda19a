"""Reading .xls and .ods workbooks with python-calamine (Rust, reads xlsx, xls and ods; riskreg keeps openpyxl
for .xlsx, whose streaming read-only mode and XML pre-scan hold the hostile-file limits in little memory).

calamine loads a whole sheet, so a sheet is measured before it is loaded: an .ods by one expat pass over its
content.xml (refusing a DTD, rows past the limit, a grid too large, and finding the merged ranges, which
calamine does not report for .ods); an .xls, an old binary format of at most 65,536 rows and 256 columns, by
its file size. calamine gives merged ranges for .xls itself.
"""

import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any
from xml.parsers.expat import ExpatError

from riskreg.errors import InvalidInput
from riskreg.exchange.sheet_book import (Book, Row, Span, clipped, refuse_oversized, refuse_row, refuse_unpacked,
                                         unreadable, with_merged_values)
from riskreg.exchange.sheet_xlsx import no_dtd
from riskreg.messages import N_

MAX_GRID_CELLS = 5_000_000  # an .ods sheet's rows times columns in use: calamine lays out every cell of the grid
_ODS = "urn:oasis:names:tc:opendocument:xmlns:"
_TABLE, _OFFICE, _TEXT = f"{_ODS}table:1.0", f"{_ODS}office:1.0", f"{_ODS}text:1.0"


def calamine_book(path: Path, kind: str) -> Book:
    """An .xls or .ods workbook (kind is the suffix)."""
    import python_calamine

    refuse_oversized(path, path.stat().st_size if path.is_file() else 0)
    tables = _scan_ods(path) if kind == ".ods" else None
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        names = [meta.name for meta in workbook.sheets_metadata
                 if meta.typ == python_calamine.SheetTypeEnum.WorkSheet]
    except OSError as err:
        raise InvalidInput(N_("Cannot read {path}: {value}.", path=path, value=err.strerror or err)) from None
    except Exception as err:  # calamine's errors (CalamineError, ZipError, XmlError…) share no base of their own
        raise unreadable(path, err, kind) from None

    def read(index: int) -> tuple[Iterator[Row], int]:
        try:
            sheet = workbook.get_sheet_by_name(names[index])
            grid = sheet.to_python(skip_empty_area=False)
            if tables is not None:
                merged = tables[index].merged if index < len(tables) else []
            else:
                merged = [(c0 + 1, r0 + 1, c1 + 1, r1 + 1) for (r0, c0), (r1, c1) in sheet.merged_cell_ranges or ()]
        except Exception as err:
            raise unreadable(path, err, kind) from None
        width = max(map(len, grid), default=0)
        cells = ([_value(v) for v in row] for row in grid)
        return with_merged_values(cells, clipped(path, merged, len(grid), width)), len(grid)

    return Book(names, read, workbook.close)


def _value(value: Any) -> Any:
    """calamine's cell as openpyxl gives it: an empty cell None, a time of day or a duration as text."""
    if value == "":
        return None
    if isinstance(value, (time, timedelta)) or (isinstance(value, datetime) and value.year < 1900):
        return str(value)
    return value


@dataclass
class _Table:
    rows: int = 0  # the last row and column holding a value
    columns: int = 0
    merged: list[Span] = field(default_factory=list)


def _scan_ods(path: Path) -> list[_Table]:
    """Each table's cells in use and merged ranges, from one expat pass over content.xml, keeping no cell.

    Rows and cells may repeat (number-rows-repeated, number-columns-repeated): LibreOffice closes every sheet
    with a row repeated to the millionth, empty, so only repeats holding a value count as in use."""
    from xml.parsers import expat

    tables: list[_Table] = []
    row = column = row_repeat = 0
    cell: tuple[int, int, int, int] | None = None  # (column, repeat, columns spanned, rows spanned) of the open cell
    has_value = False
    in_table = False

    def start(name: str, attributes: dict[str, str]) -> None:
        nonlocal row, column, row_repeat, cell, has_value, in_table
        if name == f"{_TABLE} table":
            if in_table:  # calamine reads a nested table's rows as the sheet's; this count would start again
                raise InvalidInput(N_("{path} is not a readable .ods workbook (it has a table inside a table, "
                                      "which no spreadsheet program writes).", path=path))
            tables.append(_Table())
            row, in_table = 0, True
        elif name == f"{_TABLE} table-row":
            row_repeat = _count(attributes.get(f"{_TABLE} number-rows-repeated"))
            row, column = row + 1, 0
        elif name in (f"{_TABLE} table-cell", f"{_TABLE} covered-table-cell"):
            repeat = _count(attributes.get(f"{_TABLE} number-columns-repeated"))
            cell = (column + 1, repeat, _count(attributes.get(f"{_TABLE} number-columns-spanned")),
                    _count(attributes.get(f"{_TABLE} number-rows-spanned")))
            # calamine reads office:value, office:string-value … even without an office:value-type
            has_value = any(key.startswith(f"{_OFFICE} ") for key in attributes)
            column += repeat
        elif name == f"{_TEXT} p" and cell is not None:
            has_value = True

    def end(name: str) -> None:
        nonlocal row, cell, in_table
        if name == f"{_TABLE} table":
            in_table = False
        elif name in (f"{_TABLE} table-cell", f"{_TABLE} covered-table-cell") and cell is not None:
            first, repeat, across, down = cell
            table = tables[-1]
            if has_value:
                last_row = row + row_repeat - 1
                refuse_row(path, last_row)
                table.rows, table.columns = max(table.rows, last_row), max(table.columns, first + repeat - 1)
                if table.rows * table.columns > MAX_GRID_CELLS:
                    raise InvalidInput(N_("{path} uses {rows:,} rows by {columns:,} columns; riskreg reads "
                                          "sheets of at most {max_grid_cells:,} cells from an .ods workbook.",
                                          path=path, rows=table.rows, columns=table.columns,
                                          max_grid_cells=MAX_GRID_CELLS))
            if (across > 1 or down > 1) and name == f"{_TABLE} table-cell":
                table.merged.append((first, row, first + across - 1, row + down - 1))
            cell = None
        elif name == f"{_TABLE} table-row":
            row += row_repeat - 1

    try:
        with zipfile.ZipFile(path) as archive:
            refuse_unpacked(path, sum(member.file_size for member in archive.infolist()))
            with archive.open("content.xml") as source:
                parser = expat.ParserCreate(namespace_separator=" ")
                parser.StartElementHandler = start
                parser.EndElementHandler = end
                parser.StartDoctypeDeclHandler = lambda *_: no_dtd(path, ".ods")
                parser.ParseFile(source)
    except OSError as err:
        raise InvalidInput(N_("Cannot read {path}: {value}.", path=path, value=err.strerror or err)) from None
    except (zipfile.BadZipFile, zlib.error, EOFError, KeyError, ValueError, ExpatError) as err:
        raise unreadable(path, err, ".ods") from None
    return tables


def _count(text: str | None) -> int:
    """A repeat or span count; a hostile one is at least 1 and at most a million."""
    try:
        return min(max(int(text), 1), 1_048_576) if text else 1
    except ValueError:
        return 1

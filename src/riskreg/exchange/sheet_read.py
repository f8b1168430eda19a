"""Reading a ledger sheet: an .xlsx or .csv file opened within limits, its header row found, its rows streamed.

Columns are matched by header, in Chinese or English (or riskreg's field names, so `list --format csv` reads
back too), with a --mapping file for odd headers. A value merged across cells belongs to every cell it covers.
Every limit is far past any town's ledger, so a small hostile file cannot exhaust time or memory. Checking
the rows is riskreg.exchange.sheet_rows' work.
"""

import csv
import io
import itertools
import zipfile
import zlib
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError
from xml.parsers.expat import ExpatError

from riskreg.domain.ledger import MAX_TEXT
from riskreg.errors import InvalidInput
from riskreg.escaping import from_csv_cell
from riskreg.exchange.sheet_columns import BY_FIELD, COLUMNS, HEADERS, REQUIRED, header, normalise

HEADER_SCAN_ROWS = 20
# Limits on what import reads.
MAX_SHEET_BYTES = 50_000_000  # an .xlsx or .csv file
MAX_SHEET_ROWS = 100_000  # rows in a sheet, up to the last one holding a value
MAX_UNPACKED_BYTES = 500_000_000  # an .xlsx unpacked: a zip bomb packs gigabytes into kilobytes
MAX_MERGED_CELLS = 1_000_000  # cells covered by merged ranges, counted within the cells in use
# What a damaged or hostile .xlsx raises from zipfile, expat and openpyxl's reading of it.
_UNREADABLE = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ParseError, ExpatError, KeyError,
               IndexError, ValueError, TypeError)


Row = tuple[int, list[Any], set[int]]  # row number, cell values, columns holding a merged value copied in


@dataclass
class Sheet:
    """A spreadsheet's data rows, with each column matched to a field."""

    source: str
    header_row: int
    fields: dict[int, str]  # column index -> field
    ignored: list[str]  # headers riskreg does not know (extra columns)
    rows: Iterator[tuple[int, dict[str, Any]]]  # (spreadsheet row number, field -> raw value)
    total: int  # rows after the header, blank ones included (for progress)
    headers: dict[str, str] = field(default_factory=dict)  # field -> its header as written, left to right (for problems)


MAX_MAPPING_BYTES = 100_000  # a mapping is a few dozen header lines


def read_mapping(path: Path) -> dict[str, str]:
    """A YAML file of `spreadsheet header: riskreg field or standard header`, e.g. `隐患名称: title`."""
    import yaml

    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_MAPPING_BYTES + 1)  # one byte over tells a file too large without reading /dev/zero
        if len(raw) > MAX_MAPPING_BYTES:
            raise InvalidInput(f"The mapping file {path} is larger than {MAX_MAPPING_BYTES:,} bytes; a mapping is "
                               "one line per header.")
        text = raw.decode("utf-8-sig")
        _refuse_nesting_and_aliases(path, yaml.parse(text))
        data = yaml.safe_load(text)
    except OSError as err:
        raise InvalidInput(f"Cannot read the mapping file {path}: {err.strerror}.") from None
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        raise InvalidInput(f"The mapping file {path} is not readable YAML ({str(err).splitlines()[0]}).") from None
    if not isinstance(data, dict) or not data:
        raise InvalidInput(f"The mapping file {path} must map spreadsheet headers to fields, e.g. `隐患名称: title`.")
    mapping = {}
    for source, target in data.items():
        wanted = HEADERS.get(normalise(target)) if isinstance(target, str) else None
        if wanted is None or BY_FIELD[wanted].kind == "derived":
            importable = ", ".join(c.field for c in COLUMNS if c.kind != "derived")
            raise InvalidInput(f"The mapping file {path} maps {source!r} to {target!r}, which is not one of {importable}.")
        mapping[normalise(str(source))] = wanted
    return mapping


def _refuse_nesting_and_aliases(path: Path, events: Iterable[Any]) -> None:
    """A mapping is one flat level of text: checked on parse events, before composing, so nesting too deep for
    the composer's recursion and an alias bomb are refused before they cost anything."""
    import yaml

    depth = 0
    for event in events:
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise InvalidInput(f"The mapping file {path} uses YAML anchors or aliases; write each header out.")
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > 1:
                raise InvalidInput(f"The mapping file {path} nests a value (line {event.start_mark.line + 1}); "
                                   "it maps each header to one field, e.g. `隐患名称: title`.")
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


def open_sheet(path: Path, mapping: dict[str, str] | None = None) -> Sheet:
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        grid, total = _xlsx_rows(path)
    elif suffix == ".csv":
        grid, total = _csv_rows(path)
    elif suffix in (".xls", ".et"):
        raise InvalidInput(f"{path} is an old-format workbook; save it as .xlsx (Excel or WPS: Save As) and import that.")
    else:
        raise InvalidInput(f"{path} is not a .xlsx or .csv file.")
    try:
        return _with_header(path, grid, total, {**HEADERS, **(mapping or {})})
    except BaseException:
        grid.close()  # lets an .xlsx close its file now, not when the generator is collected
        raise


def _with_header(path: Path, grid: Generator[Row, None, None], total: int, known: dict[str, str]) -> Sheet:
    """The header row, found among the first rows, and the data rows after it, still streaming."""
    scanned = list(itertools.islice(grid, HEADER_SCAN_ROWS))
    header_row, headers, _ = _header_row(path, scanned, known)
    fields, ignored = _columns(path, header_row, headers, known)
    rest = (item for item in scanned if item[0] > header_row)
    return Sheet(str(path), header_row, fields, ignored, _data_rows(itertools.chain(rest, grid), fields),
                 max(0, total - header_row), {name: str(headers[index]).strip() for index, name in fields.items()})


def _header_row(path: Path, scanned: list[Row], known: dict[str, str]) -> Row:
    """The row naming the most known fields, and at least two."""
    best = max(scanned, key=lambda item: sum(_header_field(v, known) is not None for v in item[1]), default=None)
    if best is None or sum(_header_field(v, known) is not None for v in best[1]) < 2:
        raise InvalidInput(f"{path} has no header row riskreg knows in its first {HEADER_SCAN_ROWS} rows; it needs "
                           "columns such as 风险编码, 村(社区) and 标题 (or Risk code, Unit, Title), or a --mapping file.")
    return best


def _columns(path: Path, header_row: int, headers: list[Any], known: dict[str, str]) -> tuple[dict[int, str], list[str]]:
    """The field each column gives, and the headers riskreg does not know; every required field once."""
    fields: dict[int, str] = {}
    ignored = []
    for index, value in enumerate(headers):
        wanted = _header_field(value, known)
        if wanted is None or BY_FIELD[wanted].kind == "derived":
            if value not in (None, "") and wanted is None:
                ignored.append(str(value).strip())
            continue
        if wanted in fields.values():
            raise InvalidInput(f"{path}: two columns of row {header_row} both give {header(BY_FIELD[wanted], 'zh')} ({wanted}).")
        fields[index] = wanted
    missing = [f"{BY_FIELD[f].zh} ({f})" for f in REQUIRED if f not in fields.values()]
    if missing:
        raise InvalidInput(f"{path}: the header row (row {header_row}) lacks {', '.join(missing)}; "
                           "name the column that holds it in a --mapping file.")
    return fields, ignored


def _data_rows(rows: Iterable[Row], fields: dict[int, str]) -> Iterator[tuple[int, dict[str, Any]]]:
    for number, values, inherited in rows:
        row = {name: values[index] if index < len(values) else None for index, name in fields.items()}
        # Blank unless the row has text of its own: a village merged down over an empty row does not count.
        if any(not blank(v) and index not in inherited for index, v in
               ((index, values[index] if index < len(values) else None) for index in fields)):
            yield number, row


def _header_field(value: Any, known: dict[str, str]) -> str | None:
    return known.get(normalise(value)) if isinstance(value, str) and value.strip() else None


def blank(value: Any) -> bool:
    """An empty cell: nothing, or only spaces."""
    return value is None or (isinstance(value, str) and not value.strip())


def _xlsx_rows(path: Path) -> tuple[Generator[Row, None, None], int]:
    """The first worksheet's rows, streamed: openpyxl's read-only mode holds one row at a time.

    Read-only mode cannot see merged cells, and the sheet XML lists them after the rows, so a first
    cheap pass (_scan_sheet) finds the cells in use and the merged ranges; the second streams rows
    within the cells in use, copying each merged value into the cells its range covers.
    """
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    _refuse_oversized(path, path.stat().st_size if path.is_file() else 0)
    try:
        handle = path.open("rb")  # ours to close: openpyxl leaves a file it opened open when it fails
    except OSError as err:
        raise InvalidInput(f"Cannot read {path}: {err.strerror}.") from None
    try:
        with zipfile.ZipFile(handle) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
            if unpacked > MAX_UNPACKED_BYTES:
                raise InvalidInput(f"{path} unpacks to {unpacked / 1e6:,.0f} MB; riskreg reads workbooks that unpack "
                                   f"to at most {MAX_UNPACKED_BYTES / 1e6:,.0f} MB.")
            workbook = load_workbook(handle, read_only=True, data_only=True)
            if not workbook.worksheets:
                raise InvalidInput(f"{path} has no worksheet (only charts); put the ledger on a worksheet and import "
                                   "that.")
            sheet = workbook.worksheets[0]
            # The sheet's own name for its XML part; openpyxl has no public way to reach the part.
            with archive.open(sheet._worksheet_path) as source:
                used = _scan_sheet(source, path)
    except (InvalidFileException, OSError, *_UNREADABLE) as err:
        handle.close()
        raise _unreadable(path, err) from None
    except BaseException:
        handle.close()
        raise
    sheet.reset_dimensions()  # the sheet's <dimension> is what it claims, not what it holds

    def rows() -> Generator[Row, None, None]:
        try:
            if used.rows:
                cells = sheet.iter_rows(max_row=used.rows, max_col=used.columns, values_only=True)
                yield from _with_merged_values(cells, used.merged)
        except _UNREADABLE as err:
            raise _unreadable(path, err) from None
        finally:
            workbook.close()
            handle.close()

    return rows(), used.rows


@dataclass
class _UsedCells:
    rows: int = 0  # the last row and column holding a value
    columns: int = 0
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # (min_col, min_row, max_col, max_row)


def _scan_sheet(source: Any, path: Path) -> _UsedCells:
    """One pass over the sheet XML with expat, keeping no cell: the last row and column that hold a value and
    the merged ranges clipped to them. Refuses a DTD (no spreadsheet needs one; it is how entity bombs and
    external entities get in), rows past MAX_SHEET_ROWS and merged ranges covering more than MAX_MERGED_CELLS."""
    from xml.parsers import expat

    from openpyxl.utils.cell import coordinate_to_tuple, range_boundaries

    used, refs = _UsedCells(), []
    row = column = 0

    def start(name: str, attributes: dict[str, str]) -> None:
        nonlocal row, column
        tag = name.rpartition(" ")[2]
        if tag == "row":
            row, column = int(attributes["r"]) if "r" in attributes else row + 1, 0
        elif tag == "c":
            column = coordinate_to_tuple(attributes["r"])[1] if "r" in attributes else column + 1
        elif tag in ("v", "is"):  # a value, or an inline string
            if row > MAX_SHEET_ROWS:
                raise InvalidInput(f"{path} has data in row {row:,}; riskreg imports at most {MAX_SHEET_ROWS:,} rows "
                                   "from a sheet (split it, or import the entries as JSON Lines).")
            used.rows, used.columns = max(used.rows, row), max(used.columns, column)
        elif tag == "mergeCell":
            refs.append(attributes["ref"])

    def no_dtd(*_: Any) -> None:
        raise InvalidInput(f"{path} is not a readable .xlsx workbook (its sheet declares a DTD, which no "
                           "spreadsheet program writes).")

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = no_dtd
    parser.ParseFile(source)
    covered = 0
    for ref in refs:
        min_col, min_row, max_col, max_row = range_boundaries(ref)
        max_col, max_row = min(max_col, used.columns), min(max_row, used.rows)
        if min_col <= max_col and min_row <= max_row:
            used.merged.append((min_col, min_row, max_col, max_row))
            covered += (max_col - min_col + 1) * (max_row - min_row + 1)
    if covered > MAX_MERGED_CELLS:
        raise InvalidInput(f"{path} merges {covered:,} of the cells in use; riskreg reads at most "
                           f"{MAX_MERGED_CELLS:,} merged cells in a sheet.")
    return used


def _with_merged_values(cells: Iterable[tuple[Any, ...]], merged: list[tuple[int, int, int, int]]) -> Iterator[Row]:
    """A value merged across cells (a village spanning several rows) belongs to every cell it covers.

    Ranges are applied row by row as the rows stream past, never laid out cell by cell in memory."""
    starting: dict[int, list[tuple[int, int, int, int]]] = {}
    for span in merged:
        starting.setdefault(span[1], []).append(span)
    active: list[tuple[tuple[int, int, int, int], Any]] = []  # ranges covering this row, with their values
    for number, row in enumerate(cells, 1):
        values = list(row)
        active = [(span, value) for span, value in active if span[3] >= number]
        active += [(span, values[span[0] - 1]) for span in starting.pop(number, ())]
        inherited: set[int] = set()
        for (min_col, min_row, max_col, _), value in active:
            values[min_col - 1:max_col] = [value] * (max_col - min_col + 1)
            inherited.update(range(min_col - 1 if number > min_row else min_col, max_col))
        yield number, values, inherited


def _csv_rows(path: Path) -> tuple[Generator[Row, None, None], int]:
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_SHEET_BYTES + 1)  # one byte over tells a file too large, even /dev/zero
    except OSError as err:
        raise InvalidInput(f"Cannot read {path}: {err.strerror}.") from None
    _refuse_oversized(path, len(raw))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:  # Excel and WPS on Chinese Windows save CSV in GBK unless told otherwise
            text = raw.decode("gb18030")
        except UnicodeDecodeError:
            raise InvalidInput(f"{path} is neither UTF-8 nor GB18030 (GBK) text.") from None
    del raw

    def records() -> Generator[Row, None, None]:
        number = 0
        try:
            for number, record in enumerate(csv.reader(io.StringIO(text, newline="")), 1):
                if number > MAX_SHEET_ROWS:
                    raise InvalidInput(f"{path} has more than {MAX_SHEET_ROWS:,} rows; riskreg imports at most "
                                       f"{MAX_SHEET_ROWS:,} rows from a sheet (split it, or import the entries as "
                                       "JSON Lines).")
                yield number, [from_csv_cell(value) for value in record], set()
        except csv.Error as err:
            if "field larger than field limit" in str(err):
                raise InvalidInput(f"{path}: row {number + 1} has a cell longer than {csv.field_size_limit():,} "
                                   f"characters; a field holds at most {MAX_TEXT:,}.") from None
            raise InvalidInput(f"{path} is not readable CSV (row {number + 1}: {err}).") from None

    total = sum(1 for _ in records())  # a first pass, keeping nothing: the count, and any refusal before the lock
    return records(), total


def _refuse_oversized(path: Path, size: int) -> None:
    if size > MAX_SHEET_BYTES:
        raise InvalidInput(f"{path} is larger than {MAX_SHEET_BYTES / 1e6:,.0f} MB; riskreg imports sheets of at most "
                           f"{MAX_SHEET_BYTES / 1e6:,.0f} MB and {MAX_SHEET_ROWS:,} rows.")


def _unreadable(path: Path, err: BaseException) -> InvalidInput:
    detail = str(err).strip().splitlines()[0] if str(err).strip() else err.__class__.__name__
    return InvalidInput(f"{path} is not a readable .xlsx workbook ({detail[:200]}).")

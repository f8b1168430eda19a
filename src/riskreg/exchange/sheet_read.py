"""Reading a ledger sheet: a workbook (.xlsx, .xls, .ods) or .csv file opened within limits, its sheet chosen,
its header found, its rows streamed.

Columns are matched by header, in Chinese or English, the headings towns use (sheet_columns.ALIASES) or
riskreg's field names (so `list --format csv` reads back too), with a --mapping file for odd headers. A value
merged across cells belongs to every cell it covers. The formats' readers are sheet_xlsx and sheet_calamine;
the header and the columns are sheet_header's. Checking the rows is riskreg.exchange.sheet_rows' work.
"""

import csv
import io
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from riskreg.domain.ledger import MAX_TEXT
from riskreg.errors import InvalidInput
from riskreg.escaping import from_csv_cell
from riskreg.exchange.sheet_book import MAX_SHEET_BYTES, MAX_SHEET_ROWS, Book, Row, refuse_oversized
from riskreg.exchange.sheet_columns import BY_FIELD, HEADERS, REQUIRED, normalise
from riskreg.exchange.sheet_header import HEADER_SCAN_ROWS, blank, columns, data_rows, find_header
from riskreg.messages import N_, Joined

WORKBOOKS = (".xlsx", ".xlsm", ".xls", ".ods")
__all__ = ["Sheet", "blank", "open_sheet", "read_mapping"]  # blank: the row checks' test of an empty cell


@dataclass
class Sheet:
    """A spreadsheet's data rows, with each column matched to a field."""

    source: str
    sheet: str | None  # the sheet read, by name (None for CSV)
    header_row: int  # the header's last row
    fields: dict[int, str]  # column index -> field
    ignored: list[str]  # the columns --ignore named
    rows: Iterator[tuple[int, dict[str, Any]]]  # (spreadsheet row number, field -> raw value)
    total: int  # rows after the header, blank ones included (for progress)
    headers: dict[str, str] = field(default_factory=dict)  # field -> its header as written, left to right (for problems)
    footers: list[tuple[int, str]] = field(default_factory=list)  # rows passed over as 合计 or 填表人 lines, as read


MAX_MAPPING_BYTES = 100_000  # a mapping is a few dozen header lines


def read_mapping(path: Path) -> dict[str, str]:
    """A YAML file of `spreadsheet header: riskreg field or standard header`, e.g. `隐患名称: title`."""
    import yaml

    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_MAPPING_BYTES + 1)  # one byte over tells a file too large without reading /dev/zero
        if len(raw) > MAX_MAPPING_BYTES:
            raise InvalidInput(N_("The mapping file {path} is larger than {max_mapping_bytes:,} bytes; a mapping "
                                  "is one line per header.", path=path, max_mapping_bytes=MAX_MAPPING_BYTES))
        text = raw.decode("utf-8-sig")
        _refuse_nesting_and_aliases(path, yaml.parse(text))
        data = yaml.safe_load(text)
    except OSError as err:
        raise InvalidInput(N_("Cannot read the mapping file {path}: {strerror}.", path=path, strerror=err.strerror)) from None
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        raise InvalidInput(N_("The mapping file {path} is not readable YAML ({reason}).", path=path,
                              reason=str(err).splitlines()[0])) from None
    if not isinstance(data, dict) or not data:
        raise InvalidInput(N_("The mapping file {path} must map spreadsheet headers to fields, e.g. `隐患名称: "
                              "title`.", path=path))
    mapping = {}
    for source, target in data.items():
        wanted = HEADERS.get(normalise(target)) if isinstance(target, str) else None
        if wanted is None or BY_FIELD[wanted].kind == "derived":
            importable = ", ".join(name for name, c in BY_FIELD.items() if c.kind != "derived")
            raise InvalidInput(N_("The mapping file {path} maps {source!r} to {target!r}, which is not one of "
                                  "{importable}.", path=path, source=source, target=target, importable=importable))
        mapping[normalise(str(source))] = wanted
    return mapping


def _refuse_nesting_and_aliases(path: Path, events: Iterable[Any]) -> None:
    """A mapping is one flat level of text: checked on parse events, before composing, so nesting too deep for
    the composer's recursion and an alias bomb are refused before they cost anything."""
    import yaml

    depth = 0
    for event in events:
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise InvalidInput(N_("The mapping file {path} uses YAML anchors or aliases; write each header out.",
                                  path=path))
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > 1:
                raise InvalidInput(N_("The mapping file {path} nests a value (line {line}); it maps each header "
                                      "to one field, e.g. `隐患名称: title`.", path=path, line=event.start_mark.line + 1))
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


def open_sheet(path: Path, mapping: dict[str, str] | None = None, *, sheet: str | None = None,
               ignore: Iterable[str] = ()) -> Sheet:
    """The sheet named by `sheet` (a name, or a number from 1), else the one sheet holding ledger rows, else the
    first with a header riskreg knows; a workbook with ledger rows on two sheets is refused without --sheet."""
    book = _book(path)
    known = {**HEADERS, **(mapping or {})}
    try:
        indexes = _chosen(path, book, sheet)
        if len(indexes) > 1:
            indexes = _the_ledger(path, book, indexes, known) or indexes
        return _with_header(path, book, indexes, known, mapping or {}, ignore)
    except BaseException:
        book.close()  # lets a workbook close its file now, not when the generator is collected
        raise


def _book(path: Path) -> Book:
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        from riskreg.exchange.sheet_xlsx import xlsx_book

        return xlsx_book(path)
    if suffix in (".xls", ".ods"):
        from riskreg.exchange.sheet_calamine import calamine_book

        return calamine_book(path, suffix)
    if suffix == ".csv":
        return _csv_book(path)
    if suffix == ".et":
        raise InvalidInput(N_("{path} is a WPS workbook; save it as .xlsx (WPS: Save As) and import that.",
                              path=path))
    raise InvalidInput(N_("{path} is not a .xlsx, .xls, .ods or .csv file.", path=path))


def _chosen(path: Path, book: Book, wanted: str | None) -> list[int]:
    """The sheets to look at, in order: the one named, or all."""
    if wanted is None:
        return list(range(len(book.names)))
    if not book.named:
        raise InvalidInput(N_("{path} is a CSV file, which holds one sheet; leave out --sheet.", path=path))
    if wanted in book.names:
        return [book.names.index(wanted)]
    if wanted.strip().isdigit() and 1 <= int(wanted) <= len(book.names):
        return [int(wanted) - 1]
    listed = ", ".join(f"{n} {name}" for n, name in enumerate(book.names, 1))
    raise InvalidInput(N_("{path} has no sheet {wanted!r}; its sheets are {listed} (give --sheet a name or a "
                          "number).", path=path, wanted=wanted, listed=listed))


def _the_ledger(path: Path, book: Book, indexes: list[int], known: dict[str, str]) -> list[int]:
    """The one sheet holding ledger rows (a header naming the columns every row needs, and a row under it), so a
    department's items on a sheet of their own are never passed over unsaid; [] when no sheet holds any.
    Instructions, the hidden drop-down lists and an empty form hold none."""
    holding = [index for index in indexes if _holds_rows(book, index, known)]
    if len(holding) > 1:
        names = [book.names[index] for index in holding]
        listed = N_("{names} and {last}", names=Joined(names[:-1], "、", ", "), last=names[-1])
        raise InvalidInput(N_("{name} has ledger rows on sheets {listed}; import each with --sheet NAME.",
                              name=path.name, listed=listed))
    return holding


def _holds_rows(book: Book, index: int, known: dict[str, str]) -> bool:
    grid, _ = book.read(index)
    scanned = list(itertools.islice(grid, HEADER_SCAN_ROWS))
    header = find_header(scanned, known)
    if header is None:
        return False
    given = {i: known[normalise(t)] for i, t in enumerate(header.texts) if t is not None and normalise(t) in known}
    if not set(REQUIRED) <= set(given.values()):
        return False
    wanted = [i for i, name in given.items() if BY_FIELD[name].kind != "derived"]
    return any(not blank(values[i]) and i not in inherited for number, values, inherited in
               itertools.chain(scanned, grid) if number > header.last_row for i in wanted if i < len(values))


def _with_header(path: Path, book: Book, indexes: list[int], known: dict[str, str], mapping: dict[str, str],
                 ignore: Iterable[str]) -> Sheet:
    """The first sheet of `indexes` with a header among its first rows, and its data rows, still streaming."""
    for index in indexes:
        grid, total = book.read(index)
        scanned = list(itertools.islice(grid, HEADER_SCAN_ROWS))
        header = find_header(scanned, known)
        if header is not None:
            break
    else:
        looked = ""
        if book.named:
            names = [book.names[i] for i in indexes]
            looked = (N_(" of sheet {name}", name=names[0]) if len(names) == 1 else
                      N_(" of sheets {names}", names=Joined(names, "、", ", ")))
        raise InvalidInput(N_("{path} has no header row riskreg knows in the first {header_scan_rows} "
                              "rows{looked}; it needs columns such as 风险编码, 村(社区) and 标题 (or Risk code, Unit, "
                              "Title), or a --mapping file.", path=path, header_scan_rows=HEADER_SCAN_ROWS,
                              looked=looked))
    name = book.names[index] if book.named else None
    source = N_("{path}, sheet {name}", path=path, name=name) if name is not None else str(path)
    found = columns(source, header, known, mapping, ignore)
    missing = [f"{BY_FIELD[f].zh} ({f})" for f in REQUIRED if f not in found.fields.values()]
    if missing:
        rows = header.last_row if header.first_row == header.last_row else f"{header.first_row}-{header.last_row}"
        raise InvalidInput(N_("{source}: the header (row {rows}) lacks {missing}; name the column that holds it "
                              "in a --mapping file.", source=source, rows=rows, missing=', '.join(missing)))
    rest = (item for item in scanned if item[0] > header.last_row)
    comments, footers = book.comments(index), []

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        try:
            yield from data_rows(source, itertools.chain(rest, grid), found, header, comments, footers)
        finally:
            book.close()

    headers: dict[str, str] = {}
    for index, given in found.fields.items():  # the first of several note columns heads their problems
        headers.setdefault(given, header.texts[index] or BY_FIELD[given].zh)
    return Sheet(str(path), name, header.last_row, found.fields, found.ignored, rows(), max(0, total - header.last_row),
                 headers, footers)


def _csv_book(path: Path) -> Book:
    rows, total = _csv_rows(path)
    return Book([path.name], lambda _: (rows, total), named=False)


def _csv_rows(path: Path) -> tuple[Iterator[Row], int]:
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_SHEET_BYTES + 1)  # one byte over tells a file too large, even /dev/zero
    except OSError as err:
        raise InvalidInput(N_("Cannot read {path}: {strerror}.", path=path, strerror=err.strerror)) from None
    refuse_oversized(path, len(raw))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:  # Excel and WPS on Chinese Windows save CSV in GBK unless told otherwise
            text = raw.decode("gb18030")
        except UnicodeDecodeError:
            raise InvalidInput(N_("{path} is neither UTF-8 nor GB18030 (GBK) text.", path=path)) from None
    del raw

    def records() -> Iterator[Row]:
        number = 0
        try:
            for number, record in enumerate(csv.reader(io.StringIO(text, newline="")), 1):
                if number > MAX_SHEET_ROWS:
                    raise InvalidInput(N_("{path} has more than {max_sheet_rows:,} rows; riskreg imports at most "
                                          "{max_sheet_rows:,} rows from a sheet (split it, or import the entries "
                                          "as JSON Lines).", path=path, max_sheet_rows=MAX_SHEET_ROWS))
                yield number, [from_csv_cell(value) for value in record], set()
        except csv.Error as err:
            if "field larger than field limit" in str(err):
                raise InvalidInput(N_("{path}: row {number} has a cell longer than {csv:,} characters; a field "
                                      "holds at most {max_text:,}.", path=path, number=number + 1,
                                      csv=csv.field_size_limit(), max_text=MAX_TEXT)) from None
            raise InvalidInput(N_("{path} is not readable CSV (row {number}: {err}).", path=path, number=number + 1,
                                  err=err)) from None

    total = sum(1 for _ in records())  # a first pass, keeping nothing: the count, and any refusal before the lock
    return records(), total

"""Ledgers as spreadsheets: export to .xlsx / .csv, import from what towns already keep.

Columns are matched by header, in Chinese or English (or riskreg's field
names, so `list --format csv` reads back too), with a mapping file for odd
headers. Every row is validated before anything is written, and every bad row
is reported by its row number. Valid rows become entries through the same bulk
path as a JSON Lines import (riskreg.exchange.jsonl.import_entries), each with one
`add` history event carrying every field, so the hash chain and
`riskreg check` hold.

A spreadsheet carries an entry's current fields, not its history: for a
lossless copy use `export --format jsonl`.
"""

import csv
import io
import re
import zipfile
import zlib
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError
from xml.parsers.expat import ExpatError

from sqlmodel import Session, func, select

from riskreg.domain.catalogue_sync import read_settings
from riskreg.dates import EARLIEST, LATEST
from riskreg.errors import InvalidInput
from riskreg.domain.ledger import MAX_ID, MAX_TEXT, MAX_TITLE, Stamp, clean_text, level_forms, watch_until
from riskreg.store.models import ACTIVE, REPLAYED, Category, Department, Entry, Level, Risk, RiskDepartment, Unit
from riskreg.exchange.jsonl import BATCH, ImportResult, OpenSession, bad_input, import_entries


@dataclass(frozen=True)
class Column:
    field: str
    zh: str
    en: str
    kind: str = "text"  # text, long (multi-line), int, date, or derived (export only)


# The spreadsheet's columns, in order. The first fourteen are the town ledger's
# own (编号 … 应急预案); the rest carry what riskreg adds, so a round trip keeps it.
COLUMNS = (
    Column("id", "编号", "ID", "int"),
    Column("risk", "风险编码", "Risk code"),
    Column("category", "类别", "Category", "derived"),
    Column("unit", "村(社区)", "Unit"),
    Column("title", "标题", "Title"),
    Column("detail", "详情", "Details", "long"),
    Column("level", "风险等级", "Level"),
    Column("status", "状态", "Status"),
    Column("department", "责任部门", "Department"),
    Column("leader", "牵头领导", "Lead official"),
    Column("task_force", "工作专班", "Task force", "long"),
    Column("plan", "工作方案", "Plan", "long"),
    Column("due", "完成时限", "Deadline", "date"),
    Column("contingency", "应急预案", "Emergency plan", "long"),
    Column("measures", "管控措施", "Interim measures", "long"),
    Column("escalated_to", "提级至", "Escalated to"),
    Column("escalation_reason", "提级原因", "Escalation reason", "long"),
    Column("verified_by", "核验人", "Verified by"),
    Column("resolution", "化解情况", "Resolution", "long"),
    Column("closed_on", "销号日期", "Closed on", "date"),
    Column("watch_until", "观察期至", "Watch until", "date"),
    Column("created_on", "登记日期", "Added on", "date"),
)
BY_FIELD = {c.field: c for c in COLUMNS}
REQUIRED = ("risk", "unit", "title")
STATUS_NAMES = {"open": ("待化解", "open"), "mitigated": ("管控中", "mitigated"),
                "closed": ("已销号", "closed"), "consolidated": ("已巩固", "consolidated")}
HEADER_SCAN_ROWS = 20
# Limits on what import reads, far past any town's ledger, so a small hostile file cannot exhaust time or memory.
MAX_SHEET_BYTES = 50_000_000  # an .xlsx or .csv file
MAX_SHEET_ROWS = 100_000  # rows in a sheet, up to the last one holding a value
MAX_UNPACKED_BYTES = 500_000_000  # an .xlsx unpacked: a zip bomb packs gigabytes into kilobytes
MAX_MERGED_CELLS = 1_000_000  # cells covered by merged ranges, counted within the cells in use
# What a damaged or hostile .xlsx raises from zipfile, expat and openpyxl's reading of it.
_UNREADABLE = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ParseError, ExpatError, KeyError,
               IndexError, ValueError, TypeError)
_CLOSING = ("verified_by", "resolution", "closed_on")


def header(column: Column, lang: str) -> str:
    return column.en if lang == "en" else column.zh


def normalise(text: str) -> str:
    """Header and name matching ignores case, spaces, underscores and full-width brackets: 村（社区） is 村(社区)."""
    return re.sub(r"[\s_\-]+", "", str(text).replace("（", "(").replace("）", ")")).casefold()


_HEADERS = {normalise(name): c.field for c in COLUMNS for name in (c.zh, c.en, c.field)}


# --- export ---------------------------------------------------------------

@dataclass
class Names:
    """Catalogue display names for one language."""

    levels: dict[str, dict[str, str]]
    departments: dict[str, str]
    categories: dict[str, str]
    lang: str

    @classmethod
    def load(cls, session: Session, lang: str) -> "Names":
        from riskreg.domain.catalogue_sync import level_styles

        pick = (lambda row: row.en if lang == "en" else row.zh)
        return cls(levels=level_styles(session, lang),
                   departments={d.code: pick(d) for d in session.exec(select(Department))},
                   categories={c.code: pick(c) for c in session.exec(select(Category))}, lang=lang)

    def status(self, code: str) -> str:
        return STATUS_NAMES[code][1 if self.lang == "en" else 0]


def display_row(row: dict[str, Any], names: Names) -> dict[str, Any]:
    """One `list` row as the spreadsheet shows it: catalogue names, not codes; dates as dates."""
    shown: dict[str, Any] = {}
    for c in COLUMNS:
        value = row.get(c.field)
        if value is None:
            shown[c.field] = None
        elif c.field == "level":
            shown[c.field] = names.levels.get(value, {"name": value})["name"]
        elif c.field == "status":
            shown[c.field] = names.status(value)
        elif c.field == "department":
            shown[c.field] = names.departments.get(value, value)
        elif c.field == "category":
            shown[c.field] = names.categories.get(value, value)
        elif c.kind == "date":
            shown[c.field] = date.fromisoformat(value) if isinstance(value, str) else value
        else:
            shown[c.field] = value
    return shown


def csv_chunks(rows: Iterable[dict[str, Any]], names: Names, *, bom: bool = False) -> Iterator[str]:
    """CSV with display-language headers; `bom` so Excel and WPS read UTF-8 Chinese correctly."""
    from riskreg.render.plain import to_csv

    if bom:
        yield "\ufeff"
    headers = [header(c, names.lang) for c in COLUMNS]
    keyed = ({header(c, names.lang): _csv_value(shown[c.field]) for c in COLUMNS}
             for shown in (display_row(row, names) for row in rows))
    yield from to_csv(keyed, headers)


# Excel and WPS run a CSV cell that starts with one of these as a formula (=HYPERLINK(…) typed into a title
# would become a live link); a leading apostrophe makes them show it as text, and import takes it off again.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_value(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    return f"'{value}" if isinstance(value, str) and value.startswith(_FORMULA_START) else value


def _from_csv(value: str) -> str:
    return value[1:] if value.startswith("'") and value[1:].startswith(_FORMULA_START) else value


# ARGB fills for the level cells, and a font that stays readable on each.
_FILLS = {"red": ("FFC00000", "FFFFFFFF"), "orange": ("FFFF9900", "FF000000"),
          "yellow": ("FFFFFF00", "FF000000"), "blue": ("FF0070C0", "FFFFFFFF")}
_WIDTH_SAMPLE = 500
_MAX_WIDTH = 48


def display_width(value: Any) -> int:
    """Columns a value needs in Excel: CJK and full-width characters take two."""
    import unicodedata

    text = value.isoformat() if isinstance(value, date) else str(value)
    longest = max((sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
                   for line in text.splitlines() or [""]), default=0)
    return longest


def write_xlsx(rows: Iterable[dict[str, Any]], names: Names, target: Any, *, today: date) -> int:
    """The ledger sheet (header, frozen panes, autofilter, fitted widths, level colours, real dates)
    and a summary by department. Written in openpyxl's streaming mode, so memory stays flat;
    widths are fitted on the first rows. Returns the number of entries written."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    lang = names.lang
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("风险台账" if lang == "zh" else "Ledger")
    rows = iter(rows)
    sample = [display_row(row, names) | {"_overdue": row.get("overdue")} for row in _take(rows, _WIDTH_SAMPLE)]
    for index, c in enumerate(COLUMNS, 1):
        widest = max([display_width(header(c, lang))] + [display_width(r[c.field]) for r in sample if r[c.field] is not None])
        sheet.column_dimensions[get_column_letter(index)].width = min(_MAX_WIDTH, widest + 2)
    sheet.freeze_panes = "E2"  # the header row and 编号 … 村(社区) stay in view
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    head_fill = PatternFill("solid", fgColor="FFD9E1F2")

    def cell(value: Any, **style: Any) -> Any:
        """Every cell riskreg writes, in both sheets: text is a string cell, never a formula (a title or a
        department named =HYPERLINK(…) stays text); numbers and dates are riskreg's own. A plain value
        passes as it is, which is the same cell and costs less."""
        if not style and not (isinstance(value, str) and value.startswith("=")):
            return value
        made = WriteOnlyCell(sheet, value=value)
        if made.data_type == "f":
            made.data_type = "s"
        for key, setting in style.items():
            setattr(made, key, setting)
        return made

    sheet.append([cell(header(c, lang), font=bold, fill=head_fill) for c in COLUMNS])
    # Style objects made once: building a Font or Fill per cell costs more than writing the cell.
    level_styles = {lv["name"]: {"fill": PatternFill("solid", fgColor=_FILLS[lv["colour"]][0]),
                                 "font": Font(color=_FILLS[lv["colour"]][1], bold=True)}
                    for lv in names.levels.values() if lv["colour"] in _FILLS}
    late = Font(color="FFC00000", bold=True)
    by_department: dict[str, dict[str, int]] = {}
    count = 0
    for shown in _chain(sample, (display_row(row, names) | {"_overdue": row.get("overdue")} for row in rows)):
        out = []
        for c in COLUMNS:
            value = shown[c.field]
            if c.field == "level" and value in level_styles:
                out.append(cell(value, **level_styles[value]))
            elif c.kind == "date" and value is not None:
                if c.field == "due" and shown["_overdue"]:
                    out.append(cell(value, number_format="yyyy-mm-dd", font=late))
                else:
                    out.append(cell(value, number_format="yyyy-mm-dd"))
            elif c.kind == "long" and value is not None:
                out.append(cell(value, alignment=wrap))
            else:
                out.append(cell(value))
        sheet.append(out)
        _tally(by_department, shown, names)
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{count + 1}"
    _summary_sheet(workbook, by_department, lang, today, cell, bold, head_fill)
    workbook.save(target)
    return count


def _take(rows: Iterator[dict[str, Any]], n: int) -> list[dict[str, Any]]:
    taken = []
    for row in rows:
        taken.append(row)
        if len(taken) >= n:
            break
    return taken


def _chain(*parts: Iterable[Any]) -> Iterator[Any]:
    for part in parts:
        yield from part


def _tally(by_department: dict[str, dict[str, int]], shown: dict[str, Any], names: Names) -> None:
    counts = by_department.setdefault(shown["department"], {"open": 0, "overdue": 0, "unaccountable": 0, "closed": 0})
    active_names = {names.status(code) for code in ACTIVE}
    if shown["status"] in active_names:
        counts["open"] += 1
        counts["overdue"] += bool(shown["_overdue"])
        counts["unaccountable"] += not all(shown[f] for f in ("leader", "department", "task_force", "plan", "due"))
    else:
        counts["closed"] += 1


def _summary_sheet(workbook: Any, by_department: dict[str, dict[str, int]], lang: str, today: date,
                   cell: Any, bold: Any, head_fill: Any) -> None:
    from openpyxl.utils import get_column_letter

    zh = lang == "zh"
    sheet = workbook.create_sheet("按部门汇总" if zh else "By department")
    headers = (["责任部门", "在办", "逾期", "四个一不全", "已销号"] if zh
               else ["Department", "Active", "Overdue", "Not accountable", "Closed"])
    widths = [max([display_width(headers[0])] + [display_width(d) for d in by_department]) + 2] + \
             [display_width(h) + 4 for h in headers[1:]]
    for index, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append([cell(h, font=bold, fill=head_fill) for h in headers])
    totals = [0, 0, 0, 0]
    for name, counts in sorted(by_department.items(), key=lambda item: -item[1]["open"]):
        values = [counts[k] for k in ("open", "overdue", "unaccountable", "closed")]
        totals = [a + b for a, b in zip(totals, values)]
        sheet.append([cell(name), *map(cell, values)])
    sheet.append([cell("合计" if zh else "Total", font=bold), *(cell(v, font=bold) for v in totals)])
    sheet.append([])
    sheet.append([cell(f"截至 {today.isoformat()}，统计本次导出的条目" if zh
                       else f"As of {today.isoformat()}, counting the exported entries")])


# --- import: reading the sheet ------------------------------------------------

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
        wanted = _HEADERS.get(normalise(target)) if isinstance(target, str) else None
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
        return _with_header(path, grid, total, {**_HEADERS, **(mapping or {})})
    except BaseException:
        grid.close()  # lets an .xlsx close its file now, not when the generator is collected
        raise


def _with_header(path: Path, grid: Generator[Row, None, None], total: int, known: dict[str, str]) -> Sheet:
    """The header row, found among the first rows, and the data rows after it, still streaming."""
    scanned: list[Row] = []
    for item in grid:
        scanned.append(item)
        if len(scanned) >= HEADER_SCAN_ROWS:
            break
    best = max(scanned, key=lambda item: sum(_header_field(v, known) is not None for v in item[1]), default=None)
    if best is None or sum(_header_field(v, known) is not None for v in best[1]) < 2:
        raise InvalidInput(f"{path} has no header row riskreg knows in its first {HEADER_SCAN_ROWS} rows; it needs "
                           "columns such as 风险编码, 村(社区) and 标题 (or Risk code, Unit, Title), or a --mapping file.")
    header_row, headers, _ = best
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
    rest = (item for item in scanned if item[0] > header_row)

    def data_rows() -> Iterator[tuple[int, dict[str, Any]]]:
        for number, values, inherited in _chain(rest, grid):
            row = {name: values[index] if index < len(values) else None for index, name in fields.items()}
            # Blank unless the row has text of its own: a village merged down over an empty row does not count.
            if any(not _blank(v) and index not in inherited for index, v in
                   ((index, values[index] if index < len(values) else None) for index in fields)):
                yield number, row

    return Sheet(str(path), header_row, fields, ignored, data_rows(), max(0, total - header_row))


def _header_field(value: Any, known: dict[str, str]) -> str | None:
    return known.get(normalise(value)) if isinstance(value, str) and value.strip() else None


def _blank(value: Any) -> bool:
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
                yield number, [_from_csv(value) for value in record], set()
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


# --- import: validating rows ----------------------------------------------------

class _Catalogue:
    """Everything a row may name, loaded once, with the names people write for each code."""

    def __init__(self, session: Session) -> None:
        self.risks = {r.code: r for r in session.exec(select(Risk))}
        self.risk_names = _names(self.risks.values(), ("code", "zh", "en"))
        self.departments = {d.code: d for d in session.exec(select(Department))}
        self.department_names = _names(self.departments.values(), ("code", "zh", "en"))
        self.levels: dict[str, str] = {}
        for level in session.exec(select(Level).order_by(Level.rank)):
            self.levels.update({normalise(form): level.code for form in level_forms(level)})
        self.level_hint = "/".join(f"{lv.zh.removesuffix('风险')}|{lv.code}" for lv in session.exec(select(Level).order_by(Level.rank)))
        self.statuses = {normalise(name): code for code, forms in STATUS_NAMES.items() for name in forms}
        self.units = set(session.exec(select(Unit.name).where(Unit.retired == False)))  # noqa: E712
        self.lead = {}
        for link in session.exec(select(RiskDepartment).order_by(RiskDepartment.position.desc())):
            self.lead[link.risk] = link.department
        self.consolidation_days = read_settings(session).consolidation_days
        session.expunge_all()  # the risks and departments stay readable after the transaction (a dry run's) ends


def _names(rows: Iterable[Any], attributes: tuple[str, ...]) -> dict[str, str]:
    names: dict[str, str] = {}
    for attribute in reversed(attributes):  # codes win over names if they ever collide
        names.update({normalise(getattr(row, attribute)): row.code for row in rows})
    return names


_DATE_PATTERNS = (re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?"),
                  re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?"))


def sheet_date(value: Any) -> date:
    """A date as spreadsheets hold it: a real date, an Excel serial number, 2026-07-01, 2026/7/1 or 2026年7月1日."""
    day = None
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        day = _serial(value)
    elif isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"\d{4,5}(\.0+)?", text):
            day = _serial(float(text))
        for pattern in _DATE_PATTERNS:
            if day is None and (m := pattern.fullmatch(text)):
                try:
                    day = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
                except ValueError:
                    raise InvalidInput(f"{text!r} is not a real day") from None
    if day is None:
        raise InvalidInput(f"{value!r} is not a date (write 2026-07-01, 2026/7/1 or 2026年7月1日)")
    if not EARLIEST <= day <= LATEST:
        raise InvalidInput(f"{day.isoformat()} is out of range ({EARLIEST} to {LATEST})")
    return day


def _serial(number: float) -> date | None:
    if number != int(number) or not 1 <= number <= 400_000:
        return None
    from openpyxl.utils.datetime import from_excel

    return from_excel(int(number)).date()


def _text(value: Any, column: Column) -> str | None:
    if _blank(value):
        return None
    if isinstance(value, bool) or isinstance(value, (date, datetime)):
        raise InvalidInput(f"{column.zh} ({column.field}) should be text, not {value!r}")
    if isinstance(value, float) and value == int(value):
        value = int(value)
    short = column.kind == "text"
    try:
        return clean_text(str(value), column.field.replace("_", " "), limit=MAX_TITLE if short else MAX_TEXT,
                          multiline=not short)
    except InvalidInput as err:
        raise InvalidInput(str(err).rstrip(".")) from None


def _whole(value: Any, column: Column) -> int | None:
    if _blank(value):
        return None
    number = value.strip() if isinstance(value, str) else value
    if isinstance(number, str) and re.fullmatch(r"\d+(\.0+)?", number):
        number = float(number)
    if isinstance(number, float) and number == int(number):
        number = int(number)
    if not isinstance(number, int) or isinstance(number, bool) or not 0 < number <= MAX_ID:
        raise InvalidInput(f"{column.zh} ({column.field}) must be a positive whole number, not {value!r}")
    return number


def _lookup(value: str | None, names: dict[str, str], what: str, hint: str) -> str:
    code = names.get(normalise(value)) if value else None
    if code is None:
        raise InvalidInput(f"{what} {value!r} is not in the catalogue ({hint})")
    return code


def _row(raw: dict[str, Any], known: _Catalogue, today: date) -> dict[str, Any]:
    """An entry's fields from one row, checked as `add`, `assign`, `mitigate`, `escalate` and `close` check them."""
    values: dict[str, Any] = {}
    for name, value in raw.items():
        column = BY_FIELD[name]
        try:
            if column.kind == "int":
                values[name] = _whole(value, column)
            elif column.kind == "date":
                values[name] = None if _blank(value) else sheet_date(value)
            else:
                values[name] = _text(value, column)
        except InvalidInput as err:
            message = str(err)
            raise InvalidInput(message if message.startswith(column.zh) else f"{column.zh} ({name}): {message}") from None
    missing = [f"{BY_FIELD[f].zh} ({f})" for f in REQUIRED if not values.get(f)]
    if missing:
        raise InvalidInput(f"{', '.join(missing)} missing")
    risk = known.risks[_lookup(values["risk"], known.risk_names, "risk", "`riskreg catalogue show` lists them")]
    if risk.retired:
        raise InvalidInput(f"risk {risk.code} is retired from the catalogue")
    if known.units and values["unit"] not in known.units:
        raise InvalidInput(f"unit {values['unit']!r} is not in the catalogue's list of units")
    row = {name: values.get(name) for name in REPLAYED}
    row.update(risk=risk.code, extensions=0, reopen_count=0, id=values.get("id"))
    row["level"] = _lookup(values.get("level"), known.levels, "level", known.level_hint) if values.get("level") else "general"
    row["status"] = _lookup(values.get("status"), known.statuses, "status",
                            "/".join(f"{zh}|{en}" for zh, en in STATUS_NAMES.values())) if values.get("status") else "open"
    if values.get("department"):
        department = known.departments[_lookup(values["department"], known.department_names, "department",
                                               "`riskreg catalogue show` lists them")]
        if department.retired:
            raise InvalidInput(f"department {department.code} is retired from the catalogue")
        row["department"] = department.code
    elif risk.code in known.lead:
        row["department"] = known.lead[risk.code]
    else:
        raise InvalidInput(f"risk {risk.code} names no department; fill in 责任部门")
    created = values.get("created_on") or today
    if created > today:
        raise InvalidInput(f"登记日期 (created_on) {created} is after today ({today})")
    row["created_on"] = row["updated_on"] = created
    if row["due"] is not None:
        row["original_due"] = row["due"]
    if bool(row["escalated_to"]) != bool(row["escalation_reason"]):
        raise InvalidInput("提级至 (escalated_to) and 提级原因 (escalation_reason) go together")
    if row["status"] in ACTIVE:
        given = [f"{BY_FIELD[f].zh} ({f})" for f in (*_CLOSING, "watch_until") if row[f] is not None]
        if given:
            raise InvalidInput(f"the entry is {row['status']} but has {', '.join(given)}; those belong to closed entries")
        if row["status"] == "mitigated" and not row["measures"]:
            raise InvalidInput("a mitigated entry needs 管控措施 (measures)")
    else:
        lacking = [f"{BY_FIELD[f].zh} ({f})" for f in _CLOSING if row[f] is None]
        if lacking:
            raise InvalidInput(f"a {row['status']} entry needs {', '.join(lacking)}")
        if not created <= row["closed_on"] <= today:
            raise InvalidInput(f"销号日期 (closed_on) {row['closed_on']} is not between 登记日期 {created} and today")
        row["watch_until"] = row["watch_until"] or watch_until(row["closed_on"], risk, known.consolidation_days)
        if row["watch_until"] < row["closed_on"]:
            raise InvalidInput(f"观察期至 (watch_until) {row['watch_until']} is before 销号日期 {row['closed_on']}")
    return row


@dataclass
class Parsed:
    """Validated rows, ready to import: each entry with its one history event."""

    source: str
    entries: list[tuple[dict[str, Any], list[dict[str, Any]]]] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)  # the spreadsheet row of each entry


def parse_rows(use: OpenSession, sheet: Sheet, stamp: Stamp, rows: Iterable[tuple[int, dict[str, Any]]] | None = None,
               *, new_ids: bool = False) -> Parsed:
    """Check every row; raise one error naming every bad row, or return them all ready to import.

    `rows` defaults to the sheet's rows (pass them wrapped, e.g. in a progress bar). A row is one
    entry by its 编号; a row without one (or with --new-ids) by its risk, unit and title, so a
    pasted duplicate or a ledger imported twice is refused while a recurring hazard under its own
    编号 is not.

    The register is asked twice, through `use`: for the catalogue before the rows are read and for
    the entries already there after. An import hands in its one writing transaction both times; a
    dry run a fresh read transaction each time, so no lock is held while the rows are read."""
    with use() as session:
        known = _Catalogue(session)
    parsed, bad = Parsed(sheet.source), []
    seen_ids: dict[int, int] = {}
    seen_content: dict[tuple[str, str, str], int] = {}
    for number, raw in (rows if rows is not None else sheet.rows):
        try:
            row = _row(raw, known, stamp.today)
        except InvalidInput as err:
            bad.append(f"row {number}: {str(err).rstrip('.')}")
            continue
        key = (row["risk"], row["unit"], row["title"])
        numbered = row["id"] is not None and not new_ids
        if numbered and row["id"] in seen_ids:
            bad.append(f"row {number}: 编号 {row['id']} is also on row {seen_ids[row['id']]}")
            continue
        if not numbered and key in seen_content:
            bad.append(f"row {number}: repeats row {seen_content[key]} (same risk, unit and title)")
            continue
        if numbered:
            seen_ids[row["id"]] = number
        else:
            seen_content[key] = number
        changes = {name: {"old": None, "new": value.isoformat() if isinstance(value, date) else value}
                   for name, value in row.items() if name in REPLAYED and value is not None
                   and name not in ("extensions", "reopen_count")}
        event = {"at": stamp.wall_clock(), "on": row["created_on"], "actor": stamp.actor, "action": "add",
                 "changes": changes, "text": f"imported from {Path(sheet.source).name}, row {number}"}
        parsed.entries.append((row, [event]))
        parsed.rows.append(number)
    with use() as session:
        bad += _already_in_register(session, parsed, new_ids)
    if bad:
        raise bad_input(bad, "row")
    return parsed


def _already_in_register(session: Session, parsed: Parsed, new_ids: bool) -> list[str]:
    """Unnumbered rows whose risk, unit and title an entry already has (numbered ones clash by 编号)."""
    by_title: dict[str, list[int]] = {}
    for position, (row, _) in enumerate(parsed.entries):
        if row["id"] is None or new_ids:
            by_title.setdefault(row["title"], []).append(position)
    titles, found = list(by_title), []
    for start in range(0, len(titles), BATCH):
        for entry_id, risk, unit, title in session.exec(
                select(Entry.id, Entry.risk, Entry.unit, Entry.title).where(Entry.title.in_(titles[start:start + BATCH]))):
            for position in by_title[title]:
                row = parsed.entries[position][0]
                if (row["risk"], row["unit"]) == (risk, unit):
                    found.append((parsed.rows[position], f"row {parsed.rows[position]}: already in the register as entry {entry_id}"))
    return [message for _, message in sorted(found)]


def import_parsed(session: Session, parsed: Parsed, *, new_ids: bool = False, write: bool = True) -> ImportResult:
    """Write the checked rows: 编号 kept as the entry number unless --new-ids; rows without one get the next numbers.

    Afterwards `parsed` holds the numbers the entries were given (for the dry-run preview, which passes
    write=False: every check and the numbering, nothing inserted)."""
    entries = parsed.entries
    if new_ids:
        entries = [({**row, "id": position}, events) for position, (row, events) in enumerate(entries, 1)]
    elif any(row["id"] is None for row, _ in entries):
        highest = max([row["id"] or 0 for row, _ in entries] + [session.exec(select(func.max(Entry.id))).one() or 0])
        numbered = []
        for row, events in entries:
            if row["id"] is None:
                highest += 1
                row = {**row, "id": highest}
            numbered.append((row, events))
        entries = numbered
    result = import_entries(session, entries, new_ids=new_ids, write=write)
    parsed.entries = [({**row, "id": result.renumbered.get(row["id"], row["id"])}, events) for row, events in entries]
    return result


def preview_rows(parsed: Parsed) -> list[dict[str, Any]]:
    """The checked rows as `list` shows entries (for the --dry-run table)."""
    return [{**{k: (v.isoformat() if isinstance(v, date) else v) for k, v in row.items()}, "row": number}
            for (row, _), number in zip(parsed.entries, parsed.rows)]

"""Reading an .xlsx workbook with openpyxl's read-only mode, which holds one row at a time.

Read-only mode cannot see merged cells, and the sheet XML lists them after the rows, so a first cheap pass
(_scan_sheet) finds the cells in use and the merged ranges; the second streams rows within the cells in use,
copying each merged value into the cells its range covers.
"""

import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError
from xml.parsers.expat import ExpatError

from riskreg.errors import InvalidInput
from riskreg.exchange.sheet_book import (Book, Formula, Row, Span, clipped, refuse_oversized, refuse_row, refuse_unpacked,
                                         unreadable, with_merged_values)
from riskreg.messages import N_

# What a damaged or hostile workbook raises from zipfile, expat and openpyxl's reading of it.
UNREADABLE = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ParseError, ExpatError, KeyError,
              IndexError, ValueError, TypeError)

MAX_UNSAVED_FORMULAS = 10_000  # each is a problem of its row; past this many the file is refused as a whole


def xlsx_book(path: Path) -> Book:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    refuse_oversized(path, path.stat().st_size if path.is_file() else 0)
    try:
        handle = path.open("rb")  # ours to close: openpyxl leaves a file it opened open when it fails
    except OSError as err:
        raise InvalidInput(N_("Cannot read {path}: {strerror}.", path=path, strerror=err.strerror)) from None
    try:
        archive = zipfile.ZipFile(handle)
        refuse_unpacked(path, sum(member.file_size for member in archive.infolist()))
        workbook = load_workbook(handle, read_only=True, data_only=True)
        if not workbook.worksheets:
            raise InvalidInput(N_("{path} has no worksheet (only charts); put the ledger on a worksheet and "
                                  "import that.", path=path))
    except (InvalidFileException, OSError, *UNREADABLE) as err:
        handle.close()
        raise unreadable(path, err) from None
    except BaseException:
        handle.close()
        raise

    def read(index: int) -> tuple[Iterator[Row], int]:
        sheet = workbook.worksheets[index]
        try:
            # The sheet's own name for its XML part; openpyxl has no public way to reach the part.
            with archive.open(sheet._worksheet_path) as source:
                used = _scan_sheet(source, path)
        except (OSError, *UNREADABLE) as err:
            raise unreadable(path, err) from None
        sheet.reset_dimensions()  # the sheet's <dimension> is what it claims, not what it holds

        def rows() -> Iterator[Row]:
            try:
                if used.rows:
                    cells = sheet.iter_rows(max_row=used.rows, max_col=used.columns, values_only=True)
                    yield from with_merged_values(_with_formulas(cells, used.unsaved), used.merged)
            except UNREADABLE as err:
                raise unreadable(path, err) from None

        return rows(), used.rows

    def close() -> None:
        workbook.close()
        handle.close()

    def comments(index: int) -> dict[tuple[int, int], str]:
        try:
            return _comments(archive, workbook.worksheets[index]._worksheet_path, path)
        except (OSError, *UNREADABLE) as err:
            raise unreadable(path, err) from None

    return Book([sheet.title for sheet in workbook.worksheets], read, close, comments=comments)


MAX_COMMENTS = 10_000  # comments (批注) read from a sheet; a ledger has a handful


def _comments(archive: zipfile.ZipFile, part: str, path: Path) -> dict[tuple[int, int], str]:
    """The sheet's cell comments (批注) by (row, column), found through the sheet's relationships, read with
    expat as the sheet is (no DTD), within MAX_COMMENTS and MAX_TEXT characters each."""
    import posixpath

    from openpyxl.utils.cell import coordinate_to_tuple

    from riskreg.domain.ledger import MAX_TEXT

    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", name + ".rels")
    if rels not in archive.namelist():
        return {}
    targets: list[str] = []

    def relationship(tag: str, attributes: dict[str, str]) -> None:
        if tag.endswith("Relationship") and attributes.get("Type", "").endswith("/comments"):
            target = attributes.get("Target", "")
            targets.append(target.lstrip("/") if target.startswith("/") else
                           posixpath.normpath(posixpath.join(folder, target)))

    _parse(archive, rels, path, relationship)
    found: dict[tuple[int, int], str] = {}
    for target in targets:
        at: tuple[int, int] | None = None
        texts: list[str] = []

        def start(tag: str, attributes: dict[str, str]) -> None:
            nonlocal at
            if tag.rpartition(" ")[2] == "comment":
                at, texts[:] = coordinate_to_tuple(attributes["ref"].split(":")[0]), []
                if len(found) >= MAX_COMMENTS:
                    raise InvalidInput(N_("{path} has more than {max_comments:,} comments (批注) on a sheet; riskreg "
                                          "imports each as a note of its row, at most {max_comments:,}.",
                                          path=path, max_comments=MAX_COMMENTS))

        def end(tag: str) -> None:
            if tag.rpartition(" ")[2] == "comment" and at is not None:
                found[at] = "".join(texts).strip()[:MAX_TEXT + 1]  # one over: refused as too long, not cut

        def text(data: str) -> None:
            if at is not None and sum(map(len, texts)) <= MAX_TEXT:
                texts.append(data)

        _parse(archive, target, path, start, end, text)
    return {at: text for at, text in found.items() if text}


def _parse(archive: zipfile.ZipFile, part: str, path: Path, start: Any, end: Any = None, text: Any = None) -> None:
    from xml.parsers import expat

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, text
    parser.buffer_text = True
    parser.StartDoctypeDeclHandler = lambda *_: no_dtd(path, ".xlsx")
    with archive.open(part) as source:
        parser.ParseFile(source)


@dataclass
class _UsedCells:
    rows: int = 0  # the last row and column holding a value
    columns: int = 0
    merged: list[Span] = field(default_factory=list)
    unsaved: dict[int, dict[int, Formula]] = field(default_factory=dict)  # row -> column -> formula, 1-based
    formulas: int = 0  # how many


def _with_formulas(cells: Iterator[tuple[Any, ...]], unsaved: dict[int, dict[int, Formula]]) -> Iterator[list[Any]]:
    """The rows with each formula saved without a value in place of the None openpyxl reads for it."""
    for number, row in enumerate(cells, 1):
        values = list(row)
        for column, formula in unsaved.get(number, {}).items():
            if values[column - 1] in (None, ""):
                values[column - 1] = formula
        yield values


def _scan_sheet(source: Any, path: Path) -> _UsedCells:
    """One pass over the sheet XML with expat, keeping no cell: the last row and column that hold a value, the
    merged ranges clipped to them, and the formulas saved without a value (openpyxl reads them as empty). Refuses a DTD (no spreadsheet needs one; it is how entity bombs and
    external entities get in), rows past MAX_SHEET_ROWS and merged ranges covering more than MAX_MERGED_CELLS."""
    from xml.parsers import expat

    from openpyxl.utils.cell import coordinate_to_tuple, range_boundaries

    used, refs = _UsedCells(), []
    row = column = 0
    # A formula cell being read: [row, column, the formula's text, a value seen], and which of its <f> or <v> is
    # open. Its text is collected only from its <f> to the next cell, so cells without a formula cost nothing more.
    formula: list[Any] | None = None
    inside = ""
    kind = ""  # the cell's t: "str" for a formula's text value, which may be "" (=IF(D2="","",…) saved)
    parser = expat.ParserCreate(namespace_separator=" ")

    def start(name: str, attributes: dict[str, str]) -> None:
        nonlocal row, column, formula, inside, kind
        tag = name.rpartition(" ")[2]
        if tag in ("row", "c") and formula is not None:
            formula_read()
        if tag == "row":
            row, column = int(attributes["r"]) if "r" in attributes else row + 1, 0
        elif tag == "c":
            column = coordinate_to_tuple(attributes["r"])[1] if "r" in attributes else column + 1
            kind = attributes.get("t", "")
        elif tag in ("v", "is", "f"):  # a value, an inline string, or a formula (saved with a value or not)
            refuse_row(path, row)
            used.rows, used.columns = max(used.rows, row), max(used.columns, column)
            if tag == "f":
                formula, inside = [row, column, [], False], "f"
                parser.CharacterDataHandler = text
            elif formula is not None:
                inside = tag
                formula[3] = formula[3] or (tag == "v" and kind == "str")
        elif tag == "mergeCell":
            refs.append(attributes["ref"])

    def text(data: str) -> None:
        if inside == "f" and len(formula[2]) < 50:  # a formula shown, not a file held
            formula[2].append(data)
        elif inside in ("v", "is") and data.strip():
            formula[3] = True

    def formula_read() -> None:
        nonlocal formula
        at, place, written, valued = formula
        formula = None
        parser.CharacterDataHandler = None
        if valued:
            return
        used.formulas += 1
        if used.formulas > MAX_UNSAVED_FORMULAS:
            raise InvalidInput(N_("{path} holds more than {max_unsaved_formulas:,} formulas saved without their "
                                  "values (the file was not saved by a spreadsheet program); open it in Excel, "
                                  "WPS or LibreOffice, save it, and import it again.", path=path,
                                  max_unsaved_formulas=MAX_UNSAVED_FORMULAS))
        shown = "=" + "".join(written).strip()
        used.unsaved.setdefault(at, {})[place] = Formula(shown if len(shown) <= 80 else shown[:79] + "…")

    parser.StartElementHandler = start
    parser.buffer_text = True
    parser.StartDoctypeDeclHandler = lambda *_: no_dtd(path, ".xlsx")
    parser.ParseFile(source)
    if formula is not None:
        formula_read()
    used.merged = clipped(path, (range_boundaries(ref) for ref in refs), used.rows, used.columns)
    return used


def no_dtd(path: Path, kind: str) -> None:
    raise InvalidInput(N_("{path} is not a readable {kind} workbook (its sheet declares a DTD, which no "
                          "spreadsheet program writes).", path=path, kind=kind))

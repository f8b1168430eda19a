"""Finding a sheet's header and what each column gives, and making sure no filled cell is dropped unsaid.

A header may span rows: a group cell above (四个一 over 责任部门 … 完成时限), field cells below. Saved as CSV,
the group's text stands in the first column of its span and the columns after it are empty; in a workbook
it is merged across them, or also written once. So up to three consecutive rows are read as one header, each
column headed by its lowest non-empty cell, and the rows that name the most fields win. A title row above
the header names none, so it never joins.
"""

import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from riskreg.errors import InvalidInput
from riskreg.exchange.sheet_book import Row
from riskreg.exchange.sheet_columns import BY_FIELD, ROW_NUMBER, normalise
from riskreg.messages import NP_, N_, Joined, Message

HEADER_SCAN_ROWS = 20
MAX_HEADER_ROWS = 3
SAMPLES = 3  # values shown of a column refused


@dataclass
class Header:
    first_row: int  # the header's rows, 1-based
    last_row: int
    texts: list[str | None]  # each column's heading, None where it has none


def find_header(scanned: list[Row], known: dict[str, str]) -> Header | None:
    """The rows, at most MAX_HEADER_ROWS consecutive ones, naming the most known fields (two at least)."""
    best, best_score = None, 1
    for end in range(len(scanned)):
        for depth in range(1, MAX_HEADER_ROWS + 1):
            rows = scanned[end - depth + 1:end + 1] if depth <= end + 1 else []
            if not rows or rows[-1][0] - rows[0][0] != depth - 1:
                break
            texts = _combined([values for _, values, _ in rows])
            score = len({known[normalise(t)] for t in texts if t is not None and normalise(t) in known})
            if score > best_score:  # ties keep the earlier, shallower header
                best, best_score = Header(rows[0][0], rows[-1][0], texts), score
    return best


def _combined(rows: list[list[Any]]) -> list[str | None]:
    width = max(map(len, rows))
    texts: list[str | None] = []
    for column in range(width):
        cells = [_text(row[column]) for row in rows if column < len(row)]
        texts.append(next((text for text in reversed(cells) if text is not None), None))
    return texts


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


@dataclass
class Columns:
    """What each column of a sheet gives."""

    fields: dict[int, str]  # column index -> field
    skipped: set[int]  # passed over: the row number, a derived field, a column named by --ignore
    ignored: list[str]  # the columns --ignore named, as the sheet heads them
    names: dict[int, str] = field(default_factory=dict)  # every other column's heading: data there is refused


def columns(source: object, header: Header, known: dict[str, str], mapping: Iterable[str],
            ignore: Iterable[str]) -> Columns:
    """Each column's field; a mapping line or --ignore naming no column of the sheet is refused."""
    by_text = {normalise(t): index for index, t in enumerate(header.texts) if t is not None}
    where = N_("{source}: the header (row {rows})", source=source, rows=_rows(header))
    for key in mapping:
        if key not in by_text:
            raise InvalidInput(N_("The mapping file names {key!r}, but {where} has no such column; its headers "
                                  "are {header}.", key=key, where=where, header=_listed(header)))
    skip = {}
    for name in ignore:
        index = by_text.get(normalise(name))
        if index is None and name.strip().isalpha() and name.strip().isascii():
            index = _letter_index(name.strip())
        if index is None:
            raise InvalidInput(N_("--ignore {name!r} names no column: {where} has {header} (a column without a "
                                  "header is named by its letter, e.g. --ignore F).", name=name, where=where,
                                  header=_listed(header)))
        skip[index] = name
    result = Columns({}, set(skip), [skip[i] for i in sorted(skip)])
    for index, text in enumerate(header.texts):
        if index in skip:
            continue
        wanted = known.get(normalise(text)) if text is not None else None
        if text is not None and (normalise(text) in ROW_NUMBER or (wanted and BY_FIELD[wanted].kind == "derived")):
            result.skipped.add(index)
        elif wanted is None:
            result.names[index] = text or ""
        elif wanted in result.fields.values() and wanted != "note":  # every note column is taken (data_rows)
            raise InvalidInput(N_("{where}: two columns both give {zh} ({wanted}); give one of them another "
                                  "field with a --mapping line (such as `{text}: detail`), or --ignore one of "
                                  "them.", where=where, zh=BY_FIELD[wanted].zh, wanted=wanted, text=text))
        else:
            result.fields[index] = wanted
    return result


def _letter_index(letters: str) -> int | None:
    from openpyxl.utils import column_index_from_string

    try:
        return column_index_from_string(letters.upper()) - 1
    except ValueError:
        return None


def _rows(header: Header) -> object:
    if header.first_row == header.last_row:
        return header.last_row
    return N_("rows {first}-{last}", first=header.first_row, last=header.last_row)


def _listed(header: Header) -> str:
    named = [t for t in header.texts if t is not None]
    return ", ".join(named[:30]) + (" …" if len(named) > 30 else "")


def data_rows(source: object, rows: Iterable[Row], found: Columns, header: Header | None = None,
              comments: dict[tuple[int, int], str] | None = None,
              footers: list[tuple[int, str]] | None = None) -> Iterator[tuple[int, dict[str, Any]]]:
    """Each row with anything of its own in a field's column, as field -> raw value.

    A cell filled under a heading riskreg has no field for (or under none, or past the header's last column)
    is remembered; when the rows are done, the import is refused naming each such column, so nothing is
    dropped without a word. Merged values copied in do not count: they are their first cell's. A cell's
    comment (批注, `comments` by 1-based row and column) is a note of its row, after the row's own notes,
    headed by the cell's column: 批注（具体情况）：…; one on an empty cell under the last row is a row of its
    own, for the checks to refuse. A 合计 row or a 填表人 line under the ledger (footer) is passed over and
    added to `footers` with its first cell, for the import to say so, unless it is an entry all the same
    (_an_entry)."""
    stray: dict[int, list[Any]] = {}
    notes = [index for index, name in found.fields.items() if name == "note"]
    remarks: dict[int, list[str]] = {}
    for (at, place), text in sorted((comments or {}).items()):
        heading = header.texts[place - 1] if header and place <= len(header.texts) else None
        remarks.setdefault(at, []).append(f"批注（{heading or column_letter(place - 1)}）：{text}")
    codes = [index for index, name in found.fields.items() if name == "risk"]
    last = header.last_row if header else 0
    for number, values, inherited in rows:
        last = number
        if (first := footer(values)) is not None and not _an_entry(values, inherited, codes, number in remarks):
            if footers is not None:
                footers.append((number, first))
            continue
        for index, value in enumerate(values):
            if index not in found.fields and index not in found.skipped and index not in inherited and not blank(value):
                samples = stray.setdefault(index, [])
                if len(samples) < SAMPLES:
                    samples.append(value)
        row = {name: values[index] if index < len(values) else None for index, name in found.fields.items()}
        if len(notes) > 1:  # a sheet's 进展情况 and 备注: each cell a note of its own, in column order
            row["note"] = [values[index] if index < len(values) else None for index in notes]
        if number in remarks:
            own = row.get("note")
            row["note"] = [*(own if isinstance(own, list) else [own]), *remarks[number]]
        # Blank unless the row has text of its own: a village merged down over an empty row does not count.
        if number in remarks or any(not blank(values[index]) and index not in inherited
                                    for index in found.fields if index < len(values)):
            yield number, row
    for number in sorted(at for at in remarks if at > last):
        yield number, {**{name: None for name in found.fields.values()}, "note": remarks[number]}
    if stray:
        raise InvalidInput(_refusal(source, stray, found))


def _an_entry(values: list[Any], inherited: set[int], codes: list[int], commented: bool) -> bool:
    """Whether a row a footer word opens is an entry all the same: it has a comment, or a risk code of its own
    after that word (小计 typed over a real item's 序号). Passed over, its filled cells would be lost under a
    line calling it a total."""
    opening = next(index for index, value in enumerate(values) if not blank(value))
    return commented or any(index != opening and index < len(values) and index not in inherited
                            and not blank(values[index]) for index in codes)


def _refusal(source: object, stray: dict[int, list[Any]], found: Columns) -> Message:
    described, flags, example = [], [], None
    for index, samples in sorted(stray.items()):
        heading = found.names.get(index) or None
        values = ", ".join(repr(v if isinstance(v, str) else str(v))[:60] for v in samples)
        described.append(N_("{heading} ({letter}), e.g. {values}", heading=heading, letter=column_letter(index),
                            values=values) if heading else
                         N_("{letter} (no header), e.g. {values}", letter=column_letter(index), values=values))
        flags.append(f"--ignore {heading or column_letter(index)}")
        example = example or (f"`{heading}: detail`" if heading else None)
    said = {"source": source, "described": Joined(described), "flags": " ".join(flags), "example": example}
    if example:
        return NP_("{source}: column {described} holds data riskreg has no field for, so nothing was imported; give "
                   "it a field with a --mapping line (such as {example}) or leave it out with {flags}.",
                   "{source}: columns {described} hold data riskreg has no field for, so nothing was imported; give "
                   "it a field with a --mapping line (such as {example}) or leave them out with {flags}.",
                   len(described), **said)
    return NP_("{source}: column {described} holds data riskreg has no field for, so nothing was imported; leave it "
               "out with {flags}.",
               "{source}: columns {described} hold data riskreg has no field for, so nothing was imported; leave "
               "them out with {flags}.", len(described), **said)


TOTALS = ("合计", "小计", "总计")
# How town offices sign a sheet off, and the note lines under it (注：…), compared after NFKC (：is :).
SIGN_OFFS = ("填表人", "填报人", "审核人", "填报单位", "填报日期", "制表", "单位负责人", "主要负责人", "分管领导",
             "主要领导", "注:", "备注:", "说明:")


def footer(values: list[Any]) -> str | None:
    """The row's first filled cell when it makes the row a footer, not an entry: 合计, 小计 or 总计 (merged over
    the first columns, counts beside it, or 总计：6), or a sign-off such as 填表人：张三 电话：…; else None."""
    first = next((value for value in values if not blank(value)), None)
    if not isinstance(first, str):
        return None
    key = "".join(unicodedata.normalize("NFKC", first).split())
    total = key.split(":")[0].split("(")[0]  # 总计：2, 合计（户）
    return first.strip() if total in TOTALS or key.startswith(SIGN_OFFS) else None


def blank(value: Any) -> bool:
    """An empty cell: nothing, or only spaces."""
    return value is None or (isinstance(value, str) and not value.strip())

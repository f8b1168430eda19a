"""Writing the ledger as a spreadsheet: CSV, or an .xlsx workbook with the ledger and a summary by department
(or, sent out to be filled in, its instructions: riskreg.exchange.sheet_forms).

Catalogue names, not codes, and headers in the --lang language, so a town reads it as its own ledger and
riskreg.exchange.sheet_read reads it back. The workbook's formatting is riskreg.render.xlsx's.
"""

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, select

from riskreg.escaping import csv_cell
from riskreg.exchange.sheet_columns import COLUMNS, Column, header
from riskreg.exchange.sheet_forms import Form, add_form
from riskreg.store.models import ACTIVE, VOIDED, Category, Department
from riskreg.vocabulary import word, words

_WIDTH_SAMPLE = 500  # rows the ledger's column widths are fitted on


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
        return word(f"status.{code}", self.lang)


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


def _csv_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else csv_cell(value)


def write_xlsx(rows: Iterable[dict[str, Any]], names: Names, target: Any, *, today: date,
               form: Form | None = None) -> int:
    """The ledger sheet (header, frozen panes, autofilter, fitted widths, level colours, real dates), then a
    summary by department, or with a `form` the instructions and drop-downs of a sheet sent out to be filled
    in. Widths are fitted on the first rows. Returns the number of entries written."""
    from riskreg.render.xlsx import Book, fitted_width

    lang = names.lang
    book = Book()
    rows = iter(rows)
    sample = [_shown(row, names) for row in itertools.islice(rows, _WIDTH_SAMPLE)]
    headers = [header(c, lang) for c in COLUMNS]
    widths = [fitted_width([heading, *(r[c.field] for r in sample)]) for heading, c in zip(headers, COLUMNS)]
    sheet = book.sheet(word("sheet.ledger", lang), widths, freeze="E2")  # 编号 … 村(社区) stay in view
    sheet.headings(headers)
    colours = {level["name"]: level["colour"] for level in names.levels.values()}
    by_department: dict[str, dict[str, int]] = {}
    count = 0
    for shown in itertools.chain(sample, (_shown(row, names) for row in rows)):
        sheet.append([sheet.cell(shown[c.field], _style(c, shown, colours)) for c in COLUMNS])
        _tally(by_department, shown, names)
        count += 1
    sheet.filter(len(COLUMNS), count + 1)
    if form is None:
        _summary_sheet(book, by_department, lang, today)
    else:
        add_form(book, sheet, form, count, lang, today)
    book.save(target)
    return count


def _shown(row: dict[str, Any], names: Names) -> dict[str, Any]:
    return display_row(row, names) | {"_overdue": row.get("overdue")}


def _style(column: Column, shown: dict[str, Any], colours: dict[str, str]) -> str | None:
    """How a ledger cell looks: a level in its colour, dates as dates (an overdue deadline in red), long text wrapped."""
    if column.field == "level":
        return colours.get(shown["level"])
    if column.kind == "date":
        return "late" if column.field == "due" and shown["_overdue"] else "date"
    return "wrap" if column.kind == "long" else None


def _tally(by_department: dict[str, dict[str, int]], shown: dict[str, Any], names: Names) -> None:
    counts = by_department.setdefault(shown["department"], {"open": 0, "overdue": 0, "unaccountable": 0, "closed": 0})
    active_names = {names.status(code) for code in ACTIVE}
    if shown["status"] in active_names:
        counts["open"] += 1
        counts["overdue"] += bool(shown["_overdue"])
        counts["unaccountable"] += not all(shown[f] for f in ("leader", "department", "task_force", "plan", "due"))
    elif shown["status"] != names.status(VOIDED):  # exported (--status voided), yet counted nowhere
        counts["closed"] += 1



def _summary_sheet(book: Any, by_department: dict[str, dict[str, int]], lang: str, today: date) -> None:
    from riskreg.render.xlsx import display_width

    t = words(lang)
    headers = [t(key) for key in ("header.department", "count.active", "count.overdue", "count.unaccountable",
                                  "count.closed")]
    widths = [max([display_width(headers[0])] + [display_width(d) for d in by_department]) + 2] + \
             [display_width(h) + 4 for h in headers[1:]]
    sheet = book.sheet(t("sheet.by_department"), widths, freeze="A2")
    sheet.headings(headers)
    totals = [0, 0, 0, 0]
    for name, counts in sorted(by_department.items(), key=lambda item: -item[1]["open"]):
        values = [counts[k] for k in ("open", "overdue", "unaccountable", "closed")]
        totals = [a + b for a, b in zip(totals, values)]
        sheet.append([sheet.cell(name), *map(sheet.cell, values)])
    sheet.append([sheet.cell(t("sheet.total"), "bold"), *(sheet.cell(v, "bold") for v in totals)])
    sheet.append([])
    sheet.append([sheet.cell(t("sheet.counted").format(date=today.isoformat()))])

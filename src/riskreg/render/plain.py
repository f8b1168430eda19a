"""Machine formats (JSON, CSV) and Markdown, from the same plain data as the tables."""

import csv
import functools
import io
import json
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any

from riskreg.escaping import markdown_text
from riskreg.render.labels import (LIST_BASE, STATUS_LABELS, campaign_phrase, chain_line, list_count, list_titles,
                                   listed, rows_in_reading_order, scope_line, total_key)
from riskreg.vocabulary import code_word, words

_one_line = json.JSONEncoder(ensure_ascii=False).encode  # the standard library's C encoder
_ITEMS_PER_CHUNK = 1000


def to_json(data: Any) -> str:
    return "".join(json_chunks(data))


# The writer's masking step (riskreg.masking.masked_json, passed in by riskreg.cli.output): called with each
# value and the plain encoder, it returns the value's JSON, masked.
Masking = Callable[[Any, Callable[[Any], str]], str]


def json_chunks(data: Any, *, masking: Masking | None = None, exact: tuple[str, ...] = ()) -> Iterator[str]:
    """JSON text in pieces: objects indented by two spaces, each item of a list on a line of its own.

    Like sqlite-utils' output, one record per line reads well and diffs well, and
    it is fast: the items go through the C encoder, where indenting everything
    would take the pure-Python one, several times slower on a county report's
    tens of thousands of listed items. Lists may be iterators, so a listing is
    streamed rather than held; the report is never one large string. `masking`
    masks identity and mobile numbers as the text is encoded, so nothing is
    encoded twice to find out whether it holds any. The keys of `data` named in `exact` are never masked.
    """
    encode = _encoder(masking)
    yield from _chunks(data, "", encode, exact)
    yield "\n"


def json_lines(items: Iterable[Any], *, masking: Masking | None = None) -> Iterator[str]:
    """One JSON object a line (JSON Lines), each through the C encoder, masked as it is encoded by `masking`."""
    encode = _encoder(masking)
    for item in items:
        yield encode(item) + "\n"


def _encoder(masking: Masking | None) -> Callable[[Any], str]:
    return functools.partial(masking, encode=_one_line) if masking else _one_line


def _chunks(value: Any, indent: str, encode: Callable[[Any], str], exact: tuple[str, ...] = ()) -> Iterator[str]:
    inner = indent + "  "
    if isinstance(value, dict):
        if not value:
            yield "{}"
            return
        yield "{"
        for number, (key, item) in enumerate(value.items()):
            yield f'{"," if number else ""}\n{inner}{encode(key)}: '
            yield from _chunks(item, inner, _one_line if key in exact else encode)
        yield f"\n{indent}}}"
    elif isinstance(value, (list, tuple, Iterator)):
        items = iter(value)
        batch = [encode(item) for item in islice(items, _ITEMS_PER_CHUNK)]
        if not batch:
            yield "[]"
            return
        separator = f",\n{inner}"
        yield f"[\n{inner}" + separator.join(batch)
        while batch := [encode(item) for item in islice(items, _ITEMS_PER_CHUNK)]:
            yield separator + separator.join(batch)
        yield f"\n{indent}]"
    else:
        yield encode(value)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "/".join(str(v) for v in value)
    return str(value)


def to_csv(rows: Iterable[dict[str, Any]], fields: Iterable[str]) -> Iterable[str]:
    """CSV lines, header first, streamed row by row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush(values: Iterable[Any]) -> str:
        writer.writerow([_cell(v) for v in values])
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    fields = list(fields)
    yield flush(fields)
    for row in rows:
        yield flush(row.get(name) for name in fields)


def aligned(headings: list[str], rows: list[list[Any]]) -> Iterator[str]:
    """A table as plain text lines, columns padded to the widest cell (CJK characters counting two), two spaces
    apart: for a pipe or a file, where no terminal draws a Rich table. Cells must be one line each."""
    from rich.cells import cell_len

    texts = [[_cell(value) for value in row] for row in (headings, *rows)]
    lengths = [[cell_len(text) for text in row[:-1]] for row in texts]  # measured once: 40,000 rows are common
    widths = [max(row[index] for row in lengths) for index in range(len(headings) - 1)]
    for row, measured in zip(texts, lengths):
        padded = [text + " " * (width - length) for text, length, width in zip(row, measured, widths)]
        yield "  ".join([*padded, row[-1]]).rstrip() + "\n"


REPORT_CSV_FIELDS = ("section", "code", "name", "open", "overdue", "unaccountable", "closed")


def report_csv_rows(report: dict[str, Any]) -> Iterable[dict[str, Any]]:
    totals = report["totals"]
    yield {"section": "total", "code": "", "name": "", "open": totals["open"] + totals["mitigated"],
           "overdue": totals["overdue"], "unaccountable": totals["unaccountable"],
           "closed": totals["closed"] + totals["consolidated"]}
    for section in ("category", "department"):
        for row in report[f"by_{section}"]:
            yield {"section": section, **row}
    for row in report["by_unit"]:
        yield {"section": "unit", "code": row["unit"], "name": row["unit"], **row}


def _md(value: Any) -> str:
    return markdown_text(_cell(value))


def _md_table(headers: list[str], rows: Iterable[Iterable[Any]]) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(_md(v) for v in row) + " |" for row in rows]
    return lines + [""]


# The lists' columns, as vocabulary keys: Markdown heads the extra ones with the JSON key in English.
_LIST_COLUMNS = {"id": "field.id", "risk": "field.risk", "title": "field.title", "unit": "field.unit",
                 "level": "field.level", "status": "field.status", "department": "field.department",
                 "leader": "column.leader", "due": "column.due", "days_overdue": "column.days_overdue",
                 "days_left": "column.days_left", "last_change": "column.last_change",
                 "watch_until": "column.watch_until"}


def report_markdown(report: dict[str, Any], lang: str = "en") -> str:
    t = words(lang)
    level_names = {level["code"]: level["name"] for level in report["levels"]}
    sections = (_md_title(report, lang), _md_totals(report, t), _md_by_level(report, t, level_names),
                _md_by_group(report, "category", lang, t), _md_by_group(report, "department", lang, t),
                _md_by_unit(report, lang, t),
                _md_lists(report, lang, t, level_names), _md_closing(report, lang, t))
    return "\n".join(line for section in sections for line in section)


def _md_title(report: dict[str, Any], lang: str) -> list[str]:
    """The report's title and day, and the campaign it falls in, if any."""
    lines = [f"# {_md(report['title'] or 'riskreg report')} — {report['as_of']}", ""]
    if scope := scope_line(report, lang):
        lines += [f"## {_md(scope)}", ""]
    if c := report["campaign"]:
        lines += [f"{_md(c['name'])}: {c['start']} – {c['end']} ({campaign_phrase(c, report['as_of'], lang)})", ""]
    return lines


def _md_totals(report: dict[str, Any], t: Callable[[str], str]) -> list[str]:
    return _md_table([t(total_key(key)) for key in report["totals"]], [report["totals"].values()])


def _md_by_level(report: dict[str, Any], t: Callable[[str], str], level_names: dict[str, str]) -> list[str]:
    return [f"## {t('heading.by_level')}", ""] + _md_table(
        [t("field.level"), *(t(f"status.{status}") for status in STATUS_LABELS)],
        [[level_names.get(code, code), *counts.values()] for code, counts in report["by_level_status"].items()])


def _group_headers(t: Callable[[str], str]) -> list[str]:
    # "active" heads the key `open`
    return [t(h) for h in ("column.active", "flag.overdue", "flag.unaccountable", "status.closed")]


def _md_by_group(report: dict[str, Any], section: str, lang: str, t: Callable[[str], str]) -> list[str]:
    """The counts by category or by department, a retired code marked as such."""
    return [f"## {t(f'heading.by_{section}')}", ""] + _md_table(
        [t("column.code"), t("column.name"), *_group_headers(t)],
        [[r["code"], r["name"] + (t("phrase.retired") if r["retired"] else ""), r["open"], r["overdue"],
          r["unaccountable"], r["closed"]] for r in rows_in_reading_order(report, section, lang)])


def _md_by_unit(report: dict[str, Any], lang: str, t: Callable[[str], str]) -> list[str]:
    return [f"## {t('heading.by_unit')}", ""] + _md_table(
        [t("field.unit"), *_group_headers(t)],
        [[r["unit"], r["open"], r["overdue"], r["unaccountable"], r["closed"]] for r in rows_in_reading_order(report, "unit", lang)])


def _md_lists(report: dict[str, Any], lang: str, t: Callable[[str], str], level_names: dict[str, str]) -> list[str]:
    """Each list of entries (overdue, due soon, …) with its count, cut short as the text report cuts it."""
    departments = {row["code"]: row["name"] for row in report["by_department"]}
    shown = {"level": lambda code: level_names.get(code, code),  # names, as the text report shows
             "status": lambda code: code_word("status", code, lang),
             "department": lambda code: departments.get(code, code)}
    lines: list[str] = []
    for name, title in list_titles(report["windows"], lang).items():
        items, more = listed(report, name, lang)
        lines += [f"## {title} ({list_count(report, name)})", ""]
        if items:
            lines += _md_list_table(items, shown, t)
        if more:
            lines += [more, ""]
    return lines


def _md_list_table(items: list[dict[str, Any]], shown: dict[str, Callable[[str], str]],
                   t: Callable[[str], str]) -> list[str]:
    """The list's table: the columns every list has, then those this list adds (as its first item has them)."""
    columns = (*LIST_BASE, *(k for k in items[0] if k not in LIST_BASE))
    return _md_table([t(_LIST_COLUMNS[k]) for k in columns],
                     [[shown[k](item[k]) if k in shown else item[k] for k in columns] for item in items])


def _md_closing(report: dict[str, Any], lang: str, t: Callable[[str], str]) -> list[str]:
    """What changed since the last report, if asked, and the line vouching for the history chain."""
    since = [t("phrase.since").format(**report["since"]), ""] if report["since"] else []
    return [*since, "---", "", chain_line(report["chain"], lang), ""]

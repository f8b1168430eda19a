"""Machine formats (JSON, CSV) and Markdown, from the same plain data as the tables."""

import csv
import io
import json
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from riskreg.render.labels import LIST_BASE, STATUS_LABELS, list_titles


def to_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def json_chunks(data: Any, chunk: int = 4096) -> Iterator[str]:
    """The text of to_json(data) in pieces, so a large report is never held as one string."""
    pieces = json.JSONEncoder(ensure_ascii=False, indent=2).iterencode(data)
    while batch := list(islice(pieces, chunk)):
        yield "".join(batch)
    yield "\n"


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
    return _cell(value).replace("|", "\\|").replace("\n", " ")


def _md_table(headers: list[str], rows: Iterable[Iterable[Any]]) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(_md(v) for v in row) + " |" for row in rows]
    return lines + [""]


def report_markdown(report: dict[str, Any]) -> str:
    totals = report["totals"]
    lines = [f"# {report['title'] or 'riskreg report'} — {report['as_of']}", ""]
    if report["campaign"]:
        c = report["campaign"]
        lines += [f"{c['name']}: {c['start']} – {c['end']} ({c['days_to_start']} days to start)", ""]
    lines += _md_table(list(totals), [totals.values()])
    lines += ["## By level", ""] + _md_table(
        ["level", *STATUS_LABELS], [[code, *counts.values()] for code, counts in report["by_level_status"].items()])
    for section in ("category", "department"):
        lines += [f"## By {section}", ""] + _md_table(
            ["code", "name", "open", "overdue", "unaccountable", "closed"],
            [[r["code"], r["name"] + (" (retired)" if r["retired"] else ""), r["open"], r["overdue"],
              r["unaccountable"], r["closed"]] for r in report[f"by_{section}"]])
    lines += ["## By unit", ""] + _md_table(
        ["unit", "open", "overdue", "unaccountable", "closed"],
        [[r["unit"], r["open"], r["overdue"], r["unaccountable"], r["closed"]] for r in report["by_unit"]])
    for name, title in list_titles(report["windows"]).items():
        items = report[name]
        lines += [f"## {title} ({len(items)})", ""]
        if items:
            extra = [k for k in items[0] if k not in LIST_BASE]
            lines += _md_table([*LIST_BASE, *extra], [[item[k] for k in (*LIST_BASE, *extra)] for item in items])
    if report["since"]:
        s = report["since"]
        lines += [f"Since {s['date']}: {s['added']} added, {s['closed']} closed, {s['reopened']} reopened.", ""]
    return "\n".join(lines)


"""The nightly report as one self-contained HTML file, for a phone or a mail client.

Every style is an inline attribute (mail clients drop <style> blocks and
external sheets), layout is tables and blocks no wider than 720px, there are
no scripts, images or links to fetch, and the charts are inline SVG. Gmail and
Outlook do not draw inline SVG, so the numbers behind each chart are also
printed as text beneath it.
"""

from datetime import date
from html import escape
from typing import Any

from riskreg import __version__
from riskreg.messages import N_
from riskreg.render import labels
from riskreg.render.html_tables import Words, group_table, trend_section
from riskreg.render.labels import campaign_phrase, chain_line, day_phrases, rows_in_reading_order, scope_line
from riskreg.render.svg import bar_chart
from riskreg.vocabulary import words

COLOURS = {"red": "#cf222e", "orange": "#e16f24", "yellow": "#bf8700", "blue": "#0969da"}
# A phrase such as "逾期 30 天" stays on one line: a narrow screen would otherwise break it between number and unit.
_NOWRAP = "white-space:nowrap;"
# The tiles the trend replays: at a past --as-of with later events they show the chart's values for that day.
_REPLAYED = {"active": "open", "overdue": "overdue", "closed": "closed"}
FONT = ("-apple-system,BlinkMacSystemFont,'Segoe UI','PingFang SC','Hiragino Sans GB','Microsoft YaHei',"
        "'Noto Sans CJK SC',sans-serif")

def _e(value: Any) -> str:
    return "—" if value is None else escape(str(value))


def _heading(text: str) -> str:
    return (f'<h2 style="font-size:17px;line-height:1.3;margin:28px 0 10px;padding:0 0 4px;'
            f'border-bottom:2px solid #d0d7de;color:#1f2328;">{escape(text)}</h2>')


def _tiles(report: dict[str, Any], t: Words, replayed: dict[str, int] | None) -> str:
    """The headline counts; those the trend replays taken from `replayed` (its day) when given."""
    totals = report["totals"]
    tiles = [("active", totals["open"] + totals["mitigated"], "#0969da"), ("overdue", totals["overdue"], "#cf222e"),
             ("unaccountable", totals["unaccountable"], "#bf8700"), ("due_soon", totals["due_soon"], "#e16f24"),
             ("stale", totals["stale"], "#57606a"), ("closed", totals["closed"] + totals["consolidated"], "#1a7f37")]
    cells = []
    for key, value, colour in tiles:
        if replayed is not None and key in _REPLAYED:
            value = replayed[_REPLAYED[key]]
        cells.append(f'<td width="33%" style="width:33%;padding:4px;vertical-align:top;">'
                     f'<div style="border:1px solid #d0d7de;border-radius:6px;padding:10px 8px;text-align:center;">'
                     f'<div data-count="{key}" style="font-size:26px;font-weight:bold;line-height:1.1;color:{colour};">{value}</div>'
                     f'<div style="font-size:13px;color:#57606a;margin-top:4px;">{escape(t(f"count.{key}"))}</div></div></td>')
    rows = "".join("<tr>" + "".join(cells[i:i + 3]) + "</tr>" for i in range(0, len(cells), 3))
    return f'<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="border-collapse:collapse;margin:8px 0;">{rows}</table>'


def _level_badge(code: str, levels: dict[str, dict[str, str]]) -> str:
    level = levels.get(code, {"name": code, "colour": ""})
    colour = COLOURS.get(level["colour"], "#57606a")
    return (f'<span style="display:inline-block;padding:1px 6px;border-radius:10px;font-size:12px;'
            f'color:#ffffff;background:{colour};white-space:nowrap;">{escape(level["name"])}</span>')


def _due(item: dict[str, Any], as_of: date, t: Words) -> str:
    """The deadline, and how late or how near it is, each phrase on one line."""
    if not item["due"]:
        return f'<span style="color:#cf222e;">{escape(t("mail.no_due"))}</span>'
    late = (as_of - date.fromisoformat(item["due"])).days  # an escalated entry says it too, when it is late
    if late > 0:
        return f'{_e(item["due"])} <b style="color:#cf222e;{_NOWRAP}">{escape(t("mail.days_late").format(n=late))}</b>'
    if item.get("days_left") is not None:
        return f'{_e(item["due"])} <b style="color:#e16f24;{_NOWRAP}">{escape(t("mail.days_left").format(n=item["days_left"]))}</b>'
    return _e(item["due"])


def _item(item: dict[str, Any], levels: dict[str, dict[str, str]], departments: dict[str, str], as_of: date,
          t: Words) -> str:
    """One attention item as a block: stacks on a phone instead of a nine-column table."""
    colour = COLOURS.get(levels.get(item["level"], {}).get("colour", ""), "#57606a")
    owner = departments.get(item["department"], item["department"] or "")
    leader = escape(item["leader"]) if item["leader"] else f'<span style="color:#cf222e;">{escape(t("mail.no_leader"))}</span>'
    due = _due(item, as_of, t)
    owner_label, due_label = (escape(t(key) + t("punct.colon")) for key in ("mail.owner", "mail.due"))  # 责任：, 时限：
    if item.get("escalated_to"):
        due += f' · {escape(t("mail.escalated_to").format(to=item["escalated_to"]))}'
    return (f'<div data-entry="{item["id"]}" style="border-left:4px solid {colour};padding:6px 10px;margin:0 0 10px;background:#f6f8fa;">'
            f'<div style="font-size:15px;font-weight:bold;color:#1f2328;">#{item["id"]} {_e(item["title"])}</div>'
            f'<div style="font-size:13px;color:#57606a;margin-top:2px;">{_e(item["unit"])} · {_e(item["risk"])} · '
            f'{_level_badge(item["level"], levels)}</div>'
            f'<div style="font-size:13px;color:#1f2328;margin-top:2px;">{owner_label}{escape(owner)} {leader}'
            f' · {due_label}{due}</div></div>')


def _items(report: dict[str, Any], list_name: str, levels: dict[str, dict[str, str]], departments: dict[str, str],
           t: Words) -> str:
    """The entries of a list the report holds, and how many more it left out."""
    items = report[list_name]
    if not items:
        return f'<p style="color:#57606a;margin:4px 0;">{escape(t("mail.none"))}</p>'
    as_of = date.fromisoformat(report["as_of"])
    blocks = "".join(_item(item, levels, departments, as_of, t) for item in items)
    if more := report.get("more", {}).get(list_name, 0):
        blocks += f'<p style="color:#57606a;">{escape(t("mail.more").format(n=f"{more:,}"))}</p>'
    return blocks


def _as_of_note(report: dict[str, Any], replayed: bool, lang: str) -> str:
    """Under the tiles of a report whose entries changed after its day: which counts are that day's."""
    sentence = (N_("Entries changed after {as_of}: active, overdue and closed above are that day's, replayed from "
                   "the history as the chart is; the other counts, the lists and the tables show the register as it "
                   "is now.", as_of=report["as_of"]) if replayed else
                N_("Entries changed after {as_of}: the counts, lists and tables show the register as it is now, not "
                   "as it was that day.", as_of=report["as_of"]))
    return (f'<p data-note="as_of" style="font-size:13px;color:#57606a;margin:0 0 8px;">'
            f'{escape(sentence.translated(lang))}</p>')


def report_html(report: dict[str, Any], trend: dict[str, Any] | None, *, changed_after: bool = False,
                lang: str = "zh") -> str:
    """The page. With `changed_after` (entries have events after the as-of day) the tiles the trend replays show
    its last day, so they agree with the chart, and a sentence under them says what the rest counts."""
    days = day_phrases(report["windows"], "en" if lang == "en" else "zh")
    word = words(lang)

    def t(key: str) -> str:
        return word(key).format(**days) if key in ("count.due_soon", "count.stale", "heading.due_soon") else word(key)

    levels = {lv["code"]: lv for lv in report["levels"]}
    departments = {row["code"]: row["name"] for row in report["by_department"]}
    title = report["title"] or "riskreg"
    scope = scope_line(report, lang)
    sub = f'{escape(t("phrase.as_of"))} {report["as_of"]}'
    if report["campaign"]:
        c = report["campaign"]
        sub += f' · {escape(c["name"])} {c["start"]} – {c["end"]} · {escape(campaign_phrase(c, report["as_of"], lang))}'
    bars = [(lv["name"], COLOURS.get(lv["colour"], "#57606a"), report["by_level"][code]) for code, lv in levels.items()]
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{"en" if lang == "en" else "zh-CN"}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width,initial-scale=1">',
        f"<title>{escape(title)}{' · ' + escape(scope) if scope else ''} {report['as_of']}</title></head>",
        f'<body style="margin:0;padding:0;background:#ffffff;color:#1f2328;font-family:{FONT};">',
        f'<div style="max-width:720px;margin:0 auto;padding:12px 14px 24px;font-family:{FONT};line-height:1.45;">',
        f'<h1 style="font-size:21px;line-height:1.3;margin:4px 0 2px;color:#1f2328;">{escape(title)}</h1>',
        *([f'<h2 style="font-size:17px;line-height:1.3;margin:2px 0 2px;color:#1f2328;">{escape(scope)}</h2>']
          if scope else []),
        f'<p style="font-size:14px;color:#57606a;margin:0 0 8px;">{sub}</p>',
        _tiles(report, t, trend["days"][-1] if trend is not None and changed_after else None),
        *([_as_of_note(report, trend is not None, lang)] if changed_after else []),
    ]
    if report["since"]:
        parts.append(f'<p style="font-size:14px;margin:4px 0;">{escape(t("phrase.since").format(**report["since"]))}</p>')
    if trend is not None:
        parts += [_heading(t("mail.heading.trend")), trend_section(trend, t)]
    for list_name, heading in (("overdue", "heading.overdue"), ("due_soon", "heading.due_soon"),
                               ("escalated", "mail.heading.escalated"),
                               ("unaccountable", "mail.heading.unaccountable")):
        parts += [_heading(f'{t(heading)} ({labels.list_count(report, list_name)})'),
                  _items(report, list_name, levels, departments, t)]

    def named(row: dict[str, Any]) -> str:
        return row["name"] + (t("phrase.retired") if row["retired"] else "")

    parts += [
        _heading(t("heading.by_unit")),
        group_table(rows_in_reading_order(report, "unit", lang), t, name=lambda row: row["unit"]),
        _heading(t("mail.heading.by_level")), bar_chart(bars, title=t("mail.heading.by_level")),
        _heading(t("heading.by_department")),
        group_table(rows_in_reading_order(report, "department", lang), t, name=named),
        _heading(t("heading.by_category")), group_table(report["by_category"], t, name=named),
        f'<p style="font-size:12px;color:#8c959f;margin-top:28px;">{escape(t("mail.footer").format(version=__version__))}</p>',
        f'<p style="font-size:12px;color:#8c959f;word-break:break-all;">{escape(chain_line(report["chain"], lang))}</p>',
        "</div></body></html>",
    ]
    return "\n".join(parts) + "\n"

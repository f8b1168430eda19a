"""`s`: the register at a glance, as `riskreg summary` counts it: the headline tiles, active entries by level and by
department, and the last 30 days of active entries as a sparkline (riskreg.domain.trends)."""

from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Sparkline, Static

from riskreg.render.labels import RICH_COLOURS, day_phrases
from riskreg.render.tables import group_table
from riskreg.tui.desk import Desk
from riskreg.vocabulary import words

TILES = (("active", "count.active"), ("overdue", "count.overdue"), ("due_soon", "count.due_soon"),
         ("unaccountable", "count.unaccountable"), ("stale", "count.stale"), ("closed", "count.closed"))
_TILE_STYLES = {"overdue": RICH_COLOURS["red"], "due_soon": RICH_COLOURS["orange"],
                "unaccountable": RICH_COLOURS["yellow"]}


def summary_data(session: Any, flags: Any, lang: str) -> dict[str, Any]:
    """The report's counts (no lists) and the trend, read in one transaction so the two agree."""
    from riskreg.domain.reporting import build_report
    from riskreg.domain.trends import trend

    return {"report": build_report(session, flags, lang=lang, lists=()), "trend": trend(session, flags.today)}


def summary_view(report: dict[str, Any], lang: str) -> Group:
    days = day_phrases(report["windows"], lang)
    t = words(lang)
    totals = report["totals"]
    counts = {**totals, "active": totals["open"] + totals["mitigated"],
              "closed": totals["closed"] + totals["consolidated"]}
    tiles = Text("  ").join(Text.assemble((t(key).format(**days) + " ", "bold"), (str(counts[name]),
                                          _TILE_STYLES.get(name, "") if counts[name] else ""))
                            for name, key in TILES)
    by_level = Table(title=t("heading.by_level"), title_justify="left", box=None, show_header=False)
    by_level.add_column()
    by_level.add_column(justify="right")
    for level in report["levels"]:
        by_level.add_row(Text(level["name"], RICH_COLOURS.get(level["colour"], "")),
                         str(report["by_level"][level["code"]]))
    by_department = group_table(t("heading.by_department"), "field.department", report["by_department"], t)
    return Group(Text(f"{report['title']} — {t('phrase.as_of')} {report['as_of']}", "bold"), tiles, Text(),
                 by_level, Text(), by_department)


class Summary(VerticalScroll):
    DEFAULT_CSS = """
    Summary Sparkline { height: 3; margin: 0 1; }
    Summary .trend { margin: 1 1 0 1; }
    """

    def __init__(self, desk: Desk, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.desk = desk

    def compose(self) -> ComposeResult:
        yield Static(id="trend-heading", classes="trend", markup=False)
        yield Sparkline([], id="trend")
        yield Static(id="counts")

    def show(self) -> None:
        data = self.desk.shown(self.desk.read(summary_data, self.desk.lang))
        trend = data["trend"]
        self.query_one("#trend-heading", Static).update(
            words(self.desk.lang)("heading.trend").format(start=trend["from"], end=trend["to"]))
        self.query_one(Sparkline).data = [day["open"] for day in trend["days"]]
        self.query_one("#counts", Static).update(summary_view(data["report"], self.desk.lang))

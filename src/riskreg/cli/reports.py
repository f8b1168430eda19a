"""Reports: the terminal summary and the nightly report for scripts."""

import functools
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from riskreg.cli.options import (MAX_LIMIT, Codes, ListFormat, Output, ReportFormat, ScopeDept, ScopeLeader,
                                 ScopeUnit, Unmasked, not_the_register, output_format)
from riskreg.cli.output import all_or_none, make_folder, print_view, say, working, write, write_json, write_view
from riskreg.cli.state import get_state
from riskreg.errors import RiskregError
from riskreg.messages import N_, NP_

LIST_LIMIT = 200  # riskreg.domain.attention.LIST_LIMIT, stated here so --help imports no domain module

PANEL = "Reports"
EXIT_OVERDUE = 3
# The chain head is riskreg's own hash, never masked: a run of digits in one can look like a mobile number.
CHAIN = ("chain",)
app = typer.Typer()


class SplitBy(str, Enum):
    dept = "dept"


# A split report's file extension, by format.
EXTENSIONS = {ReportFormat.text: ".txt", ReportFormat.markdown: ".md", ReportFormat.json: ".json",
              ReportFormat.csv: ".csv", ReportFormat.html: ".html"}


def report_data(ctx: typer.Context, since: str | None, scope: dict[str, str | None], *, with_trend: bool = False,
                split: bool = False, **trim) -> Any:
    """The report's data, unmasked: the writer masks it (JSON while encoding, so nothing is encoded twice).
    With `split`, one report per department code. `with_trend` is for the HTML report: the trend is the whole
    register's, so only an unscoped report has one; and each report says under "changed_after" whether its
    entries have events after the as-of day (its counts are then not what they were that day)."""
    from riskreg.domain.ledger import user_date
    from riskreg.domain.reporting import build_report, department_reports
    from riskreg.domain.scope import resolve_scope

    state = get_state(ctx)
    flags = state.flags()
    today = flags.today
    with working(N_("Building the report")), state.read() as session:
        since_day = user_date(session, today, since, N_("--since date")) if since else None
        within = resolve_scope(session, **scope)
        if split:
            reports = department_reports(session, flags, since=since_day, lang=state.lang, scope=within, **trim)
            if with_trend:
                from riskreg.domain.scope import Scope
                from riskreg.domain.trends import changed_after

                for code, data in reports.items():
                    part = Scope(department=code, unit=within.unit, leader=within.leader)
                    data["changed_after"] = changed_after(session, today, part.conditions)
            return reports
        data = build_report(session, flags, since=since_day, lang=state.lang, scope=within, **trim)
        if with_trend:  # in the same read transaction: the chart and counts agree
            from riskreg.domain.trends import changed_after, trend

            if not any(scope.values()):
                data["trend"] = trend(session, today)
            data["changed_after"] = changed_after(session, today, within.conditions)
        return data


@app.command(rich_help_panel=PANEL)
def summary(ctx: typer.Context, dept: ScopeDept = None, unit: ScopeUnit = None, leader: ScopeLeader = None,
            codes: Codes = False, unmasked: Unmasked = False) -> None:
    """Tables by level and status, category, department and unit, and the first overdue entries."""
    from riskreg.render.tables import SUMMARY_ROWS, report_view

    data = report_data(ctx, None, {"department": dept, "unit": unit, "leader": leader}, lists=("overdue",),
                  list_limit=SUMMARY_ROWS)
    print_view(functools.partial(report_view, full=False, lang=get_state(ctx).lang, codes=codes), data,
               unmasked=unmasked)


@app.command(rich_help_panel=PANEL)
def report(
    ctx: typer.Context,
    fmt: Annotated[ReportFormat, typer.Option("--format", "-f", help="text, markdown, json (the documented contract), csv, or html (one self-contained file with charts, for mail and phones).")] = ReportFormat.text,
    output: Output = None,
    since: Annotated[str | None, typer.Option("--since", metavar="DATE", help="Also count entries added, closed and reopened since this day.", show_default=False)] = None,
    dept: ScopeDept = None,
    unit: ScopeUnit = None,
    leader: ScopeLeader = None,
    split: Annotated[SplitBy | None, typer.Option("--split", help="dept: one report per department, its 责任清单, each in a file named by its code (LABOUR.json) in --output-dir; every current department gets one, with nothing open or not.", show_default=False)] = None,
    output_dir: Annotated[Path | None, typer.Option("--output-dir", metavar="DIR", file_okay=False, help="With --split: the folder the reports go in, made if missing.", show_default=False)] = None,
    limit: Annotated[int | None, typer.Option("--limit", min=0, max=MAX_LIMIT, help="Entries in each list, the first by deadline; the counts stay exact and `more` says how many are left out (default 200, 0: all). `riskreg list --overdue --format json` streams every entry.", show_default=False)] = None,
    schema: Annotated[int, typer.Option("--schema", min=1, max=2, help="2: riskreg.report/2, lists capped. 1: the old riskreg.report/1, every list entire (JSON only; kept for one release).")] = 2,
    fail_on_overdue: Annotated[bool, typer.Option("--fail-on-overdue", help="Exit 3 when anything is overdue (after writing the report).")] = False,
    unmasked: Unmasked = False,
) -> None:
    """The nightly report, for cron: the same register and --as-of always give the same output."""
    fmt = output_format(ctx, fmt, output)
    lang = get_state(ctx).lang
    scope = {"department": dept, "unit": unit, "leader": leader}
    trim = _check_lists(fmt, limit, schema)
    if split is not None or output_dir is not None:
        _check_split(split, output_dir, output, dept)
        reports = report_data(ctx, since, scope, with_trend=fmt is ReportFormat.html, split=True, **trim)
        targets = {code: output_dir / f"{code}{EXTENSIONS[fmt]}" for code in reports}
        for target in targets.values():  # each checked first: a link there may name the register
            not_the_register(ctx, target)
        make_folder(output_dir, private=unmasked)
        with all_or_none():  # a department's file that cannot be written leaves every file as it was
            for code, data in reports.items():
                _write_report(fmt, data, targets[code], unmasked=unmasked, lang=lang)
        say(NP_("Wrote {n} report to {output_dir}, one per department.",
                "Wrote {n} reports to {output_dir}, one per department.", len(reports), output_dir=output_dir),
            unmasked=unmasked)
        overdue = any(data["totals"]["overdue"] for data in reports.values())
    else:
        data = report_data(ctx, since, scope, with_trend=fmt is ReportFormat.html, **trim)
        _write_report(fmt, data, Path(output) if output else None, unmasked=unmasked, lang=lang)
        overdue = bool(data["totals"]["overdue"])
    if fail_on_overdue and overdue:
        raise typer.Exit(EXIT_OVERDUE)


def _check_lists(fmt: ReportFormat, limit: int | None, schema: int) -> dict[str, Any]:
    """The report's list options as build_report takes them, refusing what report/1 cannot mean."""
    if schema == 1:
        if fmt is not ReportFormat.json:
            raise RiskregError("--schema 1 is the old JSON contract (riskreg.report/1); it goes with --format json.")
        if limit is not None:
            raise RiskregError("--schema 1 lists every entry; --limit goes with riskreg.report/2, the default.")
    return {"list_limit": LIST_LIMIT if limit is None else limit or None, "schema": schema}


def _check_split(split: SplitBy | None, output_dir: Path | None, output: Path | None, dept: str | None) -> None:
    if split is None:
        raise RiskregError(N_("--output-dir goes with --split dept; for one file give --output FILE."))
    if output_dir is None:
        raise RiskregError(N_("--split needs --output-dir DIR, the folder the reports go in."))
    if output is not None:
        raise RiskregError(N_("--split writes one report per department into --output-dir; leave out --output."))
    if dept is not None:
        raise RiskregError(N_("--split dept already writes each department's report; leave out --dept."))


def _write_report(fmt: ReportFormat, data: dict, target: Path | None, *, unmasked: bool, lang: str) -> None:
    if fmt is ReportFormat.json:
        write_json(data, target, unmasked=unmasked, exact=CHAIN)
    elif fmt is ReportFormat.html:
        from riskreg.render.html import report_html

        write(lambda shown: [report_html(shown, shown.pop("trend", None), changed_after=shown.pop("changed_after"),
                                         lang=lang)], data, output=target, unmasked=unmasked, exact=CHAIN)
    elif fmt is ReportFormat.csv:
        from riskreg.render.plain import REPORT_CSV_FIELDS, report_csv_rows, to_csv

        write(lambda shown: to_csv(report_csv_rows(shown), REPORT_CSV_FIELDS), data, output=target,
              unmasked=unmasked, exact=CHAIN)
    elif fmt is ReportFormat.markdown:
        from riskreg.render.plain import report_markdown

        write(lambda shown: [report_markdown(shown, lang)], data, output=target, unmasked=unmasked, exact=CHAIN)
    else:
        from riskreg.render.tables import report_view

        write_view(functools.partial(report_view, full=True, lang=lang), data, output=target, unmasked=unmasked,
                   exact=CHAIN)


@app.command(rich_help_panel=PANEL)
def trend(
    ctx: typer.Context,
    days: Annotated[int | None, typer.Option("--days", min=1, max=3660, help="The last N days. Default: the campaign so far once it has started, else 30 days.", show_default=False)] = None,
    since: Annotated[str | None, typer.Option("--since", metavar="DATE", help="From this day instead (YYYY-MM-DD, -Nd or T-N).", show_default=False)] = None,
    fmt: Annotated[ListFormat, typer.Option("--format", "-f", help="table, json or csv.")] = ListFormat.table,
) -> None:
    """Active, overdue and closed entries at the end of each day, replayed from the history."""
    from riskreg.domain.ledger import user_date
    from riskreg.domain.trends import SERIES, trend as daily

    state = get_state(ctx)
    today = state.today()
    with working(N_("Replaying the history")), state.read() as session:
        since_day = user_date(session, today, since, N_("--since date")) if since else None
        data = daily(session, today, days=days, since=since_day)
    if fmt is ListFormat.json:
        from riskreg.render.plain import to_json

        write(lambda days: [to_json(days)], data, unmasked=False)
    elif fmt is ListFormat.csv:
        from riskreg.render.plain import to_csv

        write(lambda days: to_csv(days["days"], ("day", *SERIES)), data, unmasked=False)
    else:
        from riskreg.render.tables import trend_table

        print_view(functools.partial(trend_table, lang=state.lang), data, unmasked=False)

"""Reports: the terminal summary and the nightly report for scripts."""

import sys
from pathlib import Path
from typing import Annotated

import typer

from riskreg.cli.options import Output, ReportFormat, Unmasked
from riskreg.cli.output import mask_unless, print_renderable, renderable_text, write_chunks
from riskreg.cli.state import get_state

PANEL = "Reports"
EXIT_OVERDUE = 3
app = typer.Typer()


def _build(ctx: typer.Context, since: str | None, unmasked: bool) -> dict:
    from riskreg.ledger import user_date
    from riskreg.reporting import build_report

    state = get_state(ctx)
    today = state.today()
    with state.read() as session:
        since_day = user_date(session, today, since, "--since date") if since else None
        return mask_unless(build_report(session, today, since=since_day, lang=state.lang), unmasked)


@app.command(rich_help_panel=PANEL)
def summary(ctx: typer.Context, unmasked: Unmasked = False) -> None:
    """Tables by level and status, category, department and unit, and the overdue list."""
    from riskreg.render.tables import report_view

    print_renderable(report_view(_build(ctx, None, unmasked), full=False))


@app.command(rich_help_panel=PANEL)
def report(
    ctx: typer.Context,
    fmt: Annotated[ReportFormat, typer.Option("--format", "-f", help="text, markdown, json (the documented contract) or csv.")] = ReportFormat.text,
    output: Output = None,
    since: Annotated[str | None, typer.Option("--since", metavar="DATE", help="Also count entries added, closed and reopened since this day.", show_default=False)] = None,
    fail_on_overdue: Annotated[bool, typer.Option("--fail-on-overdue", help=f"Exit {EXIT_OVERDUE} when anything is overdue (after writing the report).")] = False,
    unmasked: Unmasked = False,
) -> None:
    """The nightly report, for cron: the same register and --as-of always give the same output."""
    data = _build(ctx, since, unmasked)
    if fmt is ReportFormat.json:
        from riskreg.render.plain import to_json

        chunks = [to_json(data)]
    elif fmt is ReportFormat.csv:
        from riskreg.render.plain import REPORT_CSV_FIELDS, report_csv_rows, to_csv

        chunks = to_csv(report_csv_rows(data), REPORT_CSV_FIELDS)
    elif fmt is ReportFormat.markdown:
        from riskreg.render.plain import report_markdown

        chunks = [report_markdown(data)]
    else:
        from riskreg.render.tables import report_view

        view = report_view(data, full=True)
        if output is None and sys.stdout.isatty():
            print_renderable(view)
            chunks = []
        else:
            chunks = [renderable_text(view)]
    write_chunks(chunks, Path(output) if output else None)
    if fail_on_overdue and data["totals"]["overdue"]:
        raise typer.Exit(EXIT_OVERDUE)

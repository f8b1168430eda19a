"""Daily work: looking at the ledger (`list`, `show`)."""

from typing import Annotated

import typer

from riskreg.cli.options import (CategoryFilter, DeptFilter, DueSoonFilter, EntryId, LevelFilter, Limit, ListFormat,
                                 OverdueFilter, RiskFilter, StatusFilter, TableOrJson, UnaccountableFilter, UnitFilter,
                                 Unmasked)
from riskreg.cli.output import mask_unless, print_renderable, write_chunks
from riskreg.cli.state import get_state

PANEL = "Daily work"
app = typer.Typer()

@app.command("list", rich_help_panel=PANEL)
def list_(
    ctx: typer.Context,
    status: StatusFilter = None,
    risk: RiskFilter = None,
    category: CategoryFilter = None,
    dept: DeptFilter = None,
    unit: UnitFilter = None,
    level: LevelFilter = None,
    overdue: OverdueFilter = False,
    due_soon: DueSoonFilter = False,
    unaccountable: UnaccountableFilter = False,
    limit: Limit = 0,
    fmt: Annotated[ListFormat, typer.Option("--format", "-f", help="table, or json / csv for scripts.")] = ListFormat.table,
    unmasked: Unmasked = False,
) -> None:
    """List ledger entries, oldest first, with their flags (overdue, due soon, unaccountable, stale, escalated)."""
    from riskreg.domain.queries import EntryFilter, list_entries
    from riskreg.fields import LISTED

    state = get_state(ctx)
    wanted = EntryFilter(status=status, risk=risk, category=category, department=dept, unit=unit, level=level,
                         overdue=overdue, due_soon=due_soon, unaccountable=unaccountable)
    flags = state.flags()
    with state.read() as session:
        rows = list_entries(session, flags, wanted, limit=limit or None)
        if fmt is ListFormat.json:
            from riskreg.render.plain import json_chunks

            write_chunks(json_chunks(rows, masked=not unmasked))
            return
        rows = (mask_unless(row, unmasked) for row in rows)
        if fmt is ListFormat.csv:
            from riskreg.render.plain import to_csv

            write_chunks(to_csv(rows, LISTED))
        else:
            from riskreg.domain.catalogue_sync import level_styles
            from riskreg.render.tables import entries_table

            print_renderable(entries_table(list(rows), mask_unless(level_styles(session, state.lang), unmasked), state.lang))


@app.command(rich_help_panel=PANEL)
def show(
    ctx: typer.Context,
    entry_id: EntryId,
    fmt: Annotated[TableOrJson, typer.Option("--format", "-f", help="table, or json for scripts.")] = TableOrJson.table,
    unmasked: Unmasked = False,
) -> None:
    """Show one entry with its full history."""
    from riskreg.domain.queries import show_entry

    state = get_state(ctx)
    flags = state.flags()
    with state.read() as session:
        entry = mask_unless(show_entry(session, flags, entry_id), unmasked)
        if fmt is TableOrJson.json:
            from riskreg.render.plain import to_json

            write_chunks([to_json(entry)])
        else:
            from riskreg.domain.catalogue_sync import level_styles
            from riskreg.render.tables import entry_view

            print_renderable(entry_view(entry, mask_unless(level_styles(session, state.lang), unmasked), state.lang))

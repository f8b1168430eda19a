"""Daily work: looking at the ledger (`list`, `show`)."""

from typing import Annotated

import typer

from riskreg.cli.options import (AddedSinceFilter, Codes, ChangedSinceFilter, DueAfterFilter, DueBeforeFilter,
                                 EscalatedFilter, LeaderFilter, SearchFilter, Sort, StaleFilter,
                                 CategoryFilter, DeptFilter, DueSoonFilter, EntryId, LevelFilter, Limit, ListFormat,
                                 OverdueFilter, RiskFilter, StatusFilter, TableOrJson, UnaccountableFilter, UnitFilter,
                                 Unmasked)
from riskreg.cli.output import print_view, write, write_json
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
    leader: LeaderFilter = None,
    due_before: DueBeforeFilter = None,
    due_after: DueAfterFilter = None,
    added_since: AddedSinceFilter = None,
    changed_since: ChangedSinceFilter = None,
    escalated: EscalatedFilter = False,
    stale: StaleFilter = False,
    search: SearchFilter = None,
    sort: Sort = None,
    limit: Limit = 0,
    fmt: Annotated[ListFormat, typer.Option("--format", "-f", help="table, or json / csv for scripts.")] = ListFormat.table,
    codes: Codes = False,
    unmasked: Unmasked = False,
) -> None:
    """List ledger entries, oldest first, with their flags (overdue, due soon, unaccountable, stale, escalated)."""
    from riskreg.domain.queries import EntryFilter, list_entries
    from riskreg.fields import LISTED

    state = get_state(ctx)
    wanted = EntryFilter(status=status, risk=risk, category=category, department=dept, unit=unit, level=level,
                         overdue=overdue, due_soon=due_soon, unaccountable=unaccountable, leader=leader,
                         due_before=due_before, due_after=due_after, added_since=added_since,
                         changed_since=changed_since, escalated=escalated, stale=stale, search=search,
                         sort=sort and sort.value)
    flags = state.flags()
    with state.read() as session:
        rows = list_entries(session, flags, wanted, limit=limit or None)
        if fmt is ListFormat.json:
            write_json(rows, unmasked=unmasked)
        elif fmt is ListFormat.csv:
            from riskreg.render.plain import to_csv

            write(lambda shown: to_csv(shown, LISTED), rows, unmasked=unmasked)
        else:
            from riskreg.domain.catalogue_sync import code_names, level_styles
            from riskreg.render.tables import entries_table

            # the names are catalogue text, masked like the rows: they go through the writer too
            names = {} if codes else code_names(session, state.lang)
            print_view(lambda shown, levels, named: entries_table(list(shown), levels, state.lang, named),
                      rows, level_styles(session, state.lang), names, unmasked=unmasked)


@app.command(rich_help_panel=PANEL)
def show(
    ctx: typer.Context,
    entry_id: EntryId,
    fmt: Annotated[TableOrJson, typer.Option("--format", "-f", help="table, or json for scripts.")] = TableOrJson.table,
    codes: Codes = False,
    unmasked: Unmasked = False,
) -> None:
    """Show one entry with its full history, each change a sentence, its time in the local zone."""
    from riskreg.domain.queries import show_entry

    state = get_state(ctx)
    flags = state.flags()
    with state.read() as session:
        entry = show_entry(session, flags, entry_id)
        if fmt is TableOrJson.json:
            from riskreg.render.plain import to_json

            write(lambda shown: [to_json(shown)], entry, unmasked=unmasked)
        else:
            from riskreg.domain.catalogue_sync import code_names, level_styles
            from riskreg.render.entry import entry_view

            names = {} if codes else code_names(session, state.lang)
            print_view(lambda shown, levels, named: entry_view(shown, levels, state.lang, named, state.zone()),
                      entry, level_styles(session, state.lang), names, unmasked=unmasked)

"""Upkeep: moving entries in and out — JSON Lines (lossless, with history) and spreadsheets (.xlsx, .csv)."""

import contextlib
import functools
import sys
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from riskreg.cli.options import (CategoryFilter, DeptFilter, DueSoonFilter, ExportFormat, LevelFilter, Limit,
                                 OverdueFilter, Output, RiskFilter, StatusFilter, UnaccountableFilter, UnitFilter,
                                 Unmasked)
from riskreg.cli.output import progress, say, write, write_json_lines
from riskreg.cli.state import get_state
from riskreg.errors import RiskregError

PANEL = "Upkeep"
SHEETS = (".xlsx", ".xlsm", ".csv", ".xls", ".et")
PREVIEW_ROWS = 50
app = typer.Typer()


@app.command(rich_help_panel=PANEL)
def export(
    ctx: typer.Context,
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", help="jsonl: every entry with its history (lossless); xlsx or csv: the ledger as a spreadsheet, headers in the --lang language.")] = ExportFormat.jsonl,
    output: Output = None,
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
    bom: Annotated[bool, typer.Option("--bom", help="csv: start with a byte-order mark, so Excel and WPS open UTF-8 Chinese correctly.")] = False,
    unmasked: Unmasked = False,
) -> None:
    """Write entries out: `import` reads every format back. Use --unmasked with jsonl for a lossless copy."""
    from riskreg.domain.queries import EntryFilter

    state = get_state(ctx)
    flags = state.flags()
    wanted = EntryFilter(status=status, risk=risk, category=category, department=dept, unit=unit, level=level,
                         overdue=overdue, due_soon=due_soon, unaccountable=unaccountable)
    target = Path(output) if output else None
    if fmt is ExportFormat.xlsx and target is None and sys.stdout.isatty():
        raise RiskregError("An .xlsx workbook is binary; give --output FILE.xlsx (or redirect stdout to a file).")
    with state.read() as session:
        if fmt is ExportFormat.jsonl:
            from riskreg.exchange.jsonl import export_entries

            entries = export_entries(session, flags, wanted, limit=limit or None)
            write_json_lines(progress(entries, "Exporting"), target, unmasked=unmasked)
            return
        from riskreg.domain.queries import sheet_entries
        from riskreg.exchange.sheet_write import Names, csv_chunks

        names = vars(Names.load(session, state.lang))  # department names in both sheets
        rows = progress(sheet_entries(session, flags, wanted, limit=limit or None), "Exporting")
        if fmt is ExportFormat.csv:
            write(lambda shown, in_words: csv_chunks(shown, Names(**in_words), bom=bom), rows, names,
                  output=target, unmasked=unmasked)
        else:
            write(lambda shown, in_words: [_xlsx(shown, Names(**in_words), flags.today)], rows, names,
                  output=target, unmasked=unmasked, binary=True)


def _xlsx(rows: Iterable[dict], names: Any, today: date) -> bytes:
    """The workbook as bytes, which the writer puts in the file atomically or on stdout."""
    import io

    from riskreg.exchange.sheet_write import write_xlsx

    buffer = io.BytesIO()
    write_xlsx(rows, names, buffer, today=today)
    return buffer.getvalue()


@app.command("import", rich_help_panel=PANEL)
def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(metavar="FILE", dir_okay=False, help="A .jsonl file written by `riskreg export`, or a ledger as .xlsx or .csv.")],
    new_ids: Annotated[bool, typer.Option("--new-ids", help="Give imported entries new numbers instead of keeping their ids (jsonl) or 编号 (spreadsheets).")] = False,
    mapping: Annotated[Path | None, typer.Option("--mapping", metavar="FILE", dir_okay=False, help="Spreadsheets: a YAML file mapping your headers to riskreg's, e.g. `隐患名称: title`.", show_default=False)] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Validate and preview, write nothing.")] = False,
    update: Annotated[bool, typer.Option("--update", help="Take back a returned sheet: each changed cell of a row with a 编号 becomes the event its command records (assign, mitigate, note, close, reopen, edit, regrade, escalate); a blank cell changes nothing; rows without 编号 are new entries.")] = False,
    force: Annotated[bool, typer.Option("--force", help="With --update: take rows whose entry changed in the register since the sheet was exported (its 版本 is not the latest), and rows without a 版本.")] = False,
    unmasked: Unmasked = False,
) -> None:
    """Add entries from an export or a spreadsheet, or take back a returned sheet (--update): every line or row
    is checked first, then all or nothing."""
    suffix = file.suffix.lower()
    if force and not update:
        raise RiskregError("--force applies with --update, to take rows whose entry changed since the export.")
    if update:
        if suffix not in SHEETS:
            raise RiskregError(f"--update takes back a spreadsheet (.xlsx or .csv); {file.name} is not one.")
        if new_ids:
            raise RiskregError("--new-ids does not go with --update: a row's 编号 names the entry it updates.")
        _update_sheet(ctx, file, mapping=mapping, force=force, dry_run=dry_run, unmasked=unmasked)
        return
    if suffix in SHEETS:
        _import_sheet(ctx, file, mapping=mapping, new_ids=new_ids, dry_run=dry_run, unmasked=unmasked)
        return
    if suffix != ".jsonl":
        raise RiskregError(f"{file} is not a .jsonl, .xlsx or .csv file; riskreg imports its own exports and spreadsheets.")
    if mapping is not None:
        raise RiskregError("--mapping applies to .xlsx and .csv files; a .jsonl export needs none.")
    from riskreg.exchange.jsonl import Codes, check_jsonl, import_entries, lines_of, read_jsonl

    state = get_state(ctx)
    try:
        with file.open(encoding="utf-8") as handle:
            lines = progress(lines_of(handle), "Reading")
            if dry_run:  # checked with no transaction open, so others can write meanwhile
                result = check_jsonl(state.read, lines, new_ids=new_ids)
            else:
                with state.write() as (session, _):
                    result = import_entries(session, read_jsonl(Codes(session), lines), new_ids=new_ids)
    except OSError as err:
        raise RiskregError(f"Cannot read {file}: {err.strerror}.") from None
    except UnicodeDecodeError:
        raise RiskregError(f"{file} is not UTF-8 text.") from None
    verb = "Would import" if dry_run else "Imported"
    say(f"{verb} {_entries(result.entries)} with {result.events} history events."
               + (f" Renumbered {len(result.renumbered)}." if result.renumbered else ""))


def _import_sheet(ctx: typer.Context, file: Path, *, mapping: Path | None, new_ids: bool, dry_run: bool,
                  unmasked: bool) -> None:
    from riskreg.exchange.sheet_read import open_sheet, read_mapping
    from riskreg.exchange.sheet_rows import import_parsed, parse_rows, preview_rows

    state = get_state(ctx)
    sheet = open_sheet(file, read_mapping(mapping) if mapping else None)  # read before taking the write lock
    rows = progress(sheet.rows, "Checking rows", total=sheet.total)
    if not dry_run:
        with state.write() as (session, stamp):
            parsed = parse_rows(lambda: contextlib.nullcontext(session), sheet, stamp, rows, new_ids=new_ids)
            result = import_parsed(session, parsed, new_ids=new_ids)
    else:  # rows checked between short read transactions, so others can write meanwhile
        parsed = parse_rows(state.read, sheet, state.stamp(), rows, new_ids=new_ids)
        with state.read() as session:
            from riskreg.domain.catalogue_sync import level_styles

            from riskreg.cli.output import print_view

            result = import_parsed(session, parsed, new_ids=new_ids, write=False)
            title = f"{file.name}, from row {sheet.header_row + 1}, as the entries would be made"
            print_view(functools.partial(_preview, lang=state.lang), preview_rows(parsed)[:PREVIEW_ROWS],
                       level_styles(session, state.lang), title, unmasked=unmasked)
    verb = "Would import" if dry_run else "Imported"
    more = f" (the first {PREVIEW_ROWS} shown)" if dry_run and result.entries > PREVIEW_ROWS else ""
    ignored = f" Ignored columns: {', '.join(sheet.ignored)}." if sheet.ignored else ""
    say(f"{verb} {_entries(result.entries)} from {file.name}{more}.{ignored}", unmasked=unmasked)


def _update_sheet(ctx: typer.Context, file: Path, *, mapping: Path | None, force: bool, dry_run: bool,
                  unmasked: bool) -> None:
    from riskreg.cli.output import masked_copy
    from riskreg.exchange.sheet_read import open_sheet, read_mapping
    from riskreg.exchange.sheet_update import take_back
    from riskreg.exchange.sheet_write import Names

    state = get_state(ctx)
    sheet = open_sheet(file, read_mapping(mapping) if mapping else None)  # read before taking the write lock
    with state.write(commit=not dry_run) as (session, stamp):  # a dry run checks all, then rolls back
        taken = take_back(session, stamp, sheet, force=force, masked=masked_copy)
        names = Names.load(session, state.lang)
    if dry_run:
        for updated in taken.updated:
            say("\n".join(_diff(updated, names)), unmasked=unmasked)
    verb = "Would update" if dry_run else "Updated"
    added = f"; {'would add' if dry_run else 'added'} {_entries(taken.added)}" if taken.added else ""
    say(f"{verb} {_entries(len(taken.updated))} from {file.name} with {taken.events} "
        f"event{'' if taken.events == 1 else 's'}{added}.", unmasked=unmasked)


def _diff(updated: Any, names: Any) -> list[str]:
    """One entry's changes as the sheet words them: `Entry 3 某工地… (row 4)`, then
    `  风险等级: 一般风险 → 较大风险  (regrade)`, one line a field."""
    from riskreg.exchange.sheet_columns import BY_FIELD, header
    from riskreg.exchange.sheet_write import display_row

    lines = [f"Entry {updated.entry_id} {updated.title} (row {updated.row})"]
    for change in updated.changes:
        old, new = (display_row({change.field: value}, names)[change.field] for value in (change.old, change.new))
        old, new = ("—" if value is None else str(value).replace("\n", " ") for value in (old, new))
        lines.append(f"  {header(BY_FIELD[change.field], names.lang)}: {old} → {new}  ({change.action})")
    return lines


def _preview(rows: list[dict], levels: dict, title: str, *, lang: str) -> Any:
    from rich.text import Text

    from riskreg.escaping import visible
    from riskreg.render.tables import entries_table

    table = entries_table(rows, levels, lang)
    table.title = Text(visible(title), style="table.title")  # a file name is no markup
    return table


def _entries(count: int) -> str:
    return "1 entry" if count == 1 else f"{count:,} entries"

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
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", help="jsonl: every entry with its history, unmasked (lossless: the backup and transfer format, to a file or stdout); xlsx or csv: the ledger as a spreadsheet, masked, headers in the --lang language.")] = ExportFormat.jsonl,
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
    unmasked: Annotated[bool, typer.Option("--unmasked", help="xlsx and csv: identity and mobile numbers as stored (masked by default); the file is written 0600.")] = False,
    masked: Annotated[bool, typer.Option("--masked", help="jsonl: mask identity and mobile numbers, for a copy to share (import refuses it unless --accept-masked).")] = False,
) -> None:
    """Write entries out: jsonl lossless and unmasked, xlsx and csv masked; `import` reads each back.

    jsonl is the backup and transfer format: unmasked unless --masked, on stdout too, and a file written
    with --output is readable by its owner only (0600). xlsx and csv are masked unless --unmasked."""
    from riskreg.domain.queries import EntryFilter

    state = get_state(ctx)
    flags = state.flags()
    wanted = EntryFilter(status=status, risk=risk, category=category, department=dept, unit=unit, level=level,
                         overdue=overdue, due_soon=due_soon, unaccountable=unaccountable)
    if masked and fmt is not ExportFormat.jsonl:
        raise RiskregError(f"--masked applies to jsonl; a {fmt.value} export is masked unless --unmasked.")
    if masked and unmasked:
        raise RiskregError("--masked and --unmasked contradict each other; give one.")
    target = Path(output) if output else None
    if fmt is ExportFormat.xlsx and target is None and sys.stdout.isatty():
        raise RiskregError("An .xlsx workbook is binary; give --output FILE.xlsx (or redirect stdout to a file).")
    with state.read() as session:
        if fmt is ExportFormat.jsonl:
            from riskreg.exchange.jsonl import export_entries

            entries = export_entries(session, flags, wanted, limit=limit or None)
            write_json_lines(progress(entries, "Exporting"), target, unmasked=not masked)
            return
        from riskreg.domain.queries import list_entries
        from riskreg.exchange.sheet_write import Names, csv_chunks

        names = vars(Names.load(session, state.lang))  # department names in both sheets
        rows = progress(list_entries(session, flags, wanted, limit=limit or None), "Exporting")
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
    new_ids: Annotated[bool, typer.Option("--new-ids", help="Give imported entries new numbers instead of keeping their ids (jsonl) or 编号 (spreadsheets); an entry the register has already (same risk, unit and title) is refused all the same.")] = False,
    mapping: Annotated[Path | None, typer.Option("--mapping", metavar="FILE", dir_okay=False, help="Spreadsheets: a YAML file mapping your headers to riskreg's, e.g. `隐患名称: title`.", show_default=False)] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Validate and preview, write nothing.")] = False,
    accept_masked: Annotated[bool, typer.Option("--accept-masked", help="Take text holding numbers riskreg masked (138****5678) as it is; refused by default, so a masked copy never overwrites real numbers.")] = False,
    unmasked: Unmasked = False,
) -> None:
    """Add entries from an export or a spreadsheet: every line or row is checked first, then all or nothing."""
    suffix = file.suffix.lower()
    if suffix in SHEETS:
        _import_sheet(ctx, file, mapping=mapping, new_ids=new_ids, dry_run=dry_run, unmasked=unmasked,
                      accept_masked=accept_masked)
        return
    if suffix != ".jsonl":
        raise RiskregError(f"{file} is not a .jsonl, .xlsx or .csv file; riskreg imports its own exports and spreadsheets.")
    if mapping is not None:
        raise RiskregError("--mapping applies to .xlsx and .csv files; a .jsonl export needs none.")
    from riskreg.exchange.jsonl import check_jsonl, import_entries, lines_of, read_jsonl

    state = get_state(ctx)
    try:
        with file.open(encoding="utf-8") as handle:
            lines = progress(lines_of(handle), "Reading")
            if dry_run:  # checked with no transaction open, so others can write meanwhile
                result = check_jsonl(state.read, lines, new_ids=new_ids, accept_masked=accept_masked)
            else:
                with state.write() as (session, _):
                    parsed = read_jsonl(lambda: contextlib.nullcontext(session), lines, new_ids=new_ids,
                                        accept_masked=accept_masked)
                    result = import_entries(session, parsed, new_ids=new_ids)
    except OSError as err:
        raise RiskregError(f"Cannot read {file}: {err.strerror}.") from None
    except UnicodeDecodeError:
        raise RiskregError(f"{file} is not UTF-8 text.") from None
    verb = "Would import" if dry_run else "Imported"
    say(f"{verb} {_entries(result.entries)} with {result.events} history events."
               + (f" Renumbered {len(result.renumbered)}." if result.renumbered else ""))


def _import_sheet(ctx: typer.Context, file: Path, *, mapping: Path | None, new_ids: bool, dry_run: bool,
                  unmasked: bool, accept_masked: bool) -> None:
    from riskreg.exchange.sheet_read import open_sheet, read_mapping
    from riskreg.exchange.sheet_rows import import_parsed, parse_rows, preview_rows

    state = get_state(ctx)
    sheet = open_sheet(file, read_mapping(mapping) if mapping else None)  # read before taking the write lock
    rows = progress(sheet.rows, "Checking rows", total=sheet.total)
    if not dry_run:
        with state.write() as (session, stamp):
            parsed = parse_rows(lambda: contextlib.nullcontext(session), sheet, stamp, rows, new_ids=new_ids,
                                accept_masked=accept_masked)
            result = import_parsed(session, parsed, new_ids=new_ids)
    else:  # rows checked between short read transactions, so others can write meanwhile
        parsed = parse_rows(state.read, sheet, state.stamp(), rows, new_ids=new_ids, accept_masked=accept_masked)
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


def _preview(rows: list[dict], levels: dict, title: str, *, lang: str) -> Any:
    from rich.text import Text

    from riskreg.escaping import visible
    from riskreg.render.tables import entries_table

    table = entries_table(rows, levels, lang)
    table.title = Text(visible(title), style="table.title")  # a file name is no markup
    return table


def _entries(count: int) -> str:
    return "1 entry" if count == 1 else f"{count:,} entries"

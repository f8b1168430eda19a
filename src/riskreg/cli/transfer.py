"""Upkeep: moving entries in and out — JSON Lines (lossless, with history) and spreadsheets (.xlsx, .xls, .ods,
.csv)."""

import contextlib
import dataclasses
import functools
import sys
from collections.abc import Callable, Iterable
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from riskreg.cli.options import (AddedSinceFilter, ChangedSinceFilter, DueAfterFilter, DueBeforeFilter,
                                 EscalatedFilter, LeaderFilter, SearchFilter, Sort, StaleFilter,
                                 CategoryFilter, DeptFilter, DueSoonFilter, ErrorsOutput, ExportFormat, LevelFilter,
                                 Limit, OverdueFilter, Output, RiskFilter, StatusFilter, UnaccountableFilter,
                                 UnitFilter, Unmasked, not_the_register, output_format)
from riskreg.cli.output import all_or_none, make_folder, progress, say, write, write_json_lines, write_problems
from riskreg.cli.state import get_state
from riskreg.errors import Problem, RiskregError, RowsRefused
from riskreg.messages import N_, NP_, Both, Message

PANEL = "Upkeep"
SHEETS = (".xlsx", ".xlsm", ".xls", ".ods", ".et", ".csv")
PREVIEW_ROWS = 50
app = typer.Typer()


class SplitBy(str, Enum):
    dept = "dept"
    unit = "unit"


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
    bom: Annotated[bool, typer.Option("--bom", help="csv: start with a byte-order mark, so Excel and WPS open UTF-8 Chinese correctly.")] = False,
    split: Annotated[SplitBy | None, typer.Option("--split", help="xlsx: one workbook per department (dept) or village/community (unit), each with only its entries, an instructions sheet and drop-down lists: the checklists to send out and fill in. Needs --output-dir.", show_default=False)] = None,
    output_dir: Annotated[Path | None, typer.Option("--output-dir", metavar="DIR", file_okay=False, help="With --split: the folder the workbooks go in, made if missing.", show_default=False)] = None,
    unmasked: Annotated[bool, typer.Option("--unmasked", help="xlsx and csv: identity and mobile numbers as stored (masked by default); the files are written 0600.")] = False,
    masked: Annotated[bool, typer.Option("--masked", help="jsonl: mask identity and mobile numbers, for a copy to share (import refuses it unless --accept-masked).")] = False,
) -> None:
    """Write entries out: jsonl lossless and unmasked, xlsx and csv masked; `import` reads each back.

    jsonl is the backup and transfer format: unmasked unless --masked, on stdout too, and a file written
    with --output is readable by its owner only (0600). xlsx and csv are masked unless --unmasked."""
    from riskreg.domain.queries import EntryFilter

    fmt = output_format(ctx, fmt, output)
    state = get_state(ctx)
    flags = state.flags()
    wanted = EntryFilter(status=status, risk=risk, category=category, department=dept, unit=unit, level=level,
                         overdue=overdue, due_soon=due_soon, unaccountable=unaccountable, leader=leader,
                         due_before=due_before, due_after=due_after, added_since=added_since,
                         changed_since=changed_since, escalated=escalated, stale=stale, search=search,
                         sort=sort and sort.value)
    if masked and fmt is not ExportFormat.jsonl:
        raise RiskregError(N_("--masked applies to jsonl; a {value} export is masked unless --unmasked.",
                              value=fmt.value))
    if masked and unmasked:
        raise RiskregError(N_("--masked and --unmasked contradict each other; give one."))
    if split is not None or output_dir is not None:
        _check_split(fmt, split, output_dir, output)
        _export_split(ctx, wanted, limit, split, output_dir, unmasked=unmasked)
        return
    target = Path(output) if output else None
    if fmt is ExportFormat.xlsx and target is None and sys.stdout.isatty():
        raise RiskregError(N_("An .xlsx workbook is binary; give --output FILE.xlsx (or redirect stdout to a "
                              "file)."))
    with state.read() as session:
        if fmt is ExportFormat.jsonl:
            from riskreg.exchange.jsonl import export_entries

            entries = export_entries(session, flags, wanted, limit=limit or None)
            write_json_lines(progress(entries, N_("Exporting")), target, unmasked=not masked)
            return
        from riskreg.domain.queries import sheet_entries
        from riskreg.exchange.sheet_write import Names, csv_chunks

        names = vars(Names.load(session, state.lang))  # department names in both sheets
        rows = progress(sheet_entries(session, flags, wanted, limit=limit or None), N_("Exporting"))
        if fmt is ExportFormat.csv:
            write(lambda shown, in_words: csv_chunks(shown, Names(**in_words), bom=bom), rows, names,
                  output=target, unmasked=unmasked)
        else:
            write(lambda shown, in_words: [workbook_bytes(shown, Names(**in_words), flags.today)], rows, names,
                  output=target, unmasked=unmasked, binary=True)


def workbook_bytes(rows: Iterable[dict], names: Any, today: date, form: Any = None) -> bytes:
    """The workbook as bytes, which the writer puts in the file atomically or on stdout."""
    import io

    from riskreg.exchange.sheet_write import write_xlsx

    buffer = io.BytesIO()
    write_xlsx(rows, names, buffer, today=today, form=form)
    return buffer.getvalue()


def _check_split(fmt: ExportFormat, split: SplitBy | None, output_dir: Path | None, output: Path | None) -> None:
    if split is None:
        raise RiskregError(N_("--output-dir goes with --split dept|unit; for one file give --output FILE."))
    if output_dir is None:
        raise RiskregError(N_("--split needs --output-dir DIR, the folder the workbooks go in."))
    if output is not None:
        raise RiskregError(N_("--split writes one workbook per department or unit into --output-dir; leave out "
                              "--output."))
    if fmt is not ExportFormat.xlsx:
        raise RiskregError(N_("--split writes .xlsx workbooks with instructions and drop-down lists; add "
                              "--format xlsx."))


def _export_split(ctx: typer.Context, wanted: Any, limit: int, split: SplitBy, folder: Path, *,
                  unmasked: bool) -> None:
    """Each department's or village's entries as a workbook of its own, each written atomically."""
    from riskreg.cli.output import shown
    from riskreg.domain.queries import sheet_entries
    from riskreg.exchange.sheet_forms import Form
    from riskreg.exchange.sheet_split import file_names, group_rows
    from riskreg.exchange.sheet_write import Names
    from riskreg.vocabulary import word

    state = get_state(ctx)
    flags = state.flags()
    field = "department" if split is SplitBy.dept else "unit"
    with state.read() as session:
        names = Names.load(session, state.lang)
        form = Form.load(session, names.levels, state.lang)
        groups = group_rows(progress(sheet_entries(session, flags, wanted, limit=limit or None), N_("Exporting")), field)
    if not groups:
        say(N_("No entries match; no workbooks written."))
        return
    owners = [names.departments.get(key, key) if field == "department" else key for key in groups]
    files = file_names([shown(owner, unmasked=unmasked) for owner in owners], word("sheet.form_for", state.lang))
    for file in files:  # every one checked before any is written: the register may sit there under such a name
        not_the_register(ctx, folder / file)
    make_folder(folder, private=unmasked)
    with all_or_none():  # a workbook that cannot be written leaves every file as it was
        for rows, owner, file in zip(groups.values(), owners, files):
            write(lambda shown_rows, in_words, in_form: [workbook_bytes(shown_rows, Names(**in_words), flags.today,
                                                                        Form(**in_form))],
                  rows, vars(names), vars(dataclasses.replace(form, name=owner)), output=folder / file,
                  unmasked=unmasked, binary=True)
    say(NP_("Wrote {n} workbook to {folder}:", "Wrote {n} workbooks to {folder}:", len(files), folder=folder),
        unmasked=unmasked)
    for rows, file in zip(groups.values(), files):
        say(N_("  {file}: {entries}", file=file, entries=_entries(len(rows))), unmasked=unmasked)
    if field == "department":
        sent = set(owners)
        if idle := [name for name in form.departments if name not in sent]:
            say(NP_("No workbook for {n} department with no matching entries: {idle}.",
                    "No workbook for {n} departments with no matching entries: {idle}.", len(idle),
                    idle=Both("、".join(idle), ", ".join(idle))),
                unmasked=unmasked)


@app.command("import", rich_help_panel=PANEL)
def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(metavar="FILE", dir_okay=False, help="A .jsonl file written by `riskreg export`, or a ledger as .xlsx, .xls, .ods or .csv.")],
    new_ids: Annotated[bool, typer.Option("--new-ids", help="Give imported entries new numbers instead of keeping their ids (jsonl) or 编号 (spreadsheets); an entry the register has already (same risk, unit and title) is refused all the same.")] = False,
    mapping: Annotated[Path | None, typer.Option("--mapping", metavar="FILE", dir_okay=False, help="Spreadsheets: a YAML file mapping your headers to riskreg's, e.g. `隐患名称: title`.", show_default=False)] = None,
    sheet: Annotated[str | None, typer.Option("--sheet", metavar="NAME|N", help="Workbooks: the sheet to read, by name or number from 1 (default: the first with a header riskreg knows).", show_default=False)] = None,
    ignore: Annotated[list[str] | None, typer.Option("--ignore", metavar="COLUMN", help="Spreadsheets: leave out this column (its header, or its letter if it has none); repeatable. A column holding data riskreg has no field for is refused otherwise.", show_default=False)] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Validate and preview, write nothing.")] = False,
    update: Annotated[bool, typer.Option("--update", help="Take back a returned sheet: each changed cell of a row with a 编号 becomes the event its command records (assign, mitigate, note, close, reopen, edit, regrade, escalate); a blank cell changes nothing; rows without 编号 are new entries.")] = False,
    force: Annotated[bool, typer.Option("--force", help="With --update: take rows whose entry changed in the register since the sheet was exported (its 版本 is not the latest), and rows without a 版本.")] = False,
    errors: ErrorsOutput = None,
    accept_masked: Annotated[bool, typer.Option("--accept-masked", help="Take text holding numbers riskreg masked (138****5678) as it is; refused by default, so a masked copy never overwrites real numbers.")] = False,
    unmasked: Unmasked = False,
) -> None:
    """Add entries from an export or a spreadsheet, or take back a returned sheet (--update): every line or row
    is checked first, then all or nothing.

    When rows are refused, nothing is imported and every problem of every row is listed on stderr
    (row, column, value, reason), and in the --errors file if given.
    """
    lang = get_state(ctx).lang
    noun = "line" if file.suffix.lower() == ".jsonl" else "row"
    # Written before the import commits: a file that cannot be written fails the command, which then wrote nothing.
    passed = (functools.partial(write_problems, errors, [], noun, lang=lang, unmasked=unmasked)
              if errors is not None else lambda: None)
    try:
        _import(ctx, file, new_ids=new_ids, mapping=mapping, sheet=sheet, ignore=ignore or [], dry_run=dry_run,
                update=update, force=force, unmasked=unmasked, accept_masked=accept_masked, passed=passed)
    except RowsRefused as refused:
        if errors is not None:
            write_problems(errors, refused.problems, refused.noun, lang=lang, unmasked=unmasked)
        raise
    except RiskregError as err:  # refused before its rows: an older file left in place could be sent back instead
        if errors is not None:
            write_problems(errors, [Problem(None, "", "", str(err))], noun, lang=lang, unmasked=unmasked)
        raise


def _import(ctx: typer.Context, file: Path, *, new_ids: bool, mapping: Path | None, sheet: str | None,
            ignore: list[str], dry_run: bool, update: bool, force: bool, unmasked: bool, accept_masked: bool,
            passed: Callable[[], None]) -> None:
    suffix = file.suffix.lower()
    if force and not update:
        raise RiskregError(N_("--force applies with --update, to take rows whose entry changed since the export."))
    if update:
        if suffix not in SHEETS:
            raise RiskregError(N_("--update takes back a spreadsheet (.xlsx, .xls, .ods or .csv); {name} is not "
                                  "one.", name=file.name))
        if new_ids:
            raise RiskregError(N_("--new-ids does not go with --update: a row's 编号 names the entry it updates."))
        _update_sheet(ctx, file, mapping=mapping, sheet=sheet, ignore=ignore, force=force, dry_run=dry_run,
                      unmasked=unmasked, accept_masked=accept_masked, passed=passed)
        return
    if suffix in SHEETS:
        _import_sheet(ctx, file, mapping=mapping, sheet=sheet, ignore=ignore, new_ids=new_ids, dry_run=dry_run,
                      unmasked=unmasked, accept_masked=accept_masked, passed=passed)
        return
    if suffix != ".jsonl":
        raise RiskregError(N_("{file} is not a .jsonl, .xlsx, .xls, .ods or .csv file; riskreg imports its own "
                              "exports and spreadsheets.", file=file))
    for given, option in ((mapping, "--mapping"), (sheet, "--sheet"), (ignore, "--ignore")):
        if given:
            raise RiskregError(N_("{option} applies to spreadsheets; a .jsonl export needs none.", option=option))
    from riskreg.exchange.jsonl import check_jsonl, import_entries, lines_of, read_jsonl

    state = get_state(ctx)
    try:
        with file.open(encoding="utf-8") as handle:
            lines = progress(lines_of(handle), N_("Reading"))
            if dry_run:  # checked with no transaction open, so others can write meanwhile
                result = check_jsonl(state.read, lines, str(file), new_ids=new_ids, accept_masked=accept_masked)
                passed()
            else:
                with state.write() as (session, _):
                    parsed = read_jsonl(lambda: contextlib.nullcontext(session), lines, str(file), new_ids=new_ids,
                                        accept_masked=accept_masked)
                    result = import_entries(session, parsed, new_ids=new_ids)
                    passed()
    except OSError as err:
        raise RiskregError(N_("Cannot read {file}: {strerror}.", file=file, strerror=err.strerror)) from None
    except UnicodeDecodeError:
        raise RiskregError(N_("{file} is not UTF-8 text.", file=file)) from None
    said = (N_("Would import {entries} with {events} history events.", entries=_entries(result.entries),
               events=result.events) if dry_run else
            N_("Imported {entries} with {events} history events.", entries=_entries(result.entries), events=result.events))
    say(N_("{said} Renumbered {n}.", said=said, n=len(result.renumbered)) if result.renumbered else said)


def _import_sheet(ctx: typer.Context, file: Path, *, mapping: Path | None, sheet: str | None, ignore: list[str],
                  new_ids: bool, dry_run: bool, unmasked: bool, accept_masked: bool, passed: Callable[[], None]) -> None:
    from riskreg.exchange.sheet_read import open_sheet, read_mapping
    from riskreg.exchange.sheet_rows import import_parsed, parse_rows, preview_rows

    state = get_state(ctx)
    opened = open_sheet(file, read_mapping(mapping) if mapping else None, sheet=sheet, ignore=ignore)  # before the lock
    rows = progress(opened.rows, N_("Checking rows"), total=opened.total)
    if not dry_run:
        with state.write() as (session, stamp):
            parsed = parse_rows(lambda: contextlib.nullcontext(session), opened, stamp, rows, new_ids=new_ids,
                                accept_masked=accept_masked)
            result = import_parsed(session, parsed, new_ids=new_ids)
            passed()
    else:  # rows checked between short read transactions, so others can write meanwhile
        parsed = parse_rows(state.read, opened, state.stamp(), rows, new_ids=new_ids, accept_masked=accept_masked)
        with state.read() as session:
            from riskreg.domain.catalogue_sync import code_names, level_styles

            from riskreg.cli.output import print_view

            result = import_parsed(session, parsed, new_ids=new_ids, write=False)
            title = f"{_source(file, opened.sheet)}, from row {opened.header_row + 1}, as the entries would be made"
            print_view(functools.partial(_preview, lang=state.lang), preview_rows(parsed)[:PREVIEW_ROWS],
                       level_styles(session, state.lang), title, code_names(session, state.lang), unmasked=unmasked)
        passed()
    _say_footers(opened.footers, unmasked)
    source, entries = _source(file, opened.sheet), _entries(result.entries)
    if not dry_run:
        said = N_("Imported {entries} from {file}.", entries=entries, file=source)
    elif result.entries > PREVIEW_ROWS:
        said = N_("Would import {entries} from {file} (the first {shown} shown).", entries=entries, file=source,
                  shown=PREVIEW_ROWS)
    else:
        said = N_("Would import {entries} from {file}.", entries=entries, file=source)
    if opened.ignored:
        said = N_("{said} Left out as asked: {columns}.", said=said, columns=", ".join(opened.ignored))
    say(said, unmasked=unmasked)


def _say_footers(footers: list[tuple[int, str]], unmasked: bool) -> None:
    """A 合计 row or a 填表人 line passed over is said, one line each: never a row left out unsaid."""
    for row, first in footers:
        say(N_("Row {row} ({first}) is a total or sign-off row under the ledger; it was not imported.", row=row,
               first=first), unmasked=unmasked)


def _source(file: Path, sheet: str | None) -> "str | Message":
    return file.name if sheet is None else N_("{file}, sheet {sheet}", file=file.name, sheet=sheet)


def _update_sheet(ctx: typer.Context, file: Path, *, mapping: Path | None, sheet: str | None, ignore: list[str],
                  force: bool, dry_run: bool, unmasked: bool, accept_masked: bool, passed: Callable[[], None]) -> None:
    from riskreg.cli.output import shown
    from riskreg.exchange.sheet_read import open_sheet, read_mapping
    from riskreg.exchange.sheet_update import take_back
    from riskreg.exchange.sheet_write import Names

    state = get_state(ctx)
    opened = open_sheet(file, read_mapping(mapping) if mapping else None, sheet=sheet, ignore=ignore)  # before the lock
    with state.write(commit=not dry_run) as (session, stamp):  # a dry run checks all, then rolls back
        taken = take_back(session, stamp, opened, force=force, masked=functools.partial(shown, unmasked=False),
                          accept_masked=accept_masked)
        names = Names.load(session, state.lang)
        passed()
    _say_footers(opened.footers, unmasked)
    if dry_run:
        for updated in taken.updated:
            say("\n".join(_diff(updated, names)), unmasked=unmasked)
    updated, source = _entries(len(taken.updated)), _source(file, opened.sheet)
    if dry_run:
        said = NP_("Would update {entries} with {n} event from {file}", "Would update {entries} with {n} events from {file}",
                   taken.events, entries=updated, file=source)
    else:
        said = NP_("Updated {entries} with {n} event from {file}", "Updated {entries} with {n} events from {file}",
                   taken.events, entries=updated, file=source)
    if taken.added:
        said = (N_("{said}; would add {entries}", said=said, entries=_entries(taken.added)) if dry_run else
                N_("{said}; added {entries}", said=said, entries=_entries(taken.added)))
    say(N_("{said}.", said=said), unmasked=unmasked)


def _diff(updated: Any, names: Any) -> list[str]:
    """One entry's changes as the sheet words them: `Entry 3 某工地… (row 4)`, then
    `  风险等级：一般风险 → 较大风险（调整等级）`, one line a field."""
    from riskreg.exchange.sheet_columns import BY_FIELD, header
    from riskreg.exchange.sheet_write import display_row
    from riskreg.vocabulary import code_word

    lines = [N_("Entry {id} {title} (row {row})", id=updated.entry_id, title=updated.title, row=updated.row).translated()]
    for change in updated.changes:
        old, new = (display_row({change.field: value}, names)[change.field] for value in (change.old, change.new))
        old, new = ("—" if value is None else str(value).replace("\n", " ") for value in (old, new))
        lines.append("  " + N_("{field}: {old} → {new}  ({action})", field=header(BY_FIELD[change.field], names.lang),
                                  old=old, new=new, action=code_word("update", change.action, names.lang)).translated())
    return lines


def _preview(rows: list[dict], levels: dict, title: str, names: dict, *, lang: str) -> Any:
    from riskreg.render.tables import entries_table

    return entries_table(rows, levels, lang, names, title=title)  # the title is a Text, escaped: a file name is no markup


def _entries(count: int) -> "Message":
    return NP_("{n:,} entry", "{n:,} entries", count)

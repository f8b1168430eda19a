"""Options shared by several commands, declared once."""

import os
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from riskreg.messages import N_

EntryId = Annotated[int, typer.Argument(metavar="ID", help="The entry's number, as `add` printed it.", min=1)]
UNMASKED = "riskreg.unmasked"  # ctx.meta key: --unmasked as given, for the error handler's problem table


def _remember_unmasked(ctx: typer.Context, unmasked: bool) -> bool:
    ctx.meta[UNMASKED] = unmasked  # click shares meta with the enclosing contexts, where errors are shown
    return unmasked


Codes = Annotated[bool, typer.Option("--codes", help="Show department and category codes (COMP, S) instead of their names.")]
Unmasked = Annotated[bool, typer.Option("--unmasked", help="Show identity and mobile numbers in free text as stored (masked by default).", callback=_remember_unmasked)]


def not_the_register(ctx: typer.Context, output: Path | None) -> Path | None:
    """--output may name any file but the register, its journal and the backups riskreg keeps beside it, and
    never a SQLite database at all: another register, or a backup made under any name."""
    if output is not None:
        from riskreg.store.backends import is_url
        from riskreg.cli.state import get_state
        from riskreg.errors import RiskregError
        from riskreg.store.files import is_sqlite_file
        from riskreg.store.location import register_files

        location = get_state(ctx).location()
        if not is_url(location) and register_files(location)(output):
            raise RiskregError(N_("{output} is the register {location} or one of its journal and backup files; "
                                  "choose another output file.", output=output, location=location))
        if output.is_file() and os.access(output, os.R_OK) and is_sqlite_file(output):  # is_file first: a FIFO
            raise RiskregError(N_("{output} is a SQLite database (a register or a backup of one); riskreg writes "
                                  "reports and exports only over other files.", output=output))
    return output


# What a file's name says it holds; a table shown on a terminal is written as text.
SUFFIX_FORMATS = {".jsonl": "jsonl", ".json": "json", ".xlsx": "xlsx", ".csv": "csv", ".html": "html", ".htm": "html",
                  ".md": "markdown", ".txt": "text"}


def output_format(ctx: typer.Context, fmt: Enum, output: Path | None) -> Enum:
    """The format to write: the one --format names, else the one --output's name ends in (台账.xlsx is a
    workbook, not the unmasked jsonl default under a spreadsheet's name). A name that says another format than
    --format, or one the command does not write, is refused before anything is read."""
    said = SUFFIX_FORMATS.get(output.suffix.lower()) if output is not None else None
    if said is None:
        return fmt
    from typer._click.core import ParameterSource

    from riskreg.errors import RiskregError

    kind = type(fmt)
    written = {member.value: member for member in kind}
    match = written.get(said) or (written.get("table") if said == "text" else None)
    if match is None:
        raise RiskregError(N_("This command does not write {suffix} files: name {output} for one of the formats "
                              "{formats}, or choose one with --format.", suffix=output.suffix, output=output,
                              formats=", ".join(written)))
    if ctx.get_parameter_source("fmt") is not ParameterSource.DEFAULT and match is not fmt:
        raise RiskregError(N_("--format {format} does not write a {suffix} file: rename {output}, or leave out "
                              "--format and the name decides.", format=fmt.value, suffix=output.suffix, output=output))
    return match


# readable=False: an output need not be readable (/dev/stdout, a FIFO); Typer would refuse it as "not readable"
Output = Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file (atomically) instead of stdout.", dir_okay=False, readable=False, callback=not_the_register)]

ErrorsOutput = Annotated[Path | None, typer.Option("--errors", metavar="FILE.csv", dir_okay=False, readable=False, callback=not_the_register, help="Also write the problems to this CSV file (row, column, value, reason; UTF-8 with a byte-order mark for Excel and WPS) to hand back with the sheet; values masked unless --unmasked. If every row passes, it holds only the heading line; if the file is refused before its rows are checked (unreadable, its header), that one sentence, with row and column empty.", show_default=False)]


class TableOrJson(str, Enum):
    table = "table"
    json = "json"


class ListFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


class ReportFormat(str, Enum):
    text = "text"
    markdown = "markdown"
    json = "json"
    csv = "csv"
    html = "html"


class ExportFormat(str, Enum):
    jsonl = "jsonl"
    xlsx = "xlsx"
    csv = "csv"


# Filters that pick ledger entries, shared by the commands that take them.
StatusFilter = Annotated[str | None, typer.Option("--status", help="open, mitigated, closed, consolidated, voided (or 待化解, 管控中, 作废…), or active (在办: open + mitigated). Without it, voided entries are left out (a jsonl export keeps them).", show_default=False)]
RiskFilter = Annotated[str | None, typer.Option("--risk", help="Risk code or name, e.g. S03.", show_default=False)]
CategoryFilter = Annotated[str | None, typer.Option("--category", help="Category code or name: S, G, P or H.", show_default=False)]
DeptFilter = Annotated[str | None, typer.Option("--dept", help="Department code or name, e.g. COMP or 综治中心.", show_default=False)]
UnitFilter = Annotated[str | None, typer.Option("--unit", help="Village, community or department.", show_default=False)]
# The scope of a summary or report: whose 责任清单 it is.
ScopeDept = Annotated[str | None, typer.Option("--dept", metavar="CODE|NAME", help="Only this department's entries, its 责任清单: code or name, Chinese or English.", show_default=False)]
ScopeUnit = Annotated[str | None, typer.Option("--unit", metavar="NAME", help="Only this village's or community's entries.", show_default=False)]
ScopeLeader = Annotated[str | None, typer.Option("--leader", metavar="NAME", help="Only the entries this lead official answers for.", show_default=False)]
LevelFilter = Annotated[str | None, typer.Option("--level", help="major, significant, general or low; also 重大/较大/一般/低 or the colour (red, 红…).", show_default=False)]
OverdueFilter = Annotated[bool, typer.Option("--overdue", help="Only active entries past their deadline.")]
UnaccountableFilter = Annotated[bool, typer.Option("--unaccountable", help="Only active entries missing one of the four ones.")]
# As many entries as a register can hold (ids are 32-bit); a larger --limit overflowed SQLite with a traceback.
MAX_LIMIT = 2**31 - 1
Limit = Annotated[int, typer.Option("--limit", min=0, max=MAX_LIMIT, help="At most this many entries (0: all).")]
DueSoonFilter = Annotated[bool, typer.Option("--due-soon", help="Only active entries due from today to the end of the due-soon window (7 days unless the config says otherwise).")]
LeaderFilter = Annotated[str | None, typer.Option("--leader", metavar="NAME", help="Only entries this official leads (the lead official as assigned).", show_default=False)]
DueBeforeFilter = Annotated[str | None, typer.Option("--due-before", metavar="DATE", help="Only entries due on or before this date (2026-07-31, +7d, T-3…).", show_default=False)]
DueAfterFilter = Annotated[str | None, typer.Option("--due-after", metavar="DATE", help="Only entries due on or after this date.", show_default=False)]
AddedSinceFilter = Annotated[str | None, typer.Option("--added-since", metavar="DATE", help="Only entries added on or after this date.", show_default=False)]
ChangedSinceFilter = Annotated[str | None, typer.Option("--changed-since", metavar="DATE", help="Only entries changed on or after this date.", show_default=False)]
EscalatedFilter = Annotated[bool, typer.Option("--escalated", help="Only entries escalated to a higher level.")]
StaleFilter = Annotated[bool, typer.Option("--stale", help="Only active entries not updated within the stale window (7 days unless the config says otherwise).")]
SearchFilter = Annotated[str | None, typer.Option("--search", metavar="TEXT", help="Only entries whose title, detail, plan, measures, resolution or notes contain this text (two characters or more, e.g. 燃气); words apart (西河 渗漏) must each be found.", show_default=False)]


class SortOrder(str, Enum):
    id = "id"
    due = "due"
    level = "level"
    updated = "updated"
    unit = "unit"


Sort = Annotated[SortOrder | None, typer.Option("--sort", help="id (the default), due (soonest deadline first; the default with --overdue), level (most serious first), updated (latest change first) or unit.", show_default=False)]

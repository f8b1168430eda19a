"""Upkeep: moving whole entries in and out (JSON Lines)."""

import json
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from riskreg.cli.options import Output, Unmasked
from riskreg.cli.output import mask_unless, write_chunks
from riskreg.cli.state import get_state
from riskreg.errors import RiskregError

PANEL = "Upkeep"
app = typer.Typer()


class ExportFormat(str, Enum):
    jsonl = "jsonl"


@app.command(rich_help_panel=PANEL)
def export(
    ctx: typer.Context,
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", help="jsonl: one JSON object per entry, with its history.")] = ExportFormat.jsonl,
    output: Output = None,
    unmasked: Unmasked = False,
) -> None:
    """Write every entry with its full history; `import` reads it back. Use --unmasked for a lossless copy."""
    from riskreg.transfer import export_entries

    state = get_state(ctx)
    today = state.today()
    with state.read() as session:
        lines = (json.dumps(mask_unless(entry, unmasked), ensure_ascii=False) + "\n"
                 for entry in export_entries(session, today))
        write_chunks(lines, Path(output) if output else None)


@app.command("import", rich_help_panel=PANEL)
def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(metavar="FILE", dir_okay=False, help="A .jsonl file written by `riskreg export`.")],
    new_ids: Annotated[bool, typer.Option("--new-ids", help="Give imported entries new numbers instead of refusing ids that exist.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Validate and count, write nothing.")] = False,
) -> None:
    """Add entries with their history from a JSON Lines export: every line is checked first, then all or nothing."""
    from riskreg.transfer import import_entries, read_jsonl

    if file.suffix.lower() != ".jsonl":
        raise RiskregError(f"{file} is not a .jsonl file; riskreg imports what `riskreg export` writes.")
    try:
        with file.open(encoding="utf-8") as handle:
            with get_state(ctx).write(commit=not dry_run) as (session, _):
                result = import_entries(session, read_jsonl(session, handle), new_ids=new_ids)
    except OSError as err:
        raise RiskregError(f"Cannot read {file}: {err.strerror}.") from None
    except UnicodeDecodeError:
        raise RiskregError(f"{file} is not UTF-8 text.") from None
    verb = "Would import" if dry_run else "Imported"
    typer.echo(f"{verb} {result.entries} entries with {result.events} history events."
               + (f" Renumbered {len(result.renumbered)}." if result.renumbered else ""))

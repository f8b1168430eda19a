"""Upkeep: integrity check, backup and restore."""

from pathlib import Path
from typing import Annotated

import typer

from riskreg.cli.state import get_state

PANEL = "Upkeep"
app = typer.Typer()

FileArg = Annotated[Path, typer.Argument(metavar="FILE", dir_okay=False, help="The backup file.")]


def _findings(register) -> list[str]:
    from riskreg.integrity import run_checks

    with register.session() as session:
        return run_checks(session)


@app.command(rich_help_panel=PANEL)
def check(ctx: typer.Context) -> None:
    """Check the register: SQLite integrity, foreign keys, closed-entry rules, history replay and hash chain."""
    from riskreg.masking import mask_text

    register = get_state(ctx).register()
    findings = _findings(register)
    for finding in findings:
        typer.echo(mask_text(finding))
    if findings:
        typer.echo(f"Error: {len(findings)} problem(s) found in {register.location}.", err=True)
        raise typer.Exit(1)
    typer.echo(f"{register.location}: every check passed.")


@app.command(rich_help_panel=PANEL)
def backup(ctx: typer.Context, file: FileArg) -> None:
    """Copy the register to FILE (mode 0600), consistently even while others write."""
    from riskreg.store import backup as backup_register

    target = backup_register(get_state(ctx).register(), file)
    typer.echo(f"Backed up to {target}.")


@app.command(rich_help_panel=PANEL)
def restore(ctx: typer.Context, file: FileArg) -> None:
    """Replace the register with a backup that passes `check`; the old register is kept beside it."""
    from riskreg.store import restore as restore_register

    state = get_state(ctx)
    state.close()  # a shell's open register is the old file: the next command opens the restored one
    kept = restore_register(state.location(), file, _findings)
    typer.echo(f"Restored from {file}." + (f" The previous register is kept as {kept}." if kept else ""))


@app.command(rich_help_panel=PANEL)
def undo(ctx: typer.Context) -> None:
    """Revert the latest change (recorded as an undo, never erased); run again to go further back."""
    from riskreg.ledger import undo as undo_change

    with get_state(ctx).write() as (session, stamp):
        entry_id, action = undo_change(session, stamp)
    typer.echo(f"Entry {entry_id}: undid {action}.")


@app.command(rich_help_panel=PANEL)
def copy(
    ctx: typer.Context,
    to: Annotated[str, typer.Option("--to", metavar="LOCATION", help="A new register: a file path or postgresql+psycopg://… URL.")],
) -> None:
    """Copy the whole register (catalogue, entries, history) to a new SQLite file or PostgreSQL database."""
    from riskreg.copying import copy_register
    from riskreg.store import open_register

    source = get_state(ctx).register()
    target = open_register(to, create=True)
    try:
        copied = copy_register(source, target)
    finally:
        target.engine.dispose()
    typer.echo(f"Copied {copied['entry']} entries and {copied['history']} history events to {target.location}.")

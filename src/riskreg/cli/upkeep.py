"""Upkeep: integrity check, backup and restore."""

from pathlib import Path
from typing import Annotated

import typer

from riskreg.cli.output import say
from riskreg.cli.state import get_state
from riskreg.messages import N_

PANEL = "Upkeep"
app = typer.Typer()

FileArg = Annotated[Path, typer.Argument(metavar="FILE", dir_okay=False, help="The backup file.")]


def _findings(register, against=None) -> list[str]:
    from riskreg.domain.integrity import run_checks

    with register.session() as session:
        return run_checks(session, against=against)


@app.command(rich_help_panel=PANEL)
def check(
    ctx: typer.Context,
    against: Annotated[Path | None, typer.Option("--against", metavar="REPORT.json", exists=True, dir_okay=False, help="Also prove the register still holds the history this earlier JSON report saw (keep reports where the register's editors cannot change them).", show_default=False)] = None,
) -> None:
    """Check the register: integrity, foreign keys, guards, closed-entry rules, history replay, hash chain and its head.

    A register file that others may read or change gets a warning on stderr (the exit code stays that of the checks)."""
    seen = None
    if against is not None:
        from riskreg.domain.integrity import head_seen_by

        seen = head_seen_by(against)
    register = get_state(ctx).register()
    _warn_if_exposed(register)
    findings = _findings(register, seen)
    for finding in findings:
        say(finding)
    if findings:
        say(N_("Error: {n_findings} problem(s) found in {location}.", n_findings=len(findings),
               location=register.location), err=True)
        raise typer.Exit(1)
    say(N_("{location}: every check passed; it still holds the {events:,} history events {against} saw.",
           location=register.location, events=seen.events, against=against) if seen else
        N_("{location}: every check passed.", location=register.location))


def _warn_if_exposed(register) -> None:
    """A warning, not a finding: the register is sound, only readable by more people than should read it.
    riskreg never changes an existing file's mode behind its owner's back."""
    from riskreg.store.files import exposed_mode

    mode = None if register.server else exposed_mode(Path(register.location))
    if mode is not None:
        say(N_("Warning: {location} is mode {mode:o}: others than its owner may read or change it, and it holds "
               "every entry unmasked. Make it private: chmod 600 {location}.", location=register.location, mode=mode), err=True)


@app.command(rich_help_panel=PANEL)
def backup(ctx: typer.Context, file: FileArg) -> None:
    """Copy the register to FILE (mode 0600), consistently even while others write."""
    from riskreg.store.files import backup as backup_register

    target = backup_register(get_state(ctx).register(), file)
    say(N_("Backed up to {target}.", target=target))


@app.command(rich_help_panel=PANEL)
def restore(ctx: typer.Context, file: FileArg) -> None:
    """Replace the register with a backup that passes `check`; the old register is kept beside it."""
    from riskreg.store.restore import restore as restore_register

    state = get_state(ctx)
    state.close()  # a shell's open register is the old file: the next command opens the restored one
    kept = restore_register(state.location(), file, _findings)
    say(N_("Restored from {file}. The previous register is kept as {kept}.", file=file, kept=kept) if kept else
        N_("Restored from {file}.", file=file))


@app.command(rich_help_panel=PANEL)
def undo(ctx: typer.Context) -> None:
    """Revert the latest change (recorded as an undo, never erased); run again to go further back. Undoing an add voids the entry."""
    from riskreg.domain.ledger import undo as undo_change
    from riskreg.domain.words import said

    with get_state(ctx).write() as (session, stamp):
        entry_id, action = undo_change(session, stamp)
    say(N_("Entry {id}: undid add; the entry is voided.", id=entry_id) if action == "add" else
        N_("Entry {id}: undid {action}.", id=entry_id, action=said("action", action)))


@app.command(rich_help_panel=PANEL)
def copy(
    ctx: typer.Context,
    to: Annotated[str, typer.Option("--to", metavar="LOCATION", help="A new register: a file path or postgresql+psycopg://… URL.")],
) -> None:
    """Copy the whole register (catalogue, entries, history) to a new SQLite file or PostgreSQL database."""
    from riskreg.store.copying import copy_register
    from riskreg.store.register import open_register

    source = get_state(ctx).register()
    target = open_register(to, create=True)
    try:
        copied = copy_register(source, target)
    finally:
        target.engine.dispose()
    say(N_("Copied {entry} entries and {history} history events to {location}.", entry=copied['entry'],
           history=copied['history'], location=target.location))

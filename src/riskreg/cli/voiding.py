"""Daily work: voiding a mistaken or duplicate entry, and bringing it back."""

from typing import Annotated

import typer

from riskreg.cli.options import EntryId
from riskreg.cli.state import get_state

PANEL = "Daily work"
app = typer.Typer()


@app.command(rich_help_panel=PANEL)
def void(
    ctx: typer.Context,
    entry_id: EntryId,
    reason: Annotated[str, typer.Option("--reason", help="Why the entry is a mistake or a duplicate.")],
    duplicate_of: Annotated[int | None, typer.Option("--duplicate-of", metavar="N", min=1, help="The entry it duplicates, which stays on the ledger; its history records the duplicate.", show_default=False)] = None,
) -> None:
    """Take a mistaken or duplicate entry off the ledger (status voided): it keeps its number and history and counts nowhere."""
    from riskreg.domain.voiding import void as void_entry

    with get_state(ctx).write() as (session, stamp):
        void_entry(session, stamp, entry_id, reason=reason, duplicate_of=duplicate_of)
    typer.echo(f"Entry {entry_id}: voided" + (f" as a duplicate of entry {duplicate_of}." if duplicate_of else "."))


@app.command(rich_help_panel=PANEL)
def unvoid(
    ctx: typer.Context,
    entry_id: EntryId,
    reason: Annotated[str, typer.Option("--reason", help="Why the entry belongs on the ledger after all.")],
) -> None:
    """Bring a voided entry back, with the status it had before it was voided."""
    from riskreg.domain.voiding import unvoid as unvoid_entry

    with get_state(ctx).write() as (session, stamp):
        status = unvoid_entry(session, stamp, entry_id, reason=reason)
    typer.echo(f"Entry {entry_id}: back on the ledger, {status}.")

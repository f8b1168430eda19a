"""Daily work: voiding a mistaken or duplicate entry, and bringing it back."""

from typing import Annotated

import typer

from riskreg.cli.options import EntryId
from riskreg.cli.output import say
from riskreg.cli.state import get_state
from riskreg.messages import N_

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
    say(N_("Entry {id}: voided as a duplicate of entry {original}.", id=entry_id, original=duplicate_of) if duplicate_of
        else N_("Entry {id}: voided.", id=entry_id))


@app.command(rich_help_panel=PANEL)
def unvoid(
    ctx: typer.Context,
    entry_id: EntryId,
    reason: Annotated[str, typer.Option("--reason", help="Why the entry belongs on the ledger after all.")],
) -> None:
    """Bring a voided entry back, with the status it had before it was voided."""
    from riskreg.domain.voiding import unvoid as unvoid_entry
    from riskreg.domain.words import said

    with get_state(ctx).write() as (session, stamp):
        status = unvoid_entry(session, stamp, entry_id, reason=reason)
    say(N_("Entry {id}: back on the ledger, {status}.", id=entry_id, status=said("status", status)))

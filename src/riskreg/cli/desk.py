"""Daily work: `riskreg tui`, the coordinator's desk (riskreg.tui), opened on the register the options name."""

from typing import TYPE_CHECKING

import typer

from riskreg.cli.options import Unmasked
from riskreg.cli.state import State, get_state

if TYPE_CHECKING:
    from riskreg.tui.desk import Desk

PANEL = "Daily work"
app = typer.Typer()


@app.command(rich_help_panel=PANEL)
def tui(ctx: typer.Context, unmasked: Unmasked = False) -> None:
    """The whole ledger on one keyboard-driven screen: filter, search, read an entry's history, act on it by key (? lists the keys, q quits)."""
    from riskreg.tui.app import DeskApp  # Textual is imported here only: every other command starts without it

    DeskApp(open_desk(get_state(ctx), unmasked=unmasked)).run()


def open_desk(state: State, *, unmasked: bool) -> "Desk":
    """The desk on the register, today, actor, language and zone of the run; what it shows masked by the writer's
    mask unless --unmasked."""
    from riskreg.cli.output import as_shown, masked_form
    from riskreg.tui.desk import Desk

    state.stamp()  # a bad --as-of or --actor is refused before the screen opens
    return Desk(register=state.register(), flags=state.flags, stamp=state.stamp, lang=state.lang, zone=state.zone(),
                shown=(lambda data: data) if unmasked else (lambda data: as_shown(data)[0]),
                masked_in=(lambda text: None) if unmasked else masked_form)

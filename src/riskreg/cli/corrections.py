"""Daily work: correcting an entry (`edit`) and grading it again (`regrade`)."""

from typing import Annotated

import typer

from riskreg.cli.options import EntryId
from riskreg.cli.output import say
from riskreg.cli.state import get_state

PANEL = "Daily work"
app = typer.Typer()

Reason = Annotated[str, typer.Option("--reason", help="Why: recorded in the history with the old and new values.")]
LEVEL_HELP = "major, significant, general or low; also 重大/较大/一般/低 or the colour (red, 红…)."


@app.command(rich_help_panel=PANEL)
def edit(
    ctx: typer.Context,
    entry_id: EntryId,
    *,
    title: Annotated[str | None, typer.Option("--title", help="The corrected title (one line, at most 200 characters).", show_default=False)] = None,
    detail: Annotated[str | None, typer.Option("--detail", help="The corrected details.", show_default=False)] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="The right village, community or department.", show_default=False)] = None,
    risk: Annotated[str | None, typer.Option("--risk", metavar="CODE", help="The right risk code; the category follows it.", show_default=False)] = None,
    level: Annotated[str | None, typer.Option("--level", help="Grade it again too (as `regrade`): " + LEVEL_HELP, show_default=False)] = None,
    force: Annotated[bool, typer.Option("--force", help="Correct it even if another active entry then has the same risk, unit and title.")] = False,
    reason: Reason,
) -> None:
    """Correct what was recorded wrong: title, details, village or risk (any status); --level grades it again too.

    With --level the history holds two events, the edit, then the regrade (graded on the corrected risk), and
    `undo` reverts them one at a time. When the values given change nothing, or --level is the level the entry
    already has, the command is refused and nothing is written."""
    from riskreg.domain.corrections import correct

    with get_state(ctx).write() as (session, stamp):
        changes, new_level = correct(session, stamp, entry_id, reason=reason, title=title, detail=detail, unit=unit,
                                     risk=risk, level=level, force=force)
    done = [f"corrected {', '.join(changes)}"] if changes else []
    if new_level is not None:
        done.append(f"regraded to {new_level}")
    say(f"Entry {entry_id}: {'; '.join(done)}.")


@app.command(rich_help_panel=PANEL)
def regrade(
    ctx: typer.Context,
    entry_id: EntryId,
    level: Annotated[str, typer.Option("--level", help="The new level: " + LEVEL_HELP)],
    reason: Reason,
) -> None:
    """Grade an open or mitigated entry again, as the risk grows or eases; reports count regradings up and down."""
    from riskreg.domain.corrections import regrade as regrade_entry

    with get_state(ctx).write() as (session, stamp):
        new_level = regrade_entry(session, stamp, entry_id, level=level, reason=reason)
    say(f"Entry {entry_id}: regraded to {new_level}.")

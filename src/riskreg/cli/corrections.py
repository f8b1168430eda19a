"""Daily work: correcting an entry (`edit`) and grading it again (`regrade`)."""

from typing import Annotated, Any

import typer

from riskreg.cli.options import EntryId
from riskreg.cli.output import say
from riskreg.cli.state import get_state
from riskreg.messages import Both, N_
from riskreg.vocabulary import word

PANEL = "Daily work"
app = typer.Typer()

Reason = Annotated[str, typer.Option("--reason", help="Why: recorded in the history with the old and new values.")]


@app.command(rich_help_panel=PANEL)
def edit(
    ctx: typer.Context,
    entry_id: EntryId,
    *,
    title: Annotated[str | None, typer.Option("--title", help="The corrected title (one line, at most 200 characters).", show_default=False)] = None,
    detail: Annotated[str | None, typer.Option("--detail", help='The corrected details; "" clears them.', show_default=False)] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="The right village, community or department.", show_default=False)] = None,
    risk: Annotated[str | None, typer.Option("--risk", metavar="CODE", help="The right risk code; the category follows it.", show_default=False)] = None,
    level: Annotated[str | None, typer.Option("--level", help="Grade it again too (as `regrade`): major, significant, general or low; also 重大/较大/一般/低 or the colour (red, 红…).", show_default=False)] = None,
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
        level_name = _level_name(session, new_level)
    corrected = N_("Entry {id}: corrected {fields}", id=entry_id, fields=Both(
        "、".join(word(f"field.{name}", "zh") for name in changes), ", ".join(changes)))
    if new_level is None:
        say(N_("{said}.", said=corrected))
    elif changes:
        say(N_("{said}; regraded to {level}.", said=corrected, level=level_name))
    else:
        say(N_("Entry {id}: regraded to {level}.", id=entry_id, level=level_name))


def _level_name(session: Any, code: str | None) -> Any:
    """The level by its name in both languages (its code if the catalogue lost it)."""
    from riskreg.store.models import Level

    row = session.get(Level, code) if code else None
    return Both(row.zh, row.en) if row else code


@app.command(rich_help_panel=PANEL)
def regrade(
    ctx: typer.Context,
    entry_id: EntryId,
    level: Annotated[str, typer.Option("--level", help="The new level: major, significant, general or low; also 重大/较大/一般/低 or the colour (red, 红…).")],
    reason: Reason,
) -> None:
    """Grade an open or mitigated entry again, as the risk grows or eases; reports count regradings up and down."""
    from riskreg.domain.corrections import regrade as regrade_entry

    with get_state(ctx).write() as (session, stamp):
        level_name = _level_name(session, regrade_entry(session, stamp, entry_id, level=level, reason=reason))
    say(N_("Entry {id}: regraded to {level}.", id=entry_id, level=level_name))

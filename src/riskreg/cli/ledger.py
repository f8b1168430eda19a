"""Daily work: the ledger lifecycle commands."""

from typing import Annotated

import typer

from riskreg.cli.options import EntryId
from riskreg.cli.output import say
from riskreg.cli.state import get_state
from riskreg.messages import Both, Message, N_
from riskreg.vocabulary import word

PANEL = "Daily work"
app = typer.Typer()

Due = Annotated[str | None, typer.Option("--due", metavar="DATE", help="Deadline: 2026-07-31, 2026/7/31, 2026年7月31日, +Nd (N days from today) or T-N (N days before the campaign). One already past is recorded with a warning.", show_default=False)]
Dept = Annotated[str | None, typer.Option("--dept", metavar="DEPT", help="Responsible department: its code or name, e.g. COMP or 综治中心.", show_default=False)]


def _warn(warnings: list[Message]) -> None:
    for warning in warnings:
        say(N_("Warning: {warning}", warning=warning), err=True)


@app.command(rich_help_panel=PANEL)
def add(
    ctx: typer.Context,
    risk: Annotated[str, typer.Argument(metavar="RISK", help="Catalogue risk: its code or name, e.g. S03.")],
    title: Annotated[str, typer.Option("--title", help="One line naming the problem (at most 200 characters).")],
    unit: Annotated[str, typer.Option("--unit", help="Village, community or department where it was found.")],
    level: Annotated[str | None, typer.Option("--level", help="major, significant, general (default) or low; also 重大/较大/一般/低 or the colour (red, 红…).", show_default=False)] = None,
    detail: Annotated[str | None, typer.Option("--detail", help="Free text: what, where, how many affected.", show_default=False)] = None,
    due: Due = None,
    dept: Annotated[str | None, typer.Option("--dept", metavar="DEPT", help="Responsible department, code or name (default: the risk's lead department).", show_default=False)] = None,
    force: Annotated[bool, typer.Option("--force", help="Add it even if an active entry has the same risk, unit and title.")] = False,
) -> None:
    """Put a new item on the ledger (status open). Prints its id alone, for `id=$(riskreg add …)`."""
    from riskreg.domain.ledger import add_entry

    with get_state(ctx).write() as (session, stamp):
        entry_id = add_entry(session, stamp, risk=risk, title=title, unit=unit, level=level, detail=detail,
                             due=due, department=dept, force=force)
    _warn(stamp.warnings)
    typer.echo(entry_id)


@app.command(rich_help_panel=PANEL)
def assign(
    ctx: typer.Context,
    entry_id: EntryId,
    leader: Annotated[str | None, typer.Option("--leader", help="The accountable lead official.", show_default=False)] = None,
    dept: Dept = None,
    task_force: Annotated[str | None, typer.Option("--task-force", help="The task force (专班) working on it.", show_default=False)] = None,
    plan: Annotated[str | None, typer.Option("--plan", help="The plan (方案) to resolve it.", show_default=False)] = None,
    due: Due = None,
    contingency: Annotated[str | None, typer.Option("--contingency", help="Emergency response plan (应急处置预案) if it flares up.", show_default=False)] = None,
) -> None:
    """Record the four ones: lead official, department, task force, plan, deadline (and an emergency plan)."""
    from riskreg.domain.ledger import assign as assign_entry

    with get_state(ctx).write() as (session, stamp):
        changes = assign_entry(session, stamp, entry_id, leader=leader, department=dept, task_force=task_force,
                               plan=plan, due=due, contingency=contingency)
    _warn(stamp.warnings)
    say(N_("Entry {id}: set {fields}.", id=entry_id, fields=Both(
        "、".join(word(f"field.{name}", "zh") for name in changes), ", ".join(changes))))


@app.command(rich_help_panel=PANEL)
def note(
    ctx: typer.Context,
    entry_id: EntryId,
    text: Annotated[str, typer.Argument(metavar="TEXT", help="What happened.")],
) -> None:
    """Add a line to an entry's progress log."""
    from riskreg.domain.ledger import add_note

    with get_state(ctx).write() as (session, stamp):
        add_note(session, stamp, entry_id, text)
    say(N_("Entry {id}: note added.", id=entry_id))


@app.command(rich_help_panel=PANEL)
def mitigate(
    ctx: typer.Context,
    entry_id: EntryId,
    measures: Annotated[str, typer.Option("--measures", help="The interim control measures in place.")],
) -> None:
    """Record interim control measures: the entry stays on the ledger as mitigated."""
    from riskreg.domain.ledger import mitigate as mitigate_entry

    with get_state(ctx).write() as (session, stamp):
        mitigate_entry(session, stamp, entry_id, measures=measures)
    say(N_("Entry {id}: mitigated.", id=entry_id))


@app.command(rich_help_panel=PANEL)
def close(
    ctx: typer.Context,
    entry_id: EntryId,
    verified_by: Annotated[str, typer.Option("--verified-by", help="Who verified the resolution.")],
    resolution: Annotated[str, typer.Option("--resolution", help="How it was resolved.")],
    on: Annotated[str | None, typer.Option("--on", metavar="DATE", help="Day it was verified (default: today).", show_default=False)] = None,
) -> None:
    """Check an entry off after its resolution was verified; it is then watched for relapse."""
    from riskreg.domain.ledger import close as close_entry

    with get_state(ctx).write() as (session, stamp):
        watch_until = close_entry(session, stamp, entry_id, verified_by=verified_by, resolution=resolution, on=on)
    say(N_("Entry {id}: closed; watch for relapse until {watch_until}.", id=entry_id, watch_until=watch_until))


@app.command(rich_help_panel=PANEL)
def consolidate(ctx: typer.Context, entry_id: EntryId) -> None:
    """Mark a closed entry consolidated once its watch period has passed without relapse."""
    from riskreg.domain.ledger import consolidate as consolidate_entry

    with get_state(ctx).write() as (session, stamp):
        consolidate_entry(session, stamp, entry_id)
    say(N_("Entry {id}: consolidated.", id=entry_id))


@app.command(rich_help_panel=PANEL)
def reopen(
    ctx: typer.Context,
    entry_id: EntryId,
    reason: Annotated[str, typer.Option("--reason", help="What recurred.")],
) -> None:
    """Put a closed or consolidated entry back on the ledger after a relapse."""
    from riskreg.domain.ledger import reopen as reopen_entry

    with get_state(ctx).write() as (session, stamp):
        reopen_entry(session, stamp, entry_id, reason=reason)
    say(N_("Entry {id}: reopened.", id=entry_id))


@app.command(rich_help_panel=PANEL)
def escalate(
    ctx: typer.Context,
    entry_id: EntryId,
    *,
    to: Annotated[str | None, typer.Option("--to", help="Who must coordinate: a department, the county, another town.", show_default=False)] = None,
    reason: Annotated[str, typer.Option("--reason", help="Why it crosses departments or jurisdictions; with --clear, how coordination ended.")],
    clear: Annotated[bool, typer.Option("--clear", help="Take the escalation off once coordination is done.")] = False,
) -> None:
    """Flag a matter that needs coordination across departments or jurisdictions (--clear once it is done)."""
    from riskreg.cli.output import say
    from riskreg.domain.ledger import escalate as escalate_entry
    from riskreg.errors import InvalidInput

    if clear and to is not None:
        raise InvalidInput(N_("--clear takes the escalation off and --to escalates; give one of them, not both."))
    if not clear and to is None:
        raise InvalidInput(N_("Give --to, who must coordinate, or --clear to take the escalation off."))
    with get_state(ctx).write() as (session, stamp):
        if clear:
            from riskreg.domain.corrections import clear_escalation

            cleared = clear_escalation(session, stamp, entry_id, reason=reason)
        else:
            escalate_entry(session, stamp, entry_id, to=to, reason=reason)
    say(N_("Entry {id}: escalation to {body} cleared.", id=entry_id, body=cleared) if clear else
        N_("Entry {id}: escalated to {body}.", id=entry_id, body=to.strip()))

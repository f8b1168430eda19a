"""Set-up commands: `init` and the `catalogue` group."""

import functools
from pathlib import Path
from typing import Annotated

import typer

from riskreg.cli.grouping import GroupedHelp
from riskreg.cli.options import TableOrJson, Unmasked
from riskreg.cli.output import print_view, say, write
from riskreg.cli.state import get_state
from riskreg.messages import N_, Message

PANEL = "Set-up"
app = typer.Typer()
catalogue_app = typer.Typer(cls=GroupedHelp, rich_markup_mode=None, help="Check, load and show the catalogue of risks and departments.", no_args_is_help=True)
app.add_typer(catalogue_app, name="catalogue", rich_help_panel=PANEL)

CatalogueFile = Annotated[Path, typer.Argument(metavar="FILE", help="A catalogue YAML file.", dir_okay=False)]


@app.command(rich_help_panel=PANEL)
def init(
    ctx: typer.Context,
    catalogue: Annotated[Path | None, typer.Option("--catalogue", metavar="FILE", help="Catalogue to load instead of the bundled one.", dir_okay=False)] = None,
) -> None:
    """Create the register and load the catalogue. Safe to run again: an existing register is left as it is."""
    from riskreg.domain.catalogue import bundled_catalogue_path, load_catalogue
    from riskreg.domain.catalogue_sync import apply_catalogue
    from riskreg.store.register import create_schema

    parsed = load_catalogue(catalogue or bundled_catalogue_path())  # a bad file fails before any file is made
    register = get_state(ctx).register(create=True)
    if not create_schema(register):
        say(N_("The register {location} already exists; nothing changed. (Use `riskreg catalogue load FILE` to "
               "update its catalogue.)", location=register.location))
        return
    with register.session(write=True) as session:
        apply_catalogue(session, parsed)
    say(N_("Created the register {location} with {n_risks} risks and {n_departments} departments.",
           location=register.location, n_risks=len(parsed.risks), n_departments=len(parsed.departments)))


@catalogue_app.command("check")
def check(file: CatalogueFile) -> None:
    """Validate a catalogue file without touching the register."""
    from riskreg.domain.catalogue import load_catalogue

    parsed = load_catalogue(file)
    say(N_("{file}: valid — {n_categories} categories, {n_risks} risks, {n_departments} departments, {n_units} "
           "units.", file=file, n_categories=len(parsed.categories), n_risks=len(parsed.risks),
           n_departments=len(parsed.departments), n_units=len(parsed.units)))


@catalogue_app.command("load")
def load(
    ctx: typer.Context,
    file: CatalogueFile,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would change and write nothing.")] = False,
) -> None:
    """Apply a new catalogue version: add, change and retire (never delete) risks and departments."""
    from riskreg.domain.catalogue import load_catalogue
    from riskreg.domain.catalogue_sync import apply_catalogue

    parsed = load_catalogue(file)
    with get_state(ctx).write(commit=not dry_run) as (session, _):
        diff = apply_catalogue(session, parsed)
    if diff.empty:
        say(N_("Nothing would change.") if dry_run else N_("The catalogue is unchanged."))
    else:
        for kind, items in diff.as_dict().items():
            said = _changes(dry_run, kind, len(items))
            say(N_("{said}: {items}", said=said, items=", ".join(items)) if items else N_("{said}.", said=said))
    if diff.unlisted_units:
        shown = ", ".join(diff.unlisted_units[:10]) + ("…" if len(diff.unlisted_units) > 10 else "")
        say(N_("Warning: {n_unlisted_units} unit(s) named by entries are not in the catalogue's units, so new "
               "entries cannot name them: {shown}. Add them to `units` to keep using them.",
               n_unlisted_units=len(diff.unlisted_units), shown=shown), err=True)


def _changes(dry_run: bool, kind: str, n: int) -> Message:
    """What `catalogue load` did (or would do), before the codes it names."""
    return {(False, "added"): N_("{n} were added", n=n), (False, "changed"): N_("{n} were changed", n=n),
            (False, "retired"): N_("{n} were retired", n=n), (True, "added"): N_("{n} would be added", n=n),
            (True, "changed"): N_("{n} would be changed", n=n), (True, "retired"): N_("{n} would be retired", n=n),
            }[dry_run, kind]


@catalogue_app.command("show")
def show(
    ctx: typer.Context,
    fmt: Annotated[TableOrJson, typer.Option("--format", "-f", help="table, or json for scripts.")] = TableOrJson.table,
    unmasked: Unmasked = False,
) -> None:
    """Show the register's catalogue: levels, departments, categories, risks and units."""
    from riskreg.domain.catalogue_sync import describe_catalogue

    with get_state(ctx).read() as session:
        data = describe_catalogue(session)
    if fmt is TableOrJson.json:
        from riskreg.render.plain import to_json

        write(lambda shown: [to_json(shown)], data, unmasked=unmasked)
    else:
        from riskreg.render.tables import catalogue_view

        print_view(functools.partial(catalogue_view, lang=get_state(ctx).lang), data, unmasked=unmasked)

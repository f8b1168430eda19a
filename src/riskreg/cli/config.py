"""Set-up: the config file of defaults (`riskreg config show|path|set|unset`)."""

from typing import Annotated, Any

import typer

from riskreg.cli.grouping import GroupedHelp
from riskreg.cli.options import TableOrJson
from riskreg.cli.output import print_view, say, write
from riskreg.cli.state import get_state

PANEL = "Set-up"
app = typer.Typer()
config_app = typer.Typer(cls=GroupedHelp, rich_markup_mode=None, help="Defaults kept in the user config file: register, language, stale and due-soon days, password file, time zone.",
                         no_args_is_help=True)
app.add_typer(config_app, name="config", rich_help_panel=PANEL)

Key = Annotated[str, typer.Argument(metavar="KEY", help="db, lang, stale_days, due_soon_days, password_file or timezone.")]


@config_app.command()
def show(
    ctx: typer.Context,
    fmt: Annotated[TableOrJson, typer.Option("--format", "-f", help="table, or json for scripts.")] = TableOrJson.table,
) -> None:
    """Every setting, its effective value and where it came from (option, environment, config file, default)."""
    from riskreg.cli.settings import config_path, describe

    state = get_state(ctx)
    settings = {"file": str(config_path()), "settings": describe(db_option=state.db, lang_option=state.lang_option)}
    # Settings are shown as set, as `config path` prints its path: a register path is the user's own.
    if fmt is TableOrJson.json:
        from riskreg.render.plain import to_json

        write(lambda shown: [to_json(shown)], settings, unmasked=True)
    else:
        print_view(_settings_table, settings, unmasked=True)


def _settings_table(settings: dict) -> Any:
    from rich.table import Table
    from rich.text import Text

    from riskreg.escaping import visible

    table = Table(title=Text(visible(f"Config file: {settings['file']}"), style="table.title"), title_justify="left",
                  show_edge=False)
    for column in ("setting", "value", "from", "meaning"):
        table.add_column(column, overflow="fold")
    for row in settings["settings"]:
        table.add_row(Text(row["key"]), Text("—" if row["value"] is None else str(row["value"])), Text(row["source"]), Text(row["help"], style="dim"))
    return table


@config_app.command()
def path() -> None:
    """Print where the config file is (it need not exist)."""
    from riskreg.cli.settings import config_path

    typer.echo(str(config_path()))


@config_app.command("set")
def set_(key: Key, value: Annotated[str, typer.Argument(metavar="VALUE", help="The new value, e.g. en, 14, or a register path.")]) -> None:
    """Set one default in the config file (created if missing)."""
    from riskreg.cli.settings import set_value

    say(f"Set {key} in {set_value(key, value)}.")


@config_app.command()
def unset(key: Key) -> None:
    """Remove one setting from the config file, so its default applies again."""
    from riskreg.cli.settings import unset_value

    path, removed = unset_value(key)
    say(f"Removed {key} from {path}." if removed else f"{key} is not set in {path}; its default applies.")

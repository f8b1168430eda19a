"""Set-up: the config file of defaults (`riskreg config show|path|set|unset`)."""

from typing import Annotated, Any

import typer

from riskreg.cli.grouping import GroupedHelp
from riskreg.cli.options import TableOrJson
from riskreg.cli.output import print_view, say, write
from riskreg.cli.state import get_state
from riskreg.messages import N_, in_language

PANEL = "Set-up"
app = typer.Typer()
config_app = typer.Typer(cls=GroupedHelp, rich_markup_mode=None, help="Defaults kept in the user config file: register, language, stale and due-soon days, password file, time zone, where `send` delivers.",
                         no_args_is_help=True)
app.add_typer(config_app, name="config", rich_help_panel=PANEL)

Key = Annotated[str, typer.Argument(metavar="KEY", help="A setting: db, lang, stale_days, due_soon_days, password_file, timezone, or one of `send`'s (smtp_host, mail_to, dept_mail, webhook, …); `config show` lists them all.")]


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

    from riskreg.cli.settings import SECRET_KEYS, SOURCES
    from riskreg.messages import translate

    title = visible(N_("Config file: {file}", file=settings["file"]).translated())
    table = Table(title=Text(title, style="table.title"), title_justify="left", show_edge=False)
    for column in (N_("setting"), N_("value"), N_("from"), N_("meaning")):
        table.add_column(column.translated(), overflow="fold")
    for row in settings["settings"]:
        source = in_language(SOURCES.get(row["source"], row["source"]))
        value = "—" if row["value"] is None else str(row["value"])
        if row["key"] in SECRET_KEYS and row["value"] is not None:  # JSON keeps "(set)"; people read it in words
            value = N_("(set)").translated()
        table.add_row(Text(row["key"]), Text(value), Text(source),
                      Text(translate(row["help"]), style="dim"))
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

    say(N_("Set {key} in {path}.", key=key, path=set_value(key, value)))


@config_app.command()
def unset(key: Key) -> None:
    """Remove one setting from the config file, so its default applies again."""
    from riskreg.cli.settings import unset_value

    path, removed = unset_value(key)
    say(N_("Removed {key} from {path}.", key=key, path=path) if removed else
        N_("{key} is not set in {path}; its default applies.", key=key, path=path))

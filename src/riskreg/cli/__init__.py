"""The `riskreg` command: global options, the command groups, and error handling.

Commands parse their options, call one domain function and render the result.
Domain errors become one sentence on stderr and exit 1, here and only here.
Set RISKREG_DEBUG=1 to let them raise with a traceback instead.
"""

import os
import sys
from typing import Annotated, Any

import typer

from riskreg import __version__
from riskreg.cli.grouping import GroupedHelp, plain_words
from riskreg.cli.lazy import LazyCommands
from riskreg.cli.state import State
from riskreg.errors import RiskregError, RowsRefused
from riskreg.messages import N_


class _Group(GroupedHelp):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.commands = LazyCommands(__name__, COMMANDS, rich_markup_mode=self.rich_markup_mode)

    def main(self, args: Any = None, *rest: Any, **kwargs: Any) -> Any:
        from typer._click.exceptions import ClickException

        from riskreg.cli.language import early_lang, speak
        from riskreg.cli.usage import show_usage_error

        args = list(sys.argv[1:] if args is None else args)
        speak(self, early_lang(args))
        if not kwargs.get("standalone_mode", True):
            return super().main(args, *rest, **kwargs)
        try:  # as standalone_mode does, but with Click's usage errors in the language of the run
            done = super().main(args, *rest, **{**kwargs, "standalone_mode": False})
        except typer.Abort:
            typer.echo(N_("Aborted!").translated(), err=True)
            sys.exit(1)
        except ClickException as err:
            show_usage_error(err)
            sys.exit(err.exit_code)
        sys.exit(done if isinstance(done, int) else 0)

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except RiskregError as err:
            if os.environ.get("RISKREG_DEBUG"):
                raise
            _say(err)
            if isinstance(err, RowsRefused):
                _show_problems(ctx, err)
            raise typer.Exit(err.exit_code) from None
        except typer.BadParameter as err:
            err.message = plain_words(err.message)
            raise
        finally:
            if isinstance(ctx.obj, State):  # release the connection: one process may run many commands
                ctx.obj.close()


def _say(err: RiskregError) -> None:
    from riskreg.cli.output import say

    say(error_line(err), err=True)


def error_line(err: RiskregError) -> str:
    """`Error: …` in the language of the run: Click's own word for it, and the sentence the error carries."""
    return N_("Error: {message}", message=err.message).translated()


def _show_problems(ctx: Any, refused: RowsRefused) -> None:
    """The refused import's every problem, under its summary, in the --lang language and masked unless --unmasked."""
    from riskreg.cli.options import UNMASKED
    from riskreg.cli.output import show_problems

    lang = ctx.obj.lang if isinstance(ctx.obj, State) else "zh"
    show_problems(refused.problems, refused.noun, lang=lang, unmasked=ctx.meta.get(UNMASKED, False))


def _not_utf8(argv: list[str], environ: dict[str, str]) -> RiskregError | None:
    """The first argument or RISKREG_ variable that is not UTF-8, named.

    Bytes that are not UTF-8 (GBK typed in a UTF-8 terminal) reach Python as lone surrogates, which
    no database, file or terminal takes; refusing them here spares every command that check."""
    def quoted(text: str) -> str:
        return "'" + text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace") + "'"

    def bad(text: str) -> bool:
        return any("\udc80" <= ch <= "\udcff" for ch in text)

    for position, token in enumerate(argv):
        if bad(token):
            option, equals, value = token.partition("=")
            if token.startswith("--") and equals and not bad(option):
                name, token = option, value
            elif position and argv[position - 1].startswith("-") and not token.startswith("-"):
                name = argv[position - 1]
            else:
                name = N_("the argument")
            return RiskregError(N_("{name} {token} is not UTF-8 text; set a UTF-8 locale (e.g. LANG=zh_CN.UTF-8) "
                                   "in the terminal, or retype it.", name=name, token=quoted(token)))
    for name, value in sorted(environ.items()):
        if name.startswith("RISKREG_") and bad(value):
            return RiskregError(N_("{name} {value} is not UTF-8 text; set it again in a UTF-8 terminal.", name=name,
                                   value=quoted(value)))
    return None


# The modules of riskreg.cli whose `app` declares commands, and those commands, in the order the help page
# lists them: a run imports the one module it needs, and builds one command (riskreg.cli.lazy), where
# add_typer would import and build them all. tests/test_cli.py keeps this in step with the modules.
COMMANDS = {
    "setup": ("init", "catalogue"),
    "config": ("config",),
    "ledger": ("add", "assign", "note", "mitigate", "close", "consolidate", "reopen", "escalate"),
    "corrections": ("edit", "regrade"),
    "voiding": ("void", "unvoid"),
    "views": ("list", "show"),
    "desk": ("tui",),
    "reports": ("summary", "report", "trend"),
    "delivery": ("send",),
    "schedule": ("schedule",),
    "upkeep": ("check", "backup", "restore", "undo", "copy"),
    "transfer": ("export", "import"),
    "shell": ("shell",),
}
app = typer.Typer(
    cls=_Group,
    name="riskreg",
    help="Risk and responsibility register (风险责任清单台账): grade every risk, give it the four ones, check it off when verified.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"riskreg {__version__}")
        raise typer.Exit()


@app.callback()
def _global(
    ctx: typer.Context,
    db: Annotated[str | None, typer.Option("--db", help="Register file, or a PostgreSQL URL (postgresql+psycopg://…). Default: $RISKREG_DB, else the config file, else register.db in the user data folder.", show_default=False)] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Treat this day as today (YYYY-MM-DD, +Nd or -Nd); default $RISKREG_TODAY, else today.", show_default=False)] = None,
    actor: Annotated[str | None, typer.Option("--actor", help="Who is acting, for the history. Default: $RISKREG_ACTOR, else your login name.", show_default=False)] = None,
    lang: Annotated[str | None, typer.Option("--lang", envvar="RISKREG_LANG", help="Language of catalogue names, headers and report headings: zh or en. Default: $RISKREG_LANG, else the config file, else the locale (zh unless it is English).", show_default=False)] = None,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")] = False,
) -> None:
    from riskreg.cli.settings import Config, load_config, resolve_lang

    if lang is not None and lang not in ("zh", "en"):
        raise typer.BadParameter("use zh or en", param_hint="--lang")
    try:
        settings = load_config()
    except RiskregError:
        if ctx.invoked_subcommand != "config":  # `config` still works, so a broken file can be found and fixed
            raise
        settings = Config()
    from riskreg import messages

    ctx.obj = State(db=db, as_of=as_of, actor=actor, lang=resolve_lang(lang, settings), lang_option=lang, config=settings)
    messages.use(ctx.obj.lang)


def main() -> None:
    refused = _not_utf8(sys.argv[1:], dict(os.environ))
    if refused is not None:
        from riskreg import messages
        from riskreg.cli.language import early_lang

        messages.use(early_lang(sys.argv[1:]))
        _say(refused)
        raise SystemExit(refused.exit_code)
    app(prog_name="riskreg")

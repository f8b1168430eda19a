"""Click's own words in the language of the run: the usage line, the help hint and usage errors.

Typer carries its own copy of Click without gettext, so its usage errors are put into words here: each
English shape it prints is matched and said again through the catalogue (its values kept as they are).
The help page's words ("Options", "default:") come through gettext from Typer itself (riskreg.messages.use).
"""

import re
from collections.abc import Callable
from typing import Any

from typer._click.core import Context
from typer._click.formatting import HelpFormatter

from riskreg.messages import N_, Message, translate


class RiskregFormatter(HelpFormatter):
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, prefix if prefix is not None else N_("Usage:").translated() + " ")

    def write_dl(self, rows: Any, *args: Any, **kwargs: Any) -> None:
        """The rows of options and commands; --help's own is made as the page is written, so translated here."""
        super().write_dl([(term, translate(text)) for term, text in rows], *args, **kwargs)


class RiskregContext(Context):
    formatter_class = RiskregFormatter


def _said(msgid: str) -> Callable[[re.Match], str]:
    return lambda match: Message(msgid, **match.groupdict()).translated()


# Each shape Typer's Click prints, as a pattern over its English and the msgid to say it with.
_SHAPES = [(re.compile(pattern), _said(message.msgid)) for pattern, message in (
    (r"^No such option: (?P<name>\S+)", N_("No such option: {name}")),
    (r" \(Possible options: (?P<options>.*)\)$", N_(" (Possible options: {options})")),
    (r"^Missing argument (?P<name>.+?)\.", N_("Missing argument {name}.")),
    (r"^Missing option (?P<name>.+?)\.", N_("Missing option {name}.")),
    (r"^Missing parameter: (?P<name>.+)$", N_("Missing parameter: {name}")),
    (r"^Got unexpected extra arguments? \((?P<args>.*)\)$", N_("Got unexpected extra arguments ({args})")),
    (r"^Invalid value for (?P<name>.+?): ", N_("Invalid value for {name}: ")),
    (r"^Invalid value: ", N_("Invalid value: ")),
    (r"^Option (?P<name>'.*') does not take a value\.$", N_("Option {name} does not take a value.")),
    (r"^Option (?P<name>'.*') requires an argument\.$", N_("Option {name} requires a value.")),
    (r"^Option (?P<name>'.*') requires (?P<count>\d+) arguments\.$", N_("Option {name} requires {count} values.")),
    (r"not a whole number$", N_("not a whole number")),
    (r"must be (?P<count>\d+) or more$", N_("must be {count} or more")),
    (r"must be (?P<count>\d+) or less$", N_("must be {count} or less")),
    (r"'(?P<value>.*)' is not one of (?P<choices>.*)\.$", N_("'{value}' is not one of {choices}.")),
    (r"use zh or en$", N_("use zh or en")),
)]


def usage_words(message: str) -> str:
    """A usage error's message in the language of the run (English shapes this table lacks stay English)."""
    for pattern, said in _SHAPES:
        message = pattern.sub(said, message)
    return message


def show_usage_error(err: Any) -> None:
    """Click's UsageError.show, in words: the usage line, how to get help, and the error."""
    import typer
    from typer._click.exceptions import NoArgsIsHelpError

    if isinstance(err, NoArgsIsHelpError):  # the help itself, already in words
        err.show()
        return

    ctx = getattr(err, "ctx", None)
    if ctx is not None:
        hint = ""
        if ctx.command.get_help_option(ctx) is not None:
            hint = N_("Try '{command} {option}' for help.", command=ctx.command_path,
                      option=ctx.help_option_names[0]).translated() + "\n"
        typer.echo(f"{ctx.get_usage()}\n{hint}", err=True, color=ctx.color)
    typer.echo(N_("Error: {message}", message=usage_words(err.format_message())).translated(), err=True)

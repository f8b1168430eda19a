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

from riskreg.cli.wrapping import cells, wrap_text
from riskreg.messages import N_, Message, translate


class RiskregFormatter(HelpFormatter):
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, prefix if prefix is not None else N_("Usage:").translated() + " ")

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        self.write(wrap_text(text, self.width, indent, indent, preserve_paragraphs=True) + "\n")

    def write_dl(self, rows: Any, col_max: int = 30, col_spacing: int = 2) -> None:
        """The rows of options and commands, each text wrapped in cells beside its term (Click's layout); --help's
        own text is made as the page is written, so translated here."""
        rows = [(term, translate(text)) for term, text in rows]
        first_col = min(max((cells(term) for term, _ in rows), default=0), col_max) + col_spacing
        for term, text in rows:
            self.write(f"{'':>{self.current_indent}}{term}")
            if not text:
                self.write("\n")
                continue
            if cells(term) <= first_col - col_spacing:
                self.write(" " * (first_col - cells(term)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            lines = wrap_text(text, max(self.width - first_col - 2, 10), preserve_paragraphs=True).splitlines()
            self.write("".join(f"{'':>{first_col + self.current_indent}}{line}\n" if i else f"{line}\n"
                               for i, line in enumerate(lines)) or "\n")


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
    (r"^Got unexpected extra argument\(s\) \((?P<args>.*)\)$", N_("Got unexpected extra argument(s) ({args})")),
    (r"^Invalid value for (?P<name>.+?): ", N_("Invalid value for {name}: ")),
    (r"^Invalid value: ", N_("Invalid value: ")),
    (r"^Option (?P<name>'.*') does not take a value\.$", N_("Option {name} does not take a value.")),
    (r"^Option (?P<name>'.*') requires an argument\.$", N_("Option {name} requires a value.")),
    (r"^Option (?P<name>'.*') requires (?P<count>\d+) arguments\.$", N_("Option {name} requires {count} values.")),
    (r"not a whole number$", N_("not a whole number")),
    (r"must be (?P<count>\d+) or more$", N_("must be {count} or more")),
    (r"must be (?P<count>\d+) or less$", N_("must be {count} or less")),
    (r"'(?P<value>[^']*)' is not one of (?P<choices>.*)\.$", N_("'{value}' is not one of {choices}.")),
    # Typer's checks of a path option or argument (exists=, dir_okay=, file_okay=, readable=, writable=)
    (r"\bfile (?P<path>'.*') does not exist\.$", N_("file {path} does not exist.")),
    (r"\bdir (?P<path>'.*') does not exist\.$", N_("dir {path} does not exist.")),
    (r"\bpath (?P<path>'.*') does not exist\.$", N_("path {path} does not exist.")),
    (r"\bfile (?P<path>'.*') is a directory\.$", N_("file {path} is a directory.")),
    (r"\bdir (?P<path>'.*') is a file\.$", N_("dir {path} is a file.")),
    (r"\bfile (?P<path>'.*') is not readable\.$", N_("file {path} is not readable.")),
    (r"\bfile (?P<path>'.*') is not writable\.$", N_("file {path} is not writable.")),
    (r"use zh or en$", N_("use zh or en")),
    (r"。?\. Did you mean (?P<names>.*)\?$", N_(". Did you mean {names}?")),  # after a Chinese sentence, one stop
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

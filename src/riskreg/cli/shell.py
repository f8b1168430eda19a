"""`riskreg shell`: many commands, one start.

A coordinator entering a meeting's worth of items pays Python's and
SQLAlchemy's start-up once: every line runs the same Typer commands in this
process, on the one register (and engine) the shell opened. Lines are split
like a POSIX shell (quote titles with spaces). Readline gives line editing,
history for the session and Tab completion of commands and options; the
history is not written to disk, because typed text may carry the identity and
mobile numbers riskreg masks everywhere else.
"""

import cmd
import os
import shlex
import sys
from typing import Any

import typer

from riskreg.cli.grouping import plain_words
from riskreg.cli.state import State, get_state
from riskreg.cli.usage import show_usage_error
from riskreg.errors import RiskregError
from riskreg.messages import N_, Message

PANEL = "Daily work"
# What shlex says of a line it cannot split, in words a coordinator reads.
_SHLEX_WORDS = {"No closing quotation": N_("a quotation mark is not closed"),
                "No escaped character": N_("a backslash ends the line")}
GLOBAL_OPTIONS = ("--db", "--as-of", "--actor", "--lang")
app = typer.Typer()


@app.command(rich_help_panel=PANEL)
def shell(ctx: typer.Context) -> None:
    """Type commands without `riskreg` (add, list, show, …) on one open register; `exit` or Ctrl-D leaves.

    Global options (--db, --as-of, --actor, --lang) go before `shell` and hold for the session.
    Exits 1 if any command failed, so a script piped in can tell.
    """
    session = RegisterShell(get_state(ctx))
    session.cmdloop()
    if session.failures:
        raise typer.Exit(1)


class RegisterShell(cmd.Cmd):
    def __init__(self, state: State, stdin: Any = None, stdout: Any = None) -> None:
        super().__init__(stdin=stdin, stdout=stdout)
        from riskreg.cli import app as riskreg_app

        from riskreg.cli.language import speak

        self.group = typer.main.get_command(riskreg_app)
        speak(self.group, state.lang)
        self.state = state
        self.failures = 0
        interactive = stdin is None and sys.stdin.isatty()
        self.use_rawinput = stdin is None
        self.prompt = "riskreg> " if interactive else ""
        self.intro = N_("riskreg shell: type commands as after `riskreg` (`help` lists them, `help add` explains "
                        "one); `exit` or Ctrl-D leaves.").translated() if interactive else None

    def cmdloop(self, intro: str | None = None) -> None:
        while True:
            try:
                super().cmdloop(intro)
                return
            except KeyboardInterrupt:  # Ctrl-C drops the line (or stops the command), as in a shell
                self.stdout.write("^C\n")
                intro = ""

    def preloop(self) -> None:
        try:
            import readline
        except ImportError:  # no line editing on this platform
            return
        readline.set_completer_delims(" \t\n")  # so Tab sees `--st`, not `st`, and completes options

    # cmd.Cmd repeats the last command on an empty line; here that could add an entry twice.
    def emptyline(self) -> bool:
        return False

    def do_EOF(self, _: str) -> bool:
        if self.prompt:
            self.stdout.write("\n")
        return True

    def do_exit(self, _: str) -> bool:
        return True

    do_quit = do_exit

    def do_help(self, arg: str) -> None:
        self.run([*self.split(arg), "--help"] if arg.strip() else ["--help"])

    def default(self, line: str) -> None:
        args = self.split(line)
        if args[:1] == ["riskreg"]:  # typed from habit
            args = args[1:]
        if args and args[0] in GLOBAL_OPTIONS:
            self.fail(N_("global options (--db, --as-of, --actor, --lang) go before `shell` and hold for the session."))
        elif args[:1] == ["shell"]:  # a shell in the shell would hold the register twice and need two exits
            from riskreg.messages import Both
            from riskreg.vocabulary import WORDS

            self.fail(Both(*WORDS["shell.nested"]))
        elif args:
            self.run(args)

    def split(self, line: str) -> list[str]:
        try:
            return shlex.split(line)
        except ValueError as err:  # an unclosed quote
            self.fail(N_("cannot read that line ({reason}).", reason=_SHLEX_WORDS.get(str(err), str(err))))
            return []

    def run(self, args: list[str]) -> None:
        """One command, as `riskreg ARGS` would run it, on this shell's register."""
        root = self.group.context_class(self.group, info_name="riskreg", obj=self.state)  # its usage line in words
        try:
            with root:
                name, command, rest = self.group.resolve_command(root, args)
                with command.make_context(name, rest, parent=root) as ctx:
                    command.invoke(ctx)
        except RiskregError as err:
            if os.environ.get("RISKREG_DEBUG"):
                raise
            self.fail(err.message)
        except typer.Exit as done:
            if done.exit_code:
                self.failures += 1
        except typer.Abort:
            self.fail(N_("Aborted!"), prefix=False)
        except Exception as err:
            if not hasattr(err, "format_message"):  # Click's usage errors explain themselves
                raise
            if isinstance(err, typer.BadParameter):
                err.message = plain_words(err.message)
            show_usage_error(err)
            self.failures += 1

    def fail(self, message: Message, *, prefix: bool = True) -> None:
        """One sentence on stderr, `Error: …` unless `prefix` is False, in the language of the session."""
        from riskreg.cli.output import say

        say(N_("Error: {message}", message=message).translated() if prefix else message.translated(), err=True)
        self.failures += 1

    # Completion: command names first, then the options of the command on the line.
    def completenames(self, text: str, *_: Any) -> list[str]:
        return [name for name in [*self.group.list_commands(None), "exit", "help"] if name.startswith(text)]

    def completedefault(self, text: str, line: str, *_: Any) -> list[str]:
        words = line.split()
        command = self.group.commands.get(words[0]) if words else None
        if command is not None and hasattr(command, "commands"):  # a group: `catalogue show`
            if len(words) == 1 or (len(words) == 2 and not line.endswith(" ")):
                return [name for name in command.commands if name.startswith(text)]
            command = command.commands.get(words[1])
        if command is None:
            return []
        options = [opt for param in command.params for opt in getattr(param, "opts", []) if opt.startswith("--")]
        return [opt for opt in [*options, "--help"] if opt.startswith(text)]

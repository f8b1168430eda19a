"""Delivery: `riskreg schedule`, a crontab line (or systemd units) that works where cron runs.

Cron runs commands with PATH=/usr/bin:/bin and no terminal, so `riskreg` from a venv, pipx or `pip install
--user` is "not found" there. The line printed here names this very installation by absolute path (the
console script beside the running interpreter, else the interpreter with `-m riskreg`) and the register by
its absolute location, and logs to a file with the date of each run.
"""

import shlex
import sys
from pathlib import Path
from typing import Annotated

import typer

from riskreg.cli.state import get_state
from riskreg.errors import RiskregError
from riskreg.messages import N_

PANEL = "Reports"
app = typer.Typer()


@app.command(rich_help_panel=PANEL)
def schedule(
    ctx: typer.Context,
    job: Annotated[list[str] | None, typer.Argument(metavar="COMMAND", help="The riskreg command to run each day, after `--` (riskreg schedule -- report --format html --output FILE). Default: send.", show_default=False)] = None,
    at: Annotated[str, typer.Option("--at", metavar="HH:MM", help="The time of day it runs.")] = "06:30",
    systemd: Annotated[bool, typer.Option("--systemd", help="Print a systemd service and timer (for `systemctl --user`) instead of a crontab line.")] = False,
) -> None:
    """Print a crontab line that runs `riskreg send` (or another command) every day, with this installation's
    absolute path and the register's location, logging to a file in the user data folder (made if missing);
    `crontab -e` and paste it."""
    hour, minute = _time(at)
    job = job or ["send"]
    argv = [*_riskreg(), *job]
    environment = _environment(get_state(ctx))
    if systemd:
        typer.echo(_units(f"riskreg-{job[0]}", argv, environment, hour, minute), nl=False)
        return
    from riskreg.cli.output import make_folder

    make_folder(_data_folder(), private=False)  # cron's shell opens the log before riskreg runs
    log = _data_folder() / f"riskreg-{job[0]}.log"
    command = " ".join(shlex.quote(part) for part in argv)
    settings = "".join(f"{key}={shlex.quote(value)} " for key, value in environment.items())
    line = f"{minute} {hour} * * *  {{ date; {settings}{command}; }} >>{shlex.quote(str(log))} 2>&1"
    typer.echo("# m h dom mon dow  command   " + N_("(crontab -e; cron's PATH is /usr/bin:/bin, hence the absolute "
                                                    "paths)").translated())
    typer.echo(line.replace("%", "\\%"))  # cron ends a command at an unescaped %


def _time(at: str) -> tuple[int, int]:
    hour, colon, minute = at.partition(":")
    if colon and hour.isdigit() and minute.isdigit() and int(hour) < 24 and int(minute) < 60:
        return int(hour), int(minute)
    raise RiskregError(N_("--at {at!r} is not a time of day HH:MM (06:30).", at=at))


def _riskreg() -> list[str]:
    """This installation, by absolute path: its console script beside the interpreter, else `python -m`."""
    interpreter = Path(sys.executable).absolute()
    script = interpreter.with_name("riskreg")
    return [str(script)] if script.is_file() else [str(interpreter), "-m", "riskreg"]


# Set here, they decide where the config file and the reports are, and the language: cron must see the same.
_PASSED_ON = ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "RISKREG_LANG")


def _environment(state) -> dict[str, str]:
    """RISKREG_DB for the register as this command found it, made absolute (a URL only without a password:
    cron then finds it in the config file, never in the crontab), and the variables of _PASSED_ON that are set."""
    import os

    from riskreg.store.backends import is_url, shown_location

    location = state.location()
    passed = {name: os.environ[name] for name in _PASSED_ON if os.environ.get(name)}
    if not is_url(location):
        return {"RISKREG_DB": str(Path(location).expanduser().absolute()), **passed}
    return {"RISKREG_DB": location, **passed} if shown_location(location) == location else passed


def _data_folder() -> Path:
    from platformdirs import user_data_path

    return user_data_path("riskreg", appauthor=False)


def _units(name: str, argv: list[str], environment: dict[str, str], hour: int, minute: int) -> str:
    settings = "".join(f'Environment="{key}={value}"\n' for key, value in environment.items())
    command = " ".join(shlex.quote(part) for part in argv).replace("%", "%%")  # systemd expands % specifiers
    return (f"# ~/.config/systemd/user/{name}.service\n[Unit]\nDescription={name}, every day\n\n[Service]\nType=oneshot\n{settings}ExecStart={command}\n\n"
            f"# ~/.config/systemd/user/{name}.timer\n[Unit]\nDescription=Run {name} every day at "
            f"{hour:02d}:{minute:02d}\n\n[Timer]\nOnCalendar=*-*-* {hour:02d}:{minute:02d}:00\nPersistent=true\n\n"
            f"[Install]\nWantedBy=timers.target\n\n"
            f"# systemctl --user daemon-reload && systemctl --user enable --now {name}.timer\n"
            f"# (loginctl enable-linger $USER lets it run while you are logged out; the log: journalctl --user -u {name})\n")

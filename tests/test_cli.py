"""The command surface: help, version, usage errors, and the installed entry point."""

import importlib
import json
import os
import pkgutil
import subprocess

import pytest
import typer
from conftest import installed_riskreg

import riskreg.cli
from riskreg import __version__
from riskreg.cli import app
from riskreg.cli.lazy import declarations


def _commands(group, prefix=()):
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            yield from _commands(command, (*prefix, name))
        else:
            yield (*prefix, name), command


ALL_COMMANDS = sorted(path for path, _ in _commands(typer.main.get_command(app)))


@pytest.mark.pure
def test_every_command_has_help_text():
    for path, command in _commands(typer.main.get_command(app)):
        assert command.help and len(command.help) > 20, f"riskreg {' '.join(path)} has no help"
        for param in command.params:
            if param.name not in ("ctx", "help"):
                assert getattr(param, "help", None), f"riskreg {' '.join(path)}: {param.name} has no help"


@pytest.mark.pure
@pytest.mark.parametrize("path", ALL_COMMANDS, ids=" ".join)
def test_help_needs_no_register(cli, path):
    result = cli(*path, "--help", as_of=None)
    assert "用法: riskreg" in result.stdout  # Chinese first: the locale (C.UTF-8) asks for no English


@pytest.mark.pure
def test_help_groups_commands_the_way_a_coordinator_works(cli):
    out = cli("--lang", "en", "--help", as_of=None).stdout
    sections = [line.rstrip(":") for line in out.splitlines() if line.endswith(":") and not line.startswith(" ")]
    assert sections == ["Options", "Set-up", "Daily work", "Reports", "Upkeep"]
    daily = out.split("Daily work:")[1].split("Reports:")[0]
    assert all(f"  {name} " in daily for name in ("add", "assign", "close", "list", "show", "shell"))
    assert "  summary " in out.split("Reports:")[1].split("Upkeep:")[0]
    # the whole first paragraph, wrapped, not Click's first sentence cut at 45 characters
    assert "Prints its id alone, for `id=$(riskreg add …)`." in " ".join(out.split()) and "..." not in daily


@pytest.mark.pure
def test_a_run_builds_only_the_command_it_runs(capsys):
    """Typer's conversion of every signature was a third of `riskreg --help` (riskreg.cli.lazy)."""
    group = typer.main.get_command(app)
    with pytest.raises(SystemExit):
        group.main(["--lang", "en", "--help"], prog_name="riskreg")
    assert group.commands.built() == []
    with pytest.raises(SystemExit):
        group.main(["--lang", "en", "catalogue", "--help"], prog_name="riskreg")
    assert [command.name for command in group.commands.built()] == ["catalogue"]
    with pytest.raises(SystemExit):
        group.main(["--lang", "en", "lsit"], prog_name="riskreg")
    assert "Did you mean 'list'?" in capsys.readouterr().err


@pytest.mark.pure
def test_the_list_of_commands_is_each_modules_own():
    """riskreg.cli.COMMANDS says which module declares each command: a command missing from it is not on the
    command line, one listed under another module is not found."""
    declared = {}
    for module in pkgutil.iter_modules(riskreg.cli.__path__):
        app_of = getattr(importlib.import_module(f"riskreg.cli.{module.name}"), "app", None)
        if isinstance(app_of, typer.Typer) and module.name != "__init__":
            declared[module.name] = tuple(declarations(app_of))
    assert declared == riskreg.cli.COMMANDS


@pytest.mark.pure
def test_completion_offers_every_command(monkeypatch, capsys):
    monkeypatch.setenv("_RISKREG_COMPLETE", "complete_bash")
    monkeypatch.setenv("COMP_WORDS", "riskreg re")
    monkeypatch.setenv("COMP_CWORD", "1")
    with pytest.raises(SystemExit):
        typer.main.get_command(app).main([], prog_name="riskreg")
    assert capsys.readouterr().out.split() == ["reopen", "regrade", "report", "restore"]


@pytest.mark.pure
def test_version(cli):
    assert cli("--version", as_of=None).stdout == f"riskreg {__version__}\n"


@pytest.mark.parametrize("argv", [["add"], ["show", "abc"], ["list", "--format", "xml"], ["frobnicate"],
                                  ["show", "0"], ["--lang", "fr", "summary"]])
def test_usage_errors_exit_2(cli, register, argv):
    cli(*argv, code=2)


def test_missing_register_says_how_to_create_one(cli):
    result = cli("list", code=1)
    assert "riskreg init" in result.stderr


def test_bad_as_of_is_a_user_error(cli, register):
    assert "not a date" in cli("list", as_of="2026-02-30", code=1).stderr


def test_debug_switch_shows_the_traceback(cli, register, monkeypatch):
    monkeypatch.setenv("RISKREG_DEBUG", "1")
    result = cli.runner.invoke(app, ["show", "42"])
    assert result.exit_code == 1 and type(result.exception).__name__ == "NotFound"


@pytest.mark.sqlite_only  # its own register file; one run is enough
def test_installed_entry_point_main_path(tmp_path):
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "RISKREG_DB": str(tmp_path / "r.db"),
           "RISKREG_ACTOR": "cron"}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([*installed_riskreg(), "--as-of", "2026-07-01", *args], env=env, capture_output=True,
                              text=True, stdin=subprocess.DEVNULL, timeout=60)

    assert run("init").returncode == 0
    added = run("add", "H02", "--title", "东村后山滑坡隐患", "--unit", "东村", "--due", "2026-06-30")
    assert added.returncode == 0 and added.stdout.strip() == "1"
    out = tmp_path / "nightly.json"
    nightly = run("report", "--format", "json", "--output", str(out), "--fail-on-overdue")
    assert nightly.returncode == 3 and nightly.stdout == ""
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["totals"]["overdue"] == 1 and report["overdue"][0]["title"] == "东村后山滑坡隐患"
    summary = run("summary")
    assert summary.returncode == 0 and "应急管理办" in summary.stdout and "\x1b" not in summary.stdout
    failed = run("close", "1", "--verified-by", "x", "--resolution", "y", "--on", "2020-01-01")
    assert failed.returncode == 1 and failed.stderr.startswith("错误：") and "Traceback" not in failed.stderr


@pytest.mark.parametrize("argv, message", [
    (["show", "abc"], "Invalid value for 'ID': not a whole number"),
    (["show", "0"], "Invalid value for 'ID': must be 1 or more"),
    (["list", "--format", "xml"], "Invalid value for '--format' / '-f': 'xml' is not one of 'table', 'json', 'csv'."),
    (["trend", "--days", "99999"], "Invalid value for '--days': must be 3660 or less"),
])
def test_usage_errors_are_put_in_plain_words(cli, register, argv, message):
    stderr = cli(*argv, code=2).stderr
    assert message in stderr and "Input should" not in stderr and "Value error" not in stderr

"""Every test gets its own register file and environment; none can touch a real register."""

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from riskreg.cli import app

AS_OF = "2026-07-01"


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db = tmp_path / "register.db"
    for name in ("RISKREG_DB", "RISKREG_TODAY", "RISKREG_ACTOR", "RISKREG_LANG", "RISKREG_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("RISKREG_DB", str(db))
    monkeypatch.setenv("RISKREG_ACTOR", "tester")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("COLUMNS", "200")  # wide enough that table cells are never folded in assertions
    return db


class Cli:
    """Runs riskreg in-process the way a user would type it."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, code: int = 0, as_of: str | None = AS_OF, stdin: str | None = None):
        argv = (["--as-of", as_of] if as_of else []) + [str(a) for a in args]
        result = self.runner.invoke(app, argv, input=stdin)
        if result.exit_code != code:
            raise AssertionError(
                f"riskreg {' '.join(argv)} exited {result.exit_code}, expected {code}\n"
                f"stdout: {result.stdout}\nstderr: {result.stderr}\nexception: {result.exception!r}"
            )
        if code == 1:  # a user error is exactly one sentence on stderr, never a traceback
            assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1, result.stderr
            assert "Traceback" not in result.stdout + result.stderr
        return result

    def json(self, *args: str, **kwargs) -> object:
        return json.loads(self(*args, **kwargs).stdout)

    def add(self, risk: str = "S03", title: str = "某工地拖欠农民工工资", unit: str = "东村", *extra: str, **kwargs) -> int:
        return int(self("add", risk, "--title", title, "--unit", unit, *extra, **kwargs).stdout)


@pytest.fixture
def cli() -> Cli:
    return Cli()


@pytest.fixture
def register(cli: Cli, isolated_env: Path) -> Path:
    cli("init")
    return isolated_env


@pytest.fixture
def snapshot(isolated_env: Path) -> Callable[[], bytes]:
    """The register's exact bytes, to prove a failed command wrote nothing."""
    return lambda: isolated_env.read_bytes()

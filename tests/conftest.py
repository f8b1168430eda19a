"""Every test gets its own register and environment; none can touch a real register.

With RISKREG_TEST_PG_URL set (an SQLAlchemy URL of a scratch PostgreSQL
database), every test that may touch a register runs twice: on a SQLite file and
in a schema of its own on PostgreSQL. Tests about SQLite files themselves are
marked `sqlite_only`; tests that touch no register at all (pure functions,
parsing, help text) are marked `pure` and run once.
"""

import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from riskreg.cli import app

AS_OF = "2026-07-01"
PG_URL = os.environ.get("RISKREG_TEST_PG_URL")
BACKENDS = ["sqlite", "postgresql"] if PG_URL else ["sqlite"]

# The documented status table (register-semantics.md, "Statuses and what may happen to them"): which action each
# status allows. Tests compare the code against it, at the CLI and in the domain; it is not read from the code.
DOC_ALLOWED = {
    "open": {"assign", "note", "mitigate", "close", "escalate", "edit", "regrade", "void"},
    "mitigated": {"assign", "note", "mitigate", "close", "escalate", "edit", "regrade", "void"},
    "closed": {"note", "consolidate", "reopen", "edit", "void"},
    "consolidated": {"note", "reopen", "edit", "void"},
    "voided": {"unvoid"},
}


# Fixtures that open a register: a `pure` test asking for one would silently lose its PostgreSQL run.
REGISTER_FIXTURES = {"register", "snapshot", "pg_admin", "domain_register"}


def pytest_generate_tests(metafunc):
    """Repeat a test on every backend, unless it is `pure` (its register-free `backend` is then "sqlite")."""
    if "backend" not in metafunc.fixturenames:
        return
    if metafunc.definition.get_closest_marker("pure"):
        used = REGISTER_FIXTURES.intersection(metafunc.fixturenames)
        if used:
            raise pytest.UsageError(f"{metafunc.definition.nodeid} is marked pure but uses {', '.join(sorted(used))}")
        return
    metafunc.parametrize("backend", BACKENDS, indirect=True)


def pytest_collection_modifyitems(config, items):
    """Run each test only on the backends it is about: deselected, not skipped (they run on the other one).

    Without RISKREG_TEST_PG_URL, PostgreSQL-only tests are deselected; .ci/run always sets it.
    """
    keep, drop = [], []
    for item in items:
        on_pg = bool(getattr(item, "callspec", None) and item.callspec.params.get("backend") == "postgresql")
        if item.get_closest_marker("sqlite_only" if on_pg else "postgresql_only"):
            drop.append(item)
        else:
            keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def unavailable(reason: str) -> None:
    """A test that cannot run here: skipped on a developer's machine, a failure in CI (.ci/run sets CI)."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must run this test", pytrace=False)
    pytest.skip(reason)


class PgRegister:
    """A register in a scratch schema: the same questions a test asks of a register file."""

    def __init__(self, admin, schema: str) -> None:
        self.admin, self.schema = admin, schema
        self.url = f"{PG_URL}{'&' if '?' in PG_URL else '?'}options=-csearch_path%3D{schema}"

    def __str__(self) -> str:
        return self.url

    def exists(self) -> bool:
        return bool(self.admin.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = %s",
                                       (self.schema,)).fetchone()[0])

    def read_bytes(self) -> bytes:
        """Every row of every table, in key order: equal bytes mean nothing was written."""
        tables = [t for (t,) in self.admin.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s ORDER BY 1", (self.schema,))]
        dump = [(t, self.admin.execute(f'SELECT * FROM "{self.schema}"."{t}" ORDER BY 1').fetchall()) for t in tables]
        return repr(dump).encode()


@pytest.fixture(scope="session")
def pg_admin():
    import psycopg

    try:
        conn = psycopg.connect(PG_URL.replace("postgresql+psycopg://", "postgresql://"), autocommit=True)
    except psycopg.OperationalError as err:
        pytest.fail(f"RISKREG_TEST_PG_URL is set but PostgreSQL is unreachable: {err}", pytrace=False)
    yield conn
    conn.close()


@pytest.fixture
def backend(request) -> str:
    return getattr(request, "param", "sqlite")  # not parametrized: a pure test, which opens no register


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, backend: str, request):
    if backend == "postgresql":
        admin = request.getfixturevalue("pg_admin")
        schema = f"t_{uuid.uuid4().hex[:16]}"
        admin.execute(f"CREATE SCHEMA {schema}")
        db = PgRegister(admin, schema)
        request.addfinalizer(lambda: admin.execute(f"DROP SCHEMA {schema} CASCADE"))
    else:
        db = tmp_path / "register.db"
    for name in ("RISKREG_DB", "RISKREG_TODAY", "RISKREG_ACTOR", "RISKREG_LANG", "RISKREG_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("RISKREG_DB", str(db))
    monkeypatch.setenv("RISKREG_ACTOR", "tester")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("COLUMNS", "200")  # wide enough that table cells are never folded in assertions
    return db


def is_user_error(stderr: str) -> bool:
    """One sentence, "Error: …" (or "错误：…"); under it only the table of problems of an import that refused rows."""
    first, _, table = stderr.partition("\n")
    return (first.startswith(("Error: ", "错误：")) and stderr.endswith("\n")
            and (not table or first.endswith(("; nothing imported.", "；一条也没有导入。"))))


def problem_lines(stderr: str) -> list[str]:
    """A refused import's problem table as plain text (stderr is no terminal here), each line's runs of padding
    read as one space."""
    return [" ".join(line.split()) for line in stderr.splitlines()[1:]]


def sheet_file(path: Path, rows: list[list]) -> Path:
    """A sheet as a village sends it: an .xlsx workbook, or CSV as UTF-8, by the name's suffix."""
    if path.suffix == ".csv":
        with path.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(rows)
        return path
    from openpyxl import Workbook

    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    return path


class Cli:
    """Runs riskreg in-process the way a user would type it."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, code: int = 0, as_of: str | None = AS_OF, stdin: str | None = None):
        """A command expected to fail (`code` not 0) runs in English unless it gives --lang: tests quote its
        sentence as the code writes it (the msgid); tests/test_messages.py holds the Chinese to each."""
        argv = (["--as-of", as_of] if as_of else []) + [str(a) for a in args]
        if code and "--lang" not in argv:
            argv = ["--lang", "en", *argv]
        result = self.runner.invoke(app, argv, input=stdin)
        if result.exit_code != code:
            raise AssertionError(
                f"riskreg {' '.join(argv)} exited {result.exit_code}, expected {code}\n"
                f"stdout: {result.stdout}\nstderr: {result.stderr}\nexception: {result.exception!r}"
            )
        if code == 1:  # a user error is exactly one sentence on stderr, never a traceback
            assert is_user_error(result.stderr), result.stderr
            assert "Traceback" not in result.stdout + result.stderr
        return result

    def json(self, *args: str, **kwargs) -> object:
        return json.loads(self(*args, **kwargs).stdout)

    def add(self, risk: str = "S03", title: str = "某工地拖欠农民工工资", unit: str = "东村", *extra: str, **kwargs) -> int:
        """A new entry; --force, as tests add the same one many times (tests/test_words.py tests the refusal)."""
        return int(self("add", risk, "--title", title, "--unit", unit, "--force", *extra, **kwargs).stdout)


@pytest.fixture
def cli() -> Cli:
    return Cli()


@pytest.fixture
def register(cli: Cli, isolated_env: Path) -> Path:
    cli("init")
    return isolated_env


@pytest.fixture
def snapshot(isolated_env) -> Callable[[], bytes]:
    """The register's exact bytes (on PostgreSQL, every row), to prove a failed command wrote nothing."""
    return lambda: isolated_env.read_bytes()


class Domain:
    """The test's register opened as riskreg.store opens it, driven through the domain functions (no CLI)."""

    def __init__(self, register) -> None:
        self.register = register

    def write(self, action: Callable, *args, today: str = AS_OF, **kwargs):
        """One write command: `action(session, stamp, *args)` in one transaction, as of `today`."""
        from riskreg.domain.ledger import Stamp

        with self.register.session(write=True) as session:
            return action(session, Stamp(actor="tester", today=date.fromisoformat(today)), *args, **kwargs)

    def read(self, query: Callable, *args, today: str = AS_OF, **kwargs):
        """One read: `query(session, flags, *args)` as of `today`; a stream is read whole."""
        from riskreg.domain.queries import Flags

        with self.register.session() as session:
            result = query(session, Flags(date.fromisoformat(today)), *args, **kwargs)
            return result if isinstance(result, dict | list) else list(result)


@pytest.fixture(scope="session")
def bundled_catalogue():
    from riskreg.domain.catalogue import bundled_catalogue_path, load_catalogue

    return load_catalogue(bundled_catalogue_path())


def _new_register(location, catalogue):
    """A register with `catalogue`, made by the store and domain functions `init` calls."""
    from riskreg.domain.catalogue_sync import apply_catalogue
    from riskreg.store.register import create_schema, open_register

    register = open_register(str(location), create=True)
    create_schema(register)
    with register.session(write=True) as session:
        apply_catalogue(session, catalogue)
    return register


@pytest.fixture(scope="session")
def catalogued_file(tmp_path_factory, bundled_catalogue) -> Path:
    """A new SQLite register with the bundled catalogue, made once: each test copies it."""
    path = tmp_path_factory.mktemp("catalogued") / "register.db"
    _new_register(path, bundled_catalogue).engine.dispose()
    return path


@pytest.fixture
def domain_register(isolated_env, request):
    """A new register with the bundled catalogue (on SQLite a copy of one made once), for domain tests."""
    if isinstance(isolated_env, Path):
        shutil.copyfile(request.getfixturevalue("catalogued_file"), isolated_env)
        from riskreg.store.register import open_register

        register = open_register(str(isolated_env))
    else:
        register = _new_register(isolated_env, request.getfixturevalue("bundled_catalogue"))
    yield Domain(register)
    register.engine.dispose()


@pytest.fixture(scope="session")
def built_files(tmp_path_factory) -> dict:
    """SQLite registers built once per session, by the function that built them (see built_once)."""
    return {"folder": tmp_path_factory.mktemp("built")}


def built_once(request, build: Callable[[Domain], None]) -> Domain:
    """domain_register after `build(domain)`. On SQLite it is built once per session and copied for each
    test, so a register of known entries costs one file copy; on PostgreSQL each test builds its own."""
    domain, location = request.getfixturevalue("domain_register"), request.getfixturevalue("isolated_env")
    if not isinstance(location, Path):
        build(domain)
        return domain
    files = request.getfixturevalue("built_files")
    domain.register.engine.dispose()  # no connection holds the file while it is copied
    if build in files:
        shutil.copyfile(files[build], location)
    else:
        build(domain)
        domain.register.engine.dispose()
        files[build] = files["folder"] / f"{len(files)}.db"
        shutil.copyfile(location, files[build])
    return domain


def copy_register(source, target) -> None:
    """Make `target` hold what `source` holds, whatever the backends (a file copy, or `riskreg copy`)."""
    if isinstance(source, Path):
        if isinstance(target, Path):
            shutil.copyfile(source, target)
            return
        # Opening a register may upgrade it in place: never open the caller's file (it may be a fixture).
        scratch = Path(tempfile.mkdtemp()) / source.name
        shutil.copyfile(source, scratch)
        source = scratch
    done = subprocess.run([sys.executable, "-m", "riskreg", "--db", str(source), "copy", "--to", str(target)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


# Runs riskreg's CLI in-process many times, so a worker costs one interpreter start, not one per command.
_WORKER = r"""
import json, sys
from typer.testing import CliRunner
from riskreg.cli import app
runner, results = CliRunner(), []
for argv in json.loads(sys.argv[1]):
    result = runner.invoke(app, argv)
    results.append([result.exit_code, result.stdout, result.stderr])
print(json.dumps(results))
"""


def fill_in(source: Path, target: Path, edits: dict[int, dict[str, object]], new_rows: list[dict] = ()) -> Path:
    """The workbook a department sends back: its cells changed by heading (a row found by its 编号), new rows
    added at the end; the rest of the workbook (instructions, drop-downs) as it came."""
    from openpyxl import load_workbook

    workbook = load_workbook(source)
    sheet = workbook.worksheets[0]
    headers = {cell.value: cell.column for cell in sheet[1]}
    rows = {sheet.cell(row, 1).value: row for row in range(2, sheet.max_row + 1)}
    for entry_id, cells in edits.items():
        for heading, value in cells.items():
            sheet.cell(rows[entry_id], headers[heading]).value = value
    for new in new_rows:
        sheet.append([new.get(heading) for heading in headers])
    workbook.save(target)
    return target


def installed_riskreg() -> list[str]:
    """The installed console script beside this interpreter: the entry point users and cron jobs run."""
    script = Path(sys.executable).with_name("riskreg")
    if script.exists():
        return [str(script)]
    found = shutil.which("riskreg")
    return [found] if found else [sys.executable, "-m", "riskreg"]


def spawn_workers(env: dict, jobs: list[list[list[str]]]) -> list[subprocess.Popen]:
    """One process per job; each runs its command lines in order."""
    return [subprocess.Popen([sys.executable, "-c", _WORKER, json.dumps(job)], env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for job in jobs]


def worker_results(process: subprocess.Popen) -> list:
    """[exit code, stdout, stderr] of each command the worker ran."""
    stdout, stderr = process.communicate(timeout=900)
    assert process.returncode == 0, stderr
    return json.loads(stdout)


# Runs one riskreg command with riskreg.store.hooks.pause replaced: the first time the command reaches MOMENT it
# touches FLAG and sleeps, so a test can widen a race window or kill the process at a known point.
_HELD = r"""
import sys, time
from pathlib import Path
import riskreg.store.hooks
moment, flag, seconds = sys.argv[1], Path(sys.argv[2]), float(sys.argv[3])
def pause(at):
    if at == moment and not flag.exists():
        flag.touch()
        time.sleep(seconds)
riskreg.store.hooks.pause = pause
from riskreg.cli import main
sys.argv = ["riskreg", *sys.argv[4:]]
main()
"""


def start_held(env: dict, argv: list[str], *, moment: str, flag: Path, seconds: float = 30) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", _HELD, moment, str(flag), str(seconds), *map(str, argv)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for(flag: Path, process: subprocess.Popen, timeout: float = 30) -> None:
    """Until `process` has reached its pause."""
    deadline = time.monotonic() + timeout
    while not flag.exists():
        assert process.poll() is None, f"it ended before the pause: {process.communicate()}"
        assert time.monotonic() < deadline, "it never reached the pause"
        time.sleep(0.02)

"""Run the golden scenario and turn what each command did into one text record.

A record holds the command line, its exit code, stdout, stderr and the files it
was asked to write, as text a reviewer can read and `diff` can compare:
workbooks as their cells (values, number formats, styles, merged ranges), not
their zip bytes; carriage returns and other control characters made visible;
a missing final newline or a byte-order mark said in words. Then `normalisers`
replace the few things that differ from run to run.

The commands run in-process (Typer's CliRunner, as tests/conftest.py's `Cli`)
in a fresh folder that is also the working directory, so paths in messages are
the relative ones the scenario typed; the environment is pinned by
`golden_environment`.
"""

import contextlib
import io
import os
import re
import shlex
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from typer.testing import CliRunner

from riskreg import __version__
from riskreg.cli import app

AS_OF = "2026-07-01"
SQLITE_MAGIC = b"SQLite format 3\x00"
ZIP_MAGIC = b"PK\x03\x04"
_TMP = "/tmp" if os.path.isdir("/tmp") else None

# What riskreg reads from the environment, pinned; None removes a variable the caller's shell may have set.
PINNED_ENV: dict[str, str | None] = {
    "RISKREG_DB": "register.db",  # relative to the working folder, so messages name it the same on every machine
    "RISKREG_ACTOR": "golden",
    "RISKREG_LANG": "zh",
    "RISKREG_TODAY": None,  # every command gets its --as-of from the scenario
    "RISKREG_DEBUG": None,
    "RISKREG_BUSY_TIMEOUT": None,
    "COLUMNS": "120",  # the width Rich and Click lay out tables and help for
    "LINES": None,
    "TZ": "CST-8",  # China Standard Time, written as a POSIX rule so it needs no tz database
    "LC_ALL": "C.UTF-8",
    "TERM": "dumb",
    "NO_COLOR": None,
    "FORCE_COLOR": None,
    "TTY_COMPATIBLE": None,
    "TTY_INTERACTIVE": None,
    "COLORTERM": None,
    "JUPYTER_COLUMNS": None,
    "JUPYTER_LINES": None,
}


@dataclass(frozen=True)
class Step:
    """One command of the scenario; `name` names its expected file."""

    name: str
    argv: tuple[str, ...]
    as_of: str | None = AS_OF
    stdin: str | None = None
    files: tuple[str, ...] = ()  # files (relative to the work folder) the command writes, captured after it
    installed: bool = False  # also run through the installed `riskreg` entry point, which must say the same
    before: Callable[[Path], None] | None = None  # done to the work folder first, as a user outside riskreg might

    @property
    def command_line(self) -> list[str]:
        return (["--as-of", self.as_of] if self.as_of else []) + list(self.argv)


def step(name: str, *argv: str, as_of: str | None = AS_OF, stdin: str | None = None, files: tuple[str, ...] = (),
         installed: bool = False, before: Callable[[Path], None] | None = None) -> Step:
    return Step(name, tuple(argv), as_of, stdin, files, installed, before)


# --- normalisation: only what legitimately differs between runs ------------------------------------------------

def normalisers(work: Path) -> list[tuple[str, re.Pattern[str], str]]:
    """(name, pattern, replacement), applied in order to every record."""
    return [
        # History events store the wall-clock UTC time (`at`) beside the effective date: show --format json,
        # export jsonl. (Events imported from the scenario's jsonl keep its fixed times; they match too.)
        ("wall_clock_iso", re.compile(r"\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z"), "YYYY-MM-DDThh:mm:ss.ffffffZ"),
        # The same `at`, as the history table of `show` prints it (same width, so columns stay aligned).
        ("wall_clock_table", re.compile(r"\b\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\b"), "YYYY-MM-DD hh:mm:ss"),
        # Each history hash covers its `at`, so hashes, and the chain head shown with them, differ each run.
        ("history_hash", re.compile(r"\b[0-9a-f]{64}\b"), "<sha256>"),
        # `restore` keeps the replaced register under a name made unique by the wall clock (whatever follows
        # `before-restore-`, up to the end of the word or sentence).
        ("restore_kept_name", re.compile(r"before-restore-\S*?(?=\.?(\s|$))"), "before-restore-<UNIQUE>"),
        # The scenario's temporary folder, where an absolute path is printed (the config file's location).
        ("work_folder", re.compile(re.escape(str(work))), "<WORK>"),
        # The version string changes with every release, not with behaviour.
        ("version", re.compile(r"(?<![\w.])" + re.escape(__version__) + r"(?![\w.])"), "<VERSION>"),
    ]


def normalise(text: str, work: Path) -> str:
    for _, pattern, replacement in normalisers(work):
        text = pattern.sub(replacement, text)
    return text


# --- rendering what a command did as text ----------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _visible(text: str) -> str:
    """Carriage returns and control characters shown, so the record is plain lines and a diff shows them."""
    return _CONTROL.sub(lambda m: "␍" if m.group() == "\r" else f"\\x{ord(m.group()):02x}", text)


def _section(title: str, data: bytes) -> str:
    if not data:
        return f"--- {title}: empty\n"
    if data.startswith(ZIP_MAGIC):
        return f"--- {title}: an xlsx workbook, cell by cell\n{workbook_text(data)}"
    if data.startswith(SQLITE_MAGIC):
        return f"--- {title}: a SQLite database\n"
    notes = []
    text = data.decode("utf-8", errors="backslashreplace")
    if text.startswith("\ufeff"):
        notes.append("starts with a UTF-8 byte-order mark")
        text = text[1:]
    if not text.endswith("\n"):
        notes.append("no newline at the end")
        text += "\n"
    return f"--- {title}" + (f" ({'; '.join(notes)})" if notes else "") + f"\n{_visible(text)}"


def workbook_text(data: bytes) -> str:
    """Every sheet's layout and every non-empty cell: value, type, number format and style."""
    from openpyxl import load_workbook

    lines = []
    for sheet in load_workbook(io.BytesIO(data)).worksheets:
        lines.append(f"sheet {sheet.title!r}: dimensions {sheet.dimensions}, freeze panes {sheet.freeze_panes}, "
                     f"autofilter {sheet.auto_filter.ref}")
        lines.append("merged: " + (", ".join(sorted(str(r) for r in sheet.merged_cells.ranges)) or "none"))
        widths = [f"{key}={dim.width:g}" for key, dim in sorted(sheet.column_dimensions.items()) if dim.width]
        lines.append("column widths: " + (" ".join(widths) or "default"))
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is not None:
                    lines.append(f"{cell.coordinate} {cell.value!r}{_cell_style(cell)}")
    return _visible("\n".join(lines) + "\n")


def _cell_style(cell) -> str:
    style = ["live formula"] if cell.data_type == "f" else []
    if cell.number_format != "General":
        style.append(f"format {cell.number_format}")
    if cell.font.b:
        style.append("bold")
    if cell.font.color is not None and cell.font.color.type == "rgb":
        style.append(f"colour {cell.font.color.rgb}")
    if cell.fill.fill_type:
        style.append(f"fill {cell.fill.fill_type} {cell.fill.fgColor.rgb}")
    if cell.alignment.wrap_text:
        style.append("wrapped")
    return "  [" + ", ".join(style) + "]" if style else ""


def record(step: Step, exit_code: int, stdout: bytes, stderr: bytes, work: Path) -> str:
    parts = [f"$ riskreg {shlex.join(step.command_line)}\n"]
    if step.stdin is not None:
        parts.append(_section("stdin", step.stdin.encode()))
    parts.append(f"--- exit code {exit_code}\n")
    parts.append(_section("stdout", stdout))
    parts.append(_section("stderr", stderr))
    for name in step.files:
        path = work / name
        if not path.exists():
            parts.append(f"--- file {name}: absent\n")
            continue
        parts.append(_section(f"file {name}, mode {path.stat().st_mode & 0o777:o}", path.read_bytes()))
    return normalise("".join(parts), work)


# --- running ---------------------------------------------------------------------------------------------------

@contextlib.contextmanager
def golden_environment(work: Path) -> Iterator[None]:
    """The pinned environment, `work` as the working folder, umask 022; everything restored afterwards."""
    pinned = {**PINNED_ENV, "XDG_CONFIG_HOME": str(work / "xdg-config"), "XDG_DATA_HOME": str(work / "xdg-data")}
    saved_env = {name: os.environ.get(name) for name in pinned}
    saved_cwd, saved_umask = os.getcwd(), os.umask(0o022)
    try:
        _set_env(pinned)
        time.tzset()
        os.chdir(work)
        yield
    finally:
        os.chdir(saved_cwd)
        os.umask(saved_umask)
        _set_env(saved_env)
        time.tzset()


def _set_env(values: dict[str, str | None]) -> None:
    for name, value in values.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def run_in_process(runner: CliRunner, step: Step, work: Path) -> str:
    result = runner.invoke(app, step.command_line, input=step.stdin)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"{step.name}: riskreg raised {result.exception!r}") from result.exception
    return record(step, result.exit_code, result.stdout_bytes, result.stderr_bytes, work)


def installed_entry_point() -> Path:
    script = Path(sys.executable).with_name("riskreg")
    if not script.exists():
        raise AssertionError(f"no installed riskreg beside {sys.executable}; run `pip install -e .` first")
    return script


def run_installed(step: Step, work: Path) -> str:
    done = subprocess.run([str(installed_entry_point()), *step.command_line], input=(step.stdin or "").encode(),
                          capture_output=True, cwd=work, env=dict(os.environ), timeout=60)
    return record(step, done.returncode, done.stdout, done.stderr, work)


@dataclass
class Run:
    records: dict[str, str]  # step name -> record, in scenario order
    installed: dict[str, str]  # step name -> record of the same command through the installed entry point


def run_scenario(steps: list[Step], make_inputs) -> Run:
    """Every step in order on one fresh register, in a temporary folder removed afterwards."""
    runner = CliRunner()
    records: dict[str, str] = {}
    installed: dict[str, str] = {}
    # Under /tmp, not $TMPDIR: the config file's absolute path is printed, and Rich pads a line to the table's
    # width around it, so the folder's path must be as long on every machine for the padding to match.
    with tempfile.TemporaryDirectory(prefix="riskreg-golden-", dir=_TMP) as folder:
        work = Path(folder)
        make_inputs(work)
        with golden_environment(work):
            for current in steps:
                if current.before is not None:
                    current.before(work)
                records[current.name] = run_in_process(runner, current, work)
                if current.installed:
                    installed[current.name] = run_installed(current, work)
    return Run(records, installed)

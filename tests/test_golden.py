"""Golden outputs: what every command prints and writes, byte for byte, before and after a restructure.

tests/golden/scenario.py builds a register at fixed dates and runs every
command in every format; each command's record (command line, exit code,
stdout, stderr, files written) must equal tests/golden/expected/NAME.txt.
Only what differs from run to run is normalised (tests/golden/capture.py,
`normalisers`). When a change of behaviour is intended, rewrite the expected
files and review their diff (the scenario runs twice, and nothing is written
unless both runs agree):

    python tests/test_golden.py --regenerate

Run without arguments, the script compares and prints every difference.
"""

import argparse
import difflib
import sys
from pathlib import Path

import pytest

from golden.capture import Run, run_scenario  # tests/ is on sys.path under pytest and as a script alike
from golden.scenario import STEPS, make_inputs

EXPECTED = Path(__file__).parent / "golden" / "expected"
# Help, usage errors, tables and workbooks are drawn by these; the versions that drew the records are kept
# beside them, so a failure after an upgrade says so.
RENDERING_LIBRARIES = ("typer", "rich", "openpyxl")  # typer carries its own Click
LIBRARIES = EXPECTED / "LIBRARIES"

pytestmark = pytest.mark.sqlite_only  # one scenario on one register file; the backends are compared elsewhere


def expected_path(name: str) -> Path:
    return EXPECTED / f"{name}.txt"


def difference(name: str, actual: str) -> str | None:
    """A unified diff from the expected file to `actual`, or None when they are equal byte for byte."""
    path = expected_path(name)
    if not path.exists():
        return f"{path} is missing; run `python tests/test_golden.py --regenerate`.\n"
    expected = path.read_bytes().decode("utf-8")
    if expected == actual:
        return None
    return "".join(difflib.unified_diff(expected.splitlines(keepends=True), actual.splitlines(keepends=True),
                                        f"expected/{name}.txt", f"actual/{name}.txt"))


@pytest.fixture(scope="module")
def golden_run() -> Run:
    return run_scenario(STEPS, make_inputs)


@pytest.mark.parametrize("name", [s.name for s in STEPS])
def test_command_output_is_unchanged(golden_run, name):
    diff = difference(name, golden_run.records[name])
    if diff:
        pytest.fail(f"riskreg output changed for step {name!r}:\n{diff}{library_note()}", pytrace=False)


def test_every_expected_file_has_a_step():
    stale = sorted({p.stem for p in EXPECTED.glob("*.txt")} - {s.name for s in STEPS})
    assert not stale, f"expected files without a step (regenerate to remove them): {stale}"


def test_step_names_are_unique():
    names = [s.name for s in STEPS]
    assert len(names) == len(set(names)), sorted({n for n in names if names.count(n) > 1})


def test_installed_entry_point_agrees(golden_run):
    """The same command through the installed `riskreg` script (a real process, real pipes) says the same."""
    assert golden_run.installed, "the scenario marks no step to run through the installed entry point"
    for name, record in golden_run.installed.items():
        assert record == golden_run.records[name], "".join(difflib.unified_diff(
            golden_run.records[name].splitlines(keepends=True), record.splitlines(keepends=True),
            f"in-process/{name}", f"installed/{name}"))


def library_versions() -> str:
    from importlib.metadata import version

    return "".join(f"{name} {version(name)}\n" for name in RENDERING_LIBRARIES)


def library_note() -> str:
    recorded = LIBRARIES.read_text(encoding="utf-8") if LIBRARIES.exists() else ""
    if recorded == library_versions():
        return ""
    return (f"\nNote: the records were made with {recorded.strip().replace(chr(10), ', ')}; this run has "
            f"{library_versions().strip().replace(chr(10), ', ')}. If only their rendering moved, regenerate.")


def regenerate(run: Run) -> None:
    EXPECTED.mkdir(parents=True, exist_ok=True)
    for stale in EXPECTED.glob("*.txt"):
        stale.unlink()
    for name, record in run.records.items():
        expected_path(name).write_bytes(record.encode("utf-8"))
    LIBRARIES.write_text(library_versions(), encoding="utf-8")


def unstable(first: Run, second: Run) -> list[str]:
    """Diffs of the records two runs disagree on: output the normalisers do not yet cover."""
    return ["".join(difflib.unified_diff(first.records[name].splitlines(keepends=True),
                                         second.records[name].splitlines(keepends=True),
                                         f"run-1/{name}", f"run-2/{name}"))
            for name in first.records if first.records[name] != second.records[name]]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--regenerate", action="store_true",
                        help="run the scenario twice and, if both runs agree, rewrite tests/golden/expected")
    args = parser.parse_args()
    run = run_scenario(STEPS, make_inputs)
    if args.regenerate:
        differing = unstable(run, run_scenario(STEPS, make_inputs))
        if differing:
            sys.stdout.writelines(differing)
            print(f"{len(differing)} records differ between two runs; nothing written. Normalise what varies "
                  "(tests/golden/capture.py, normalisers) and regenerate again.")
            return 1
        regenerate(run)
        print(f"Both runs agree; wrote {len(run.records)} expected files to {EXPECTED}.")
        return 0
    diffs = [diff for name, record in run.records.items() if (diff := difference(name, record))]
    sys.stdout.writelines(diffs)
    print(f"{len(run.records) - len(diffs)} of {len(run.records)} commands unchanged.")
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())

"""The layers hold: import-linter checks pyproject.toml's contracts (docs/ARCHITECTURE.md)."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.pure  # about the code, not a register: once is enough


def _lint_imports(root: Path, *contract: str) -> subprocess.CompletedProcess:
    lint = shutil.which("lint-imports")
    assert lint, "import-linter is in the test extras: pip install '.[test]'"
    return subprocess.run([lint, "--no-cache", *contract], cwd=root, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(root / "src")})


def test_imports_only_go_down_the_layers():
    done = _lint_imports(ROOT)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]


@pytest.mark.parametrize("module, imported, contract", [
    ("store/copying.py", "riskreg.domain.ledger", "layers"),  # the store reaches up
    ("domain/ledger.py", "riskreg.cli.output", "layers"),  # the domain talks to people
    ("render/tables.py", "riskreg.domain.queries", "plain-renderers"),  # a renderer queries
    ("cli/views.py", "riskreg.masking", "mask-once"),  # a command masks by hand
    ("render/tables.py", "riskreg.masking", "mask-once"),
])
def test_an_arrow_against_the_layers_fails(tmp_path, module, imported, contract):
    """A lazy import inside a function, as riskreg writes its heavy ones, counts like one at the top."""
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    shutil.copytree(ROOT / "src" / "riskreg", tmp_path / "src" / "riskreg", ignore=shutil.ignore_patterns("__pycache__"))
    with (tmp_path / "src" / "riskreg" / module).open("a", encoding="utf-8") as source:
        source.write(f"\n\ndef _against_the_layers():\n    import {imported}\n\n    return {imported}\n")
    done = _lint_imports(tmp_path, "--contract", contract)
    assert done.returncode != 0, done.stdout
    assert f"riskreg.{module[:-3].replace('/', '.')} -> {imported}" in done.stdout

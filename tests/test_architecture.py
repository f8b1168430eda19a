"""The layers hold: import-linter checks pyproject.toml's contracts (docs/ARCHITECTURE.md)."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.pure  # about the code, not a register
def test_imports_only_go_down_the_layers():
    lint = shutil.which("lint-imports")
    assert lint, "import-linter is in the test extras: pip install '.[test]'"
    done = subprocess.run([lint, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]

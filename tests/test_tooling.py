"""Lint, types and spelling run as part of the test command."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from dsot.equations import project_root

ROOT = project_root()


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=False)


def test_ruff_lint():
    result = run(sys.executable, "-m", "ruff", "check", "dsot", "tests", "chapters")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format():
    result = run(sys.executable, "-m", "ruff", "format", "--check", "dsot", "tests")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_on_the_package():
    result = run(sys.executable, "-m", "mypy")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.skipif(shutil.which("codespell") is None and not (ROOT / ".venv").exists(), reason="codespell not installed")
def test_spelling():
    result = run(sys.executable, "-m", "codespell_lib", "dsot", "tests", "README.md", "index.qmd", "chapters", "data/parameters")
    assert result.returncode == 0, result.stdout + result.stderr

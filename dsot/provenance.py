"""Provenance of every result: which code, inputs, case and date produced it.

A provenance record holds

``dsot_version``
    the package version;
``git_commit``
    the commit of the working tree (``-dirty`` appended when tracked files were edited),
    or ``unknown`` outside a git clone;
``parameter_set``, ``parameter_hash``
    the reading of the report (``printed`` or ``study``) and a SHA-256 (12 hex digits) of
    every parameter file as loaded for that set, so an override or an edited CSV changes it;
``overrides``
    the input overrides in force (``dsot.overrides``), empty for the shipped data;
``case_id``, ``case_hash``
    the case the results come from and a SHA-256 of its files (empty when none);
``date``, ``date_source``
    ``$SOURCE_DATE_EPOCH`` when set (reproducible builds), else the commit's date, else
    today's date: equal inputs give byte-identical provenance files.

Command-line outputs carry it as a JSON sidecar (:func:`sidecar_path`); chapters end with
:func:`dsot.book.provenance_note`.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import dsot
from dsot.params import ParameterSet, data_dir, data_version, load_parameters

PROVENANCE_FIELDS = (
    "dsot_version",
    "git_commit",
    "parameter_set",
    "parameter_hash",
    "overrides",
    "case_id",
    "case_hash",
    "date",
    "date_source",
)
HASH_DIGITS = 12


def _git(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def _source_root() -> Path:
    return Path(__file__).resolve().parents[1]


def git_commit(root: Path | None = None) -> str:
    """The commit of the source tree, ``-dirty`` when tracked files differ from it, or ``unknown``."""
    base = root or _source_root()
    commit = _git(base, "rev-parse", "HEAD")
    if not commit:
        return "unknown"
    dirty = _git(base, "status", "--porcelain", "--untracked-files=no")
    return f"{commit}-dirty" if dirty else commit


def build_date(root: Path | None = None) -> tuple[str, str]:
    """The date to record and where it came from: ``SOURCE_DATE_EPOCH``, ``commit`` or ``today``."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), tz=UTC).date().isoformat(), "SOURCE_DATE_EPOCH"
        except (ValueError, OverflowError) as exc:
            raise ValueError(f"$SOURCE_DATE_EPOCH={epoch!r} is not a number of seconds since 1970") from exc
    committed = _git(root or _source_root(), "log", "-1", "--format=%cI")
    if committed:
        return datetime.fromisoformat(committed).astimezone(UTC).date().isoformat(), "commit"
    return date.today().isoformat(), "today"


def parameter_hash(parameter_set: ParameterSet, data: Path | None = None) -> str:
    """SHA-256 (12 hex digits) of every ``data/parameters`` file as loaded for ``parameter_set``."""
    root = data or data_dir()
    return _parameter_hash(parameter_set, root, data_version(root))


@cache
def _parameter_hash(parameter_set: ParameterSet, root: Path, _version: object) -> str:
    digest = hashlib.sha256()
    for path in sorted((root / "parameters").glob("*.csv")):
        frame = load_parameters(path.stem, parameter_set, data=root)
        digest.update(path.stem.encode())
        digest.update(frame.to_csv(index=False, lineterminator="\n").encode())
    return digest.hexdigest()[:HASH_DIGITS]


def directory_hash(path: Path) -> str:
    """SHA-256 (12 hex digits) of a directory's files: their relative paths and bytes, in sorted order."""
    files = sorted(p for p in Path(path).rglob("*") if p.is_file())
    stamp = tuple((p.as_posix(), p.stat().st_size, p.stat().st_mtime_ns) for p in files)
    return _directory_hash(Path(path), stamp)


@cache
def _directory_hash(root: Path, stamp: tuple[tuple[str, int, int], ...]) -> str:
    digest = hashlib.sha256()
    for name, _, _ in stamp:
        path = Path(name)
        digest.update(path.relative_to(root).as_posix().encode())
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()[:HASH_DIGITS]


def provenance(parameter_set: ParameterSet, case: Any = None, data: Path | None = None) -> dict[str, Any]:
    """The provenance record of results computed with ``parameter_set`` (and ``case``, if any).

    ``case`` is a :class:`dsot.cases.Case` (its ``metadata.case_id`` and directory are used).
    """
    from dsot.overrides import applied

    root = data or data_dir()
    when, source = build_date()
    return {
        "dsot_version": dsot.__version__,
        "git_commit": git_commit(),
        "parameter_set": parameter_set,
        "parameter_hash": parameter_hash(parameter_set, root),
        "overrides": applied(root),
        "case_id": case.metadata.case_id if case is not None else "",
        "case_hash": directory_hash(case.path) if case is not None else "",
        "date": when,
        "date_source": source,
    }


def provenance_json(record: dict[str, Any]) -> str:
    """The record as stable JSON (fields in :data:`PROVENANCE_FIELDS` order, newline-terminated)."""
    return json.dumps({k: record[k] for k in PROVENANCE_FIELDS}, indent=2, ensure_ascii=False) + "\n"


def sidecar_path(output: Path) -> Path:
    """Where the provenance of a single output file goes: ``audit.csv`` -> ``audit.provenance.json``."""
    output = Path(output)
    return output.with_name(f"{output.stem}.provenance.json")


def write_provenance(path: Path, record: dict[str, Any]) -> Path:
    """Write a provenance record as JSON, atomically."""
    from dsot.io import atomic_write_text

    return atomic_write_text(path, provenance_json(record))


def provenance_rows(record: dict[str, Any]) -> list[tuple[str, str]]:
    """The record as (field, text) pairs, for a workbook sheet or a table."""
    rows = []
    for key in PROVENANCE_FIELDS:
        value = record[key]
        if key == "overrides":
            value = "; ".join(f"{o['name']}={o['value']}" for o in value) if value else "none"
        rows.append((key, str(value)))
    return rows

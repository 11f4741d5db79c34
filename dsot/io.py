"""Deterministic, atomic file output.

Every file the package writes goes through these helpers: the content is written to a
temporary file in the destination directory and moved into place with ``os.replace``,
so a reader never sees a half-written file and an interrupted run leaves the old file.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd


def atomic_write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` (UTF-8, newline line endings) to ``path`` atomically."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def atomic_write_csv(frame: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write a data frame as CSV (no index, newline line endings) atomically."""
    return atomic_write_text(path, frame.to_csv(index=False, lineterminator="\n"))

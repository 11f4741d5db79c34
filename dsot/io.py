"""Deterministic, atomic file output.

Every file the package writes goes through these helpers: the content is written to a
temporary file in the destination directory and moved into place with ``os.replace``,
so a reader never sees a half-written file and an interrupted run leaves the old file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pandas as pd


def _readable(path: str) -> None:
    """Give a temporary file the permissions a normal ``open`` would (``mkstemp`` makes it private)."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)


@contextmanager
def _atomic_target(path: str | os.PathLike[str]) -> Iterator[str]:
    """Yield a temporary file beside ``path``; move it into place if the block succeeds, else remove it."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        yield tmp
        _readable(tmp)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` (UTF-8, newline line endings) to ``path`` atomically."""
    with _atomic_target(path) as tmp, open(tmp, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    return Path(path)


def atomic_write_csv(frame: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write a data frame as CSV (no index, newline line endings) atomically."""
    return atomic_write_text(path, frame.to_csv(index=False, lineterminator="\n"))


def atomic_write_parquet(frame: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write a data frame as Parquet atomically and deterministically (no index, no writer metadata)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(frame, preserve_index=False).replace_schema_metadata(None)
    with _atomic_target(path) as tmp:
        pq.write_table(table, tmp, compression="zstd", write_statistics=True, store_schema=False)
    return Path(path)


XLSX_CREATED = datetime(2016, 1, 1)
"""The creation date written into workbooks: fixed (the study year), so equal content gives equal bytes."""


def atomic_write_xlsx(sheets: Mapping[str, pd.DataFrame], path: str | os.PathLike[str]) -> Path:
    """Write data frames as the sheets of one Excel workbook, atomically and deterministically.

    Sheet names must be at most 31 characters (Excel's limit); XlsxWriter stamps the zip
    members with a fixed date, and the document's creation date is :data:`XLSX_CREATED`.
    """
    long = [name for name in sheets if len(name) > 31]
    if long:
        raise ValueError(f"Excel sheet names are limited to 31 characters: {long}")
    with _atomic_target(path) as tmp, open(tmp, "wb") as handle:
        with pd.ExcelWriter(handle, engine="xlsxwriter") as writer:
            writer.book.set_properties({"created": XLSX_CREATED})
            for name, frame in sheets.items():
                frame.to_excel(writer, sheet_name=name, index=False)
    return Path(path)

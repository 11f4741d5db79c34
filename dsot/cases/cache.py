"""The default demonstration case, generated on first use into a cache directory and reused.

The cache lives in ``$DSOT_CACHE_DIR`` if set, else in the user cache directory
(``~/.cache/dsot`` on Linux).  Each generated pair of cases sits in a directory named by
the generator version, the size, the seed and a digest of every input file the generator
reads, so changing an assumption in ``data/`` regenerates it and nothing stale is reused.
The pair is written to a temporary directory and renamed into place when complete.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

import platformdirs

from dsot.cases.eight_node import CASE_NAMES, GENERATOR_VERSION, load_inputs, make_eight_node
from dsot.cases.metadata import CaseKind
from dsot.cases.reader import Case, read_case
from dsot.params import data_dir

SIZE_VARIABLE = "DSOT_CUSTOMERS_PER_DSO"
"""Environment variable choosing the size of the book's demonstration case."""

INPUT_FILES = (
    "parameters/eight_node.csv",
    "parameters/eight_node_dsos.csv",
    "parameters/eight_node_fleet.csv",
    "parameters/wholesale.csv",
    "published/table_15_bilateral_prices.csv",
    "cases/tables.csv",
    "cases/columns.csv",
)
"""Files under ``data/`` whose contents select the cached case."""


def cache_dir() -> Path:
    """Where generated cases are kept: ``$DSOT_CACHE_DIR`` or the user cache directory."""
    configured = os.environ.get("DSOT_CACHE_DIR")
    return Path(configured) if configured else Path(platformdirs.user_cache_dir("dsot"))


def inputs_digest(data: Path | None = None) -> str:
    """SHA-256 (first 12 hex digits) of the generator's input files."""
    root = data or data_dir()
    digest = hashlib.sha256()
    for name in INPUT_FILES:
        digest.update(name.encode())
        digest.update((root / name).read_bytes())
    return digest.hexdigest()[:12]


def case_key(customers_per_dso: int, seed: int, data: Path | None = None) -> str:
    """Directory name of a generated pair in the cache."""
    return f"eight-node-v{GENERATOR_VERSION}-n{customers_per_dso}-s{seed}-{inputs_digest(data)}"


def default_case_dir(customers_per_dso: int | None = None, seed: int | None = None, data: Path | None = None) -> Path:
    """The cached directory holding both demonstration cases, generated if absent.

    The size is ``customers_per_dso``, else ``$DSOT_CUSTOMERS_PER_DSO`` (set by
    ``dsot report --customers-per-dso``), else ``customers_per_dso`` in eight_node.csv.
    """
    inputs = load_inputs(data)
    configured = os.environ.get(SIZE_VARIABLE)
    n = int(customers_per_dso or configured or inputs.value("customers_per_dso"))
    s = int(inputs.value("seed") if seed is None else seed)
    root = cache_dir()
    target = root / case_key(n, s, data)
    if all((target / name / "case.yaml").is_file() for name in CASE_NAMES.values()):
        return target
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".generating-", dir=root))
    try:
        make_eight_node(staging, n, s, data)
        if target.exists():  # an interrupted earlier run
            shutil.rmtree(target)
        try:
            os.replace(staging, target)
        except OSError:  # another process finished first: keep its copy
            shutil.rmtree(staging, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def default_case(kind: CaseKind = "bau", customers_per_dso: int | None = None, seed: int | None = None) -> Case:
    """A validated demonstration case (``bau`` or ``transactive-batteries``) from the cache."""
    return read_case(default_case_dir(customers_per_dso, seed) / CASE_NAMES[kind])

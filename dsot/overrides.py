"""Assumption overrides: change any input parameter and regenerate everything downstream.

An analyst names a parameter of ``data/symbols.csv`` and a new value, on the command line
(``--set capacity_price=91`` or ``--set "capacity_price=91 USD/kW-yr"``) or in a YAML file
(``--overrides FILE``)::

    capacity_price: 91                  # in the parameter's declared unit
    reserve_fraction:
      value: 10
      unit: pct                          # checked against the declared unit
      where: {service: spinning}         # only rows whose key columns match
      parameter_set: study               # only this set's rows (default: every row)

The overrides are applied to a copy of the data directory, and ``DSOT_DATA_DIR`` points
there while the work runs (:func:`overridden_data`).  Every loader reads through
``DSOT_DATA_DIR`` and every cache keys on the data's fingerprint, so whatever depends on
the changed input is recomputed, and nothing else changes; chapters executed by
``dsot report`` inherit the variable.  The copy records what was changed in
``overrides.yaml``.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from dsot.params import PARAMETER_SETS, ParameterError, data_dir, parameter_specs

RECORD = "overrides.yaml"
"""File in an overridden data directory listing the overrides applied."""


class OverrideError(ParameterError):
    """An override names an unknown parameter, a wrong unit, an unknown key or a value out of bounds."""


@dataclass(frozen=True)
class Override:
    """A new value for every row of one parameter (optionally only rows matching ``where`` and ``parameter_set``)."""

    name: str
    value: str
    unit: str | None = None
    where: Mapping[str, str] = field(default_factory=dict)
    parameter_set: str | None = None


_SET = re.compile(r"^\s*(?P<name>\w+)\s*(\[(?P<where>[^\]]*)\])?\s*=\s*(?P<value>[^\s]+)\s*(?P<unit>\S.*)?$")


def parse_set(text: str) -> Override:
    """Parse ``name=value``, ``name=value unit`` or ``name[key=value,...]=value [unit]``.

    >>> parse_set("capacity_price=91 USD/kW-yr")
    Override(name='capacity_price', value='91', unit='USD/kW-yr', where={}, parameter_set=None)
    >>> parse_set("hourly_wage[category=Billing Labor, dso_type=suburban]=16.5").where
    {'category': 'Billing Labor', 'dso_type': 'suburban'}
    """
    match = _SET.match(text)
    if match is None:
        raise OverrideError(f"--set {text!r}: expected name=value, name=value unit, or name[key=value,...]=value")
    where: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in (match["where"] or "").split(","))):
        key, sep, value = part.partition("=")
        if not sep:
            raise OverrideError(f"--set {text!r}: {part!r} in [...] must be key=value")
        where[key.strip()] = value.strip()
    return Override(match["name"], match["value"], (match["unit"] or "").strip() or None, where)


def load_overrides(path: str | Path) -> list[Override]:
    """Read a YAML overrides file (see the module documentation for its form)."""
    source = Path(path)
    try:
        content = yaml.safe_load(source.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise OverrideError(f"{source}: cannot read the overrides ({exc})") from None
    if not isinstance(content, dict):
        raise OverrideError(f"{source}: expected a mapping of parameter names to values")
    out = []
    for name, spec in content.items():
        if isinstance(spec, dict):
            unknown = set(spec) - {"value", "unit", "where", "parameter_set"}
            if unknown or "value" not in spec:
                raise OverrideError(
                    f"{source}, {name}: give value (and optionally unit, where, parameter_set); got {sorted(spec)}"
                )
            where = {str(k): str(v) for k, v in (spec.get("where") or {}).items()}
            out.append(Override(str(name), str(spec["value"]), spec.get("unit"), where, spec.get("parameter_set")))
        else:
            out.append(Override(str(name), str(spec)))
    return out


def _files_by_parameter(root: Path) -> dict[str, list[Path]]:
    by_name: dict[str, list[Path]] = {}
    for path in sorted((root / "parameters").glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                files = by_name.setdefault(row["parameter"], [])
                if path not in files:
                    files.append(path)
    return by_name


def _check(override: Override, root: Path, by_name: dict[str, list[Path]]) -> None:
    specs = parameter_specs(root)
    if override.name not in by_name:
        valid = ", ".join(sorted(n for n in by_name if n in specs))
        raise OverrideError(f"unknown parameter {override.name!r}; valid names: {valid}")
    spec = specs[override.name]
    if override.unit is not None and override.unit != spec.unit:
        raise OverrideError(f"{override.name} is in {spec.unit!r}, not {override.unit!r}; give the value in {spec.unit}")
    if override.parameter_set is not None and override.parameter_set not in PARAMETER_SETS:
        raise OverrideError(
            f"{override.name}: unknown parameter set {override.parameter_set!r}; use one of {', '.join(PARAMETER_SETS)}"
        )
    if spec.unit != "-":
        try:
            value = float(override.value)
        except ValueError:
            raise OverrideError(f"{override.name}: {override.value!r} is not a number") from None
        low, high = spec.minimum, spec.maximum
        if (low is not None and value < low) or (high is not None and value > high):
            raise OverrideError(f"{override.name}: {value:g} {spec.unit} is outside [{low:g}, {high:g}] (data/symbols.csv)")


def _apply(override: Override, path: Path) -> int:
    """Rewrite the matching rows of one parameter file; return how many changed."""
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        fields = list(reader.fieldnames or [])
        rows = list(reader)
    unknown = set(override.where) - set(fields)
    if unknown:
        raise OverrideError(f"{override.name}: {path.name} has no key column {sorted(unknown)}; its columns are {fields}")
    changed = 0
    for row in rows:
        if row["parameter"] != override.name:
            continue
        if any(row[k] not in (v, "all") for k, v in override.where.items()):
            continue
        if override.parameter_set is not None and row.get("parameter_set", "all") not in (override.parameter_set, "all"):
            continue
        row["value"] = override.value
        row["source"] = f"override ({row['source']})"
        changed += 1
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return changed


def apply_overrides(overrides: Sequence[Override], target: Path, source: Path | None = None) -> Path:
    """Copy the data directory to ``target`` with the overrides applied; return ``target``.

    Raises :class:`OverrideError` for an unknown name (listing the valid ones), a unit
    other than the declared one, a value outside the declared bounds, or an override
    that matches no row.
    """
    root = source or data_dir()
    shutil.copytree(root, target, dirs_exist_ok=True)
    by_name = _files_by_parameter(target)
    record: list[dict[str, Any]] = []
    for override in overrides:
        _check(override, target, by_name)
        changed = sum(_apply(override, path) for path in by_name[override.name])
        if changed == 0:
            raise OverrideError(
                f"{override.name}: no row matches where={dict(override.where)} parameter_set={override.parameter_set}"
            )
        record.append({"name": override.name, "value": override.value, "where": dict(override.where), "rows": changed})
    (target / RECORD).write_text(yaml.safe_dump(record, sort_keys=False), encoding="utf-8")
    return target


def applied(data: Path | None = None) -> list[dict[str, Any]]:
    """The overrides recorded in a data directory (empty for the repository's own data)."""
    record = (data or data_dir()) / RECORD
    return list(yaml.safe_load(record.read_text(encoding="utf-8")) or []) if record.exists() else []


@contextmanager
def overridden_data(overrides: Sequence[Override]) -> Iterator[Path | None]:
    """Run a block with ``DSOT_DATA_DIR`` pointing at a copy of the data with the overrides applied.

    With no overrides the block runs on the data as it is (yields ``None``).
    """
    if not overrides:
        yield None
        return
    previous = os.environ.get("DSOT_DATA_DIR")
    with tempfile.TemporaryDirectory(prefix="dsot-data-") as tmp:
        path = apply_overrides(overrides, Path(tmp) / "data")
        os.environ["DSOT_DATA_DIR"] = str(path)
        try:
            yield path
        finally:
            if previous is None:
                os.environ.pop("DSOT_DATA_DIR", None)
            else:
                os.environ["DSOT_DATA_DIR"] = previous

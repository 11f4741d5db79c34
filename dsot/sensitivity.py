r"""One-at-a-time sensitivity of the valuation to its market and financing assumptions.

The report fixes the assumptions that move the transactive case's value most: the
capacity price :math:`C_w` = 75 USD/kW-yr, against the 91 USD/kW-yr that the full cost of
new peaking capacity would give, and the price-quantity sensitivity factor :math:`SF` = 5
of Eq. 12, where Figure 8 implies about 4 and Bowring (2013) about 8.4 (Section 3.3.1.3).
Its conclusions (Section 7) ask for capacity price scenarios.  This module varies such
inputs one at a time between a low and a high level and records what happens to chosen
results (*measures*):

* :func:`dso1_measure`: DSO #1's required revenue in BAU and in the battery case and the
  difference, from the Table 21 inputs (:func:`dsot.cfs.dso.table21`);
* :func:`system_cost_measure`: the total annual cost of the power system (Section 2.2) of
  the demonstration case, BAU and batteries, and the difference.

The levels live in ``data/parameters/sensitivity.csv``.  Each row sets one input at one
level of one factor: the row's parameter is ``sensitivity_<name>`` where ``<name>`` is the
input (a parameter of ``data/symbols.csv``, in the same unit); ``where`` (``key=value``
pairs joined by ``;``) restricts it to rows with those key values, as an override does.
A level may set several inputs (an ownership mix sets a share per owner type); the first
row of a level gives its *headline* value, shown in tables and charts.

Every level is computed from the data with the level's inputs changed, through
:func:`dsot.overrides.overridden_data`: nothing is scaled by hand.  One exception, for a
documented reason: DSO #1's battery-case peak (``peak_demand`` of
``dso_cases.csv``, a simulation result recorded as a case input) cannot be addressed by an
override, because ``dso_examples.csv`` also holds ``peak_demand`` without a ``case``
column and :mod:`dsot.overrides` refuses a key that a file lacks.  It is substituted in
the case scalars that the DSO #1 measure reads (:data:`CASE_SCALARS`); measures that do
not read those scalars refuse such a factor.

Levels whose inputs equal the data share one run (the base case), so each distinct run
is computed once.  Results are kept in the cache directory (``$DSOT_CACHE_DIR``, see
:mod:`dsot.cases.cache`) under a digest of everything they depend on: the package's
source, the files under ``data/``, the cases and the run's settings
(:func:`run_digest`).  Executing the chapter again with nothing changed reads them back;
any change computes them afresh.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, Literal, get_args

import numpy as np
import pandas as pd

import dsot
from dsot import customers as cust
from dsot import engine
from dsot import system as sysmod
from dsot.cases.cache import cache_dir
from dsot.cases.reader import Case
from dsot.cfs import dso as cfs
from dsot.io import atomic_write_text
from dsot.overrides import Override, overridden_data
from dsot.params import (
    PARAMETER_COLUMNS,
    ParameterError,
    ParameterSet,
    data_dir,
    data_version,
    load_parameters,
    parameter_specs,
    read_csv_strict,
)
from dsot.provenance import directory_hash
from dsot.valuation import Valuation, value_case

Level = Literal["low", "base", "high"]
LEVELS: tuple[Level, ...] = get_args(Level)
"""The levels of every factor, in the order they are reported."""

FILE = "sensitivity"
"""``data/parameters/sensitivity.csv``: the levels of every factor."""
PREFIX = "sensitivity_"
"""A row's parameter is this prefix followed by the name of the input it sets."""
KEY_COLUMNS = ("factor", "label", "level", "where")
"""Columns of ``sensitivity.csv`` besides those of every parameter file."""

CASE_SCALARS = {"peak_demand": "peak_mw"}
"""Inputs of ``dso_cases.csv`` set in the DSO case itself (module notes): input -> :class:`~dsot.cfs.dso.DSOCase` field."""
CASE_KEYS = frozenset({"dso", "case"})

OUTPUTS = {
    "dso1_revenue_bau_kusd": "DSO #1 required revenue, BAU",
    "dso1_revenue_batteries_kusd": "DSO #1 required revenue, batteries",
    "dso1_saving_kusd": "DSO #1 saving (BAU minus batteries)",
    "system_cost_bau_kusd": "System cost, BAU",
    "system_cost_batteries_kusd": "System cost, batteries",
    "system_saving_kusd": "System cost saving (BAU minus batteries)",
}
"""Every output of the measures of this module and its label; all are in $K/yr."""

CaseScalars = Mapping[tuple[str, str], Mapping[str, float]]
"""(DSO, case) -> DSO case field -> value, e.g. ``{("DSO #1", "battery"): {"peak_mw": 21944.52}}``."""


@dataclass(frozen=True)
class Setting:
    """One input set at one level of a factor (one row of ``sensitivity.csv``)."""

    parameter: str
    """The input: a parameter of ``data/symbols.csv``."""
    value: str
    """Its value at this level, as written, in the input's declared unit."""
    unit: str
    where: tuple[tuple[str, str], ...]
    """(key column, value) pairs of the rows it sets (empty: every row of the input)."""
    source: str
    row: int
    """Row of ``sensitivity.csv`` (from 1, after the header)."""

    @property
    def keys(self) -> dict[str, str]:
        """``where`` as a mapping."""
        return dict(self.where)

    @property
    def case_scalar(self) -> bool:
        """Whether the setting is applied to a DSO case rather than by an override (module notes)."""
        return self.parameter in CASE_SCALARS and set(self.keys) == CASE_KEYS

    def override(self) -> Override:
        """The setting as an input override (:mod:`dsot.overrides`)."""
        return Override(self.parameter, self.value, self.unit, self.keys)

    def text(self) -> str:
        """``name[key=value, ...] = value unit``."""
        keys = ", ".join(f"{k}={v}" for k, v in self.where)
        unit = "" if self.unit == "-" else f" {self.unit}"
        return f"{self.parameter}{f'[{keys}]' if keys else ''} = {self.value}{unit}"


@dataclass(frozen=True)
class Factor:
    """An assumption varied between a low and a high level around its base."""

    name: str
    label: str
    settings: Mapping[Level, tuple[Setting, ...]]
    """What each level sets; its first setting is the level's headline value."""

    @property
    def unit(self) -> str:
        """Unit of the headline values."""
        return self.settings["base"][0].unit

    def value(self, level: Level) -> float:
        """Headline value of a level, in :attr:`unit` (NaN if it is text)."""
        if level not in LEVELS:
            raise ValueError(f"unknown level {level!r}; use one of {', '.join(LEVELS)}")
        text = self.settings[level][0].value
        try:
            return float(text)
        except ValueError:
            return float("nan")

    def sources(self) -> str:
        """The distinct sources of the factor's rows, low to high."""
        seen = dict.fromkeys(s.source for level in LEVELS for s in self.settings[level])
        return "; ".join(seen)


def _where_text(path: Path, row: int, column: str) -> str:
    try:
        shown = path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        shown = path
    return f"{shown}, row {row} (line {row + 1}), column '{column}'"


def parse_where(text: str, path: Path, row: int) -> dict[str, str]:
    """``key=value;key=value`` of a ``where`` cell as a mapping (empty text: no restriction).

    >>> parse_where("dso=DSO #1;case=battery", Path("sensitivity.csv"), 1)
    {'dso': 'DSO #1', 'case': 'battery'}
    """
    out: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in text.split(";"))):
        key, sep, value = part.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise ParameterError(f"{_where_text(path, row, 'where')}: {part!r} is not key=value")
        out[key.strip()] = value.strip()
    return out


def _setting(path: Path, row: int, rec: pd.Series, raw: pd.Series) -> Setting:
    specs = parameter_specs(path.parents[1])
    name = str(rec["parameter"])
    if not name.startswith(PREFIX) or name.removeprefix(PREFIX) not in specs:
        raise ParameterError(
            f"{_where_text(path, row, 'parameter')}: {name!r} must be {PREFIX}<name> with <name> a parameter of data/symbols.csv"
        )
    target = specs[name.removeprefix(PREFIX)]
    if target.unit != rec["unit"]:
        raise ParameterError(f"{_where_text(path, row, 'unit')}: {target.parameter} is in {target.unit!r}, not {rec['unit']!r}")
    if rec["level"] not in LEVELS:
        raise ParameterError(f"{_where_text(path, row, 'level')}: {rec['level']!r} is not one of {', '.join(LEVELS)}")
    return Setting(
        parameter=target.parameter,
        value=str(raw["value"]).strip(),
        unit=str(rec["unit"]),
        where=tuple(parse_where(str(rec["where"]), path, row).items()),
        source=str(rec["source"]),
        row=row,
    )


def load_factors(parameter_set: ParameterSet = "study", data: Path | None = None) -> list[Factor]:
    """The factors of ``data/parameters/sensitivity.csv``, in file order.

    The file is validated as every parameter file is (:func:`dsot.params.load_parameters`:
    declared names, units, bounds, sources); in addition each row must name an existing
    input in its unit, a known level and a well-formed ``where``, and every factor must
    have one label and rows at all three levels.  A defect raises
    :class:`~dsot.params.ParameterError` naming the file, row and column.
    """
    frame = load_parameters(FILE, parameter_set, data)
    path = Path(frame.attrs["path"])
    raw = read_csv_strict(path, (*PARAMETER_COLUMNS, *KEY_COLUMNS))
    frames = data_frames(path.parents[1])
    settings: dict[str, dict[Level, list[Setting]]] = {}
    labels: dict[str, str] = {}
    for _, rec in frame.iterrows():
        row = int(rec["row"])
        setting = _setting(path, row, rec, raw.loc[row])
        if not matching_values(setting, frames):
            raise ParameterError(
                f"{_where_text(path, row, 'where')}: no row of data/parameters holds {setting.parameter} with {setting.keys}"
            )
        factor = str(rec["factor"])
        if labels.setdefault(factor, str(rec["label"])) != rec["label"]:
            raise ParameterError(f"{_where_text(path, row, 'label')}: factor {factor!r} is labelled {labels[factor]!r} above")
        level = next(x for x in LEVELS if x == rec["level"])
        settings.setdefault(factor, {}).setdefault(level, []).append(setting)
    factors = []
    for name, by_level in settings.items():
        missing = [level for level in LEVELS if level not in by_level]
        if missing:
            raise ParameterError(f"{path}, column 'level': factor {name!r} has no {' or '.join(missing)} row")
        factors.append(Factor(name, labels[name], {level: tuple(by_level[level]) for level in LEVELS}))
    return factors


def select_factors(factors: Sequence[Factor], names: Iterable[str]) -> list[Factor]:
    """The named factors, in the order named; an unknown name raises ``KeyError`` listing the valid ones."""
    by_name = {f.name: f for f in factors}
    out = []
    for name in names:
        if name not in by_name:
            raise KeyError(f"unknown sensitivity factor {name!r}; valid names: {', '.join(by_name)}")
        out.append(by_name[name])
    return out


def factor_table(factors: Sequence[Factor]) -> pd.DataFrame:
    """The factors' headline values by level, with their units and sources (for the chapter).

    Columns: factor, label, low, base, high, unit, settings (count of inputs set per
    level, at most), sources.
    """
    rows = [
        {
            "factor": f.name,
            "label": f.label,
            **{level: f.value(level) for level in LEVELS},
            "unit": f.unit,
            "settings": max(len(f.settings[level]) for level in LEVELS),
            "sources": f.sources(),
        }
        for f in factors
    ]
    return pd.DataFrame(rows)


# --- measures -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Measure:
    """Results computed for each level: ``compute(parameter_set, case_scalars)`` -> output -> value [$K/yr]."""

    name: str
    compute: Callable[[ParameterSet, CaseScalars], Mapping[str, float]]
    reads_case_scalars: bool = False
    """Whether ``compute`` applies :data:`CaseScalars`; if not, factors that need them are refused."""
    identity: str = ""
    """What else the results depend on besides code, data and settings (e.g. the cases' data hashes), for the cache."""


def _with_scalars(case: cfs.DSOCase, scalars: CaseScalars) -> cfs.DSOCase:
    changes: dict[str, Any] = dict(scalars.get((case.dso, case.case), {}))
    return dataclasses.replace(case, **changes) if changes else case


@lru_cache(maxsize=2)
def _cfs_inputs(parameter_set: ParameterSet, _version: object) -> cfs.CFSInputs:
    """The CFS inputs of the data as they are (keyed on :func:`dsot.params.data_version`), reused by levels that change none."""
    return cfs.load_cfs_inputs(parameter_set)


def dso1_revenues(parameter_set: ParameterSet, case_scalars: CaseScalars | None = None) -> dict[str, float]:
    """DSO #1's required revenue in BAU and the battery case, and the saving (Table 21 inputs) [$K/yr].

    The required revenue is the CFS's revenue line, equal to capital plus operating
    expenses (Section 4.3); the CFSs are those of :func:`dsot.cfs.dso.table21`, with the
    case scalars replaced where ``case_scalars`` says so.

    Parameters
    ----------
    parameter_set : ``printed`` or ``study``. [-]
    case_scalars : (DSO, case) -> DSOCase field -> value, e.g. the battery case's
        ``peak_mw`` [MW]; None or empty keeps ``dso_cases.csv``.

    Returns
    -------
    ``dso1_revenue_bau_kusd``, ``dso1_revenue_batteries_kusd``, ``dso1_saving_kusd`` [$K/yr]
    """
    scalars = case_scalars or {}
    inputs = _cfs_inputs(parameter_set, data_version())
    bau = _with_scalars(cfs.load_case("DSO #1", "bau"), scalars)
    battery = _with_scalars(cfs.load_case("DSO #1", "battery"), scalars)
    table = cfs.compare(cfs.dso_cfs(inputs, bau), cfs.dso_cfs(inputs, battery, bau)).set_index("line")
    before, after = float(table.at["revenues", "bau_kusd_per_yr"]), float(table.at["revenues", "case_kusd_per_yr"])
    return {"dso1_revenue_bau_kusd": before, "dso1_revenue_batteries_kusd": after, "dso1_saving_kusd": before - after}


def dso1_measure() -> Measure:
    """The DSO #1 measure (:func:`dso1_revenues`); it applies case scalars such as the battery-case peak."""
    return Measure("DSO #1 (Table 21 inputs)", dso1_revenues, reads_case_scalars=True)


def system_cost_kusd(case: Case, valuation: Valuation, parameter_set: ParameterSet, bau: Valuation | None = None) -> float:
    """Total annual cost of the power system of one case (Section 2.2) [$K/yr].

    :func:`dsot.system.customers_system_cost`: the total reads only the customers'
    statements (bills, asset costs, taxes: customers pay for the whole system), so the
    bulk-system statements, which take as long again to compute, are not built.

    Parameters
    ----------
    case, valuation : a case and its :func:`dsot.valuation.value_case`. [-]
    parameter_set : ``printed`` or ``study``. [-]
    bau : the BAU valuation of a transactive case. [-]
    """
    customers = cust.customer_cfs(case, valuation, parameter_set, bau=bau)
    cost = sysmod.customers_system_cost(customers).set_index("item")["cost_kusd_per_yr"]
    return float(cost["total"])


def system_cost_measure(bau_case: Case, battery_case: Case) -> Measure:
    """The system-cost measure of a BAU case and its battery case (the demonstration pair).

    Load the cases before any override is in force (:func:`dsot.cases.cache.default_case`
    selects the cached case by a digest of input files, some of which an override
    changes).  The customers' interval statistics do not depend on any parameter: they
    are computed once, on first use, and reused by every level.

    Returns a :class:`Measure` with outputs ``system_cost_bau_kusd``,
    ``system_cost_batteries_kusd`` and ``system_saving_kusd`` [$K/yr].
    """
    statistics: dict[str, pd.DataFrame] = {}

    def compute(parameter_set: ParameterSet, case_scalars: CaseScalars) -> dict[str, float]:
        if not statistics:
            statistics.update(bau=engine.case_statistics(bau_case), battery=engine.case_statistics(battery_case))
        bau = value_case(bau_case, parameter_set, statistics=statistics["bau"])
        battery = value_case(
            battery_case, parameter_set, bau=bau_case, statistics=statistics["battery"], bau_statistics=statistics["bau"]
        )
        before = system_cost_kusd(bau_case, bau, parameter_set)
        after = system_cost_kusd(battery_case, battery, parameter_set, bau)
        return {"system_cost_bau_kusd": before, "system_cost_batteries_kusd": after, "system_saving_kusd": before - after}

    identity = f"{directory_hash(bau_case.path)}-{directory_hash(battery_case.path)}"
    return Measure("system cost (demonstration case)", compute, reads_case_scalars=False, identity=identity)


# --- runs ---------------------------------------------------------------------------------------


def data_frames(data: Path | None = None) -> dict[str, pd.DataFrame]:
    """Every parameter file except ``sensitivity.csv``, as written (text), by file stem."""
    root = data or data_dir()
    return {
        path.stem: read_csv_strict(path, PARAMETER_COLUMNS)
        for path in sorted((root / "parameters").glob("*.csv"))
        if path.stem != FILE
    }


def matching_values(setting: Setting, frames: Mapping[str, pd.DataFrame]) -> list[str]:
    """Current values (as written) of the data rows a setting addresses.

    A row is addressed when it holds the setting's input and each ``where`` key equals
    the given value (or ``all``); files without one of the keys hold no addressed row.
    """
    values: list[str] = []
    for frame in frames.values():
        rows = frame[frame["parameter"] == setting.parameter]
        if rows.empty or not set(setting.keys) <= set(frame.columns):
            continue
        for key, value in setting.where:
            rows = rows[rows[key].isin([value, "all"])]
        values.extend(rows["value"].tolist())
    return values


def _same(a: str, b: str) -> bool:
    try:
        return float(a) == float(b)
    except ValueError:
        return a == b


def is_no_op(setting: Setting, frames: Mapping[str, pd.DataFrame]) -> bool:
    """Whether the data already hold the setting's value in every row it addresses (and it addresses some)."""
    values = matching_values(setting, frames)
    return bool(values) and all(_same(v, setting.value) for v in values)


RunKey = tuple[tuple[Setting, ...], tuple[Setting, ...]]
"""What a run changes: (overrides, case scalars), each sorted."""


def _order(setting: Setting) -> tuple[str, tuple[tuple[str, str], ...], str]:
    return setting.parameter, tuple(sorted(setting.where)), setting.value


def run_key(settings: Sequence[Setting], frames: Mapping[str, pd.DataFrame]) -> RunKey:
    """The settings that change the data, split into overrides and case scalars; those the data already hold are dropped."""
    changing = [s for s in settings if not is_no_op(s, frames)]
    overrides = tuple(sorted((s for s in changing if not s.case_scalar), key=_order))
    scalars = tuple(sorted((s for s in changing if s.case_scalar), key=_order))
    return overrides, scalars


def _case_scalars(settings: Sequence[Setting]) -> dict[tuple[str, str], dict[str, float]]:
    out: dict[tuple[str, str], dict[str, float]] = {}
    for s in settings:
        out.setdefault((s.keys["dso"], s.keys["case"]), {})[CASE_SCALARS[s.parameter]] = float(s.value)
    return out


CACHE_SUBDIR = "sensitivity"
"""Results of earlier runs, under :func:`dsot.cases.cache.cache_dir`."""


@cache
def _code_digest() -> str:
    """SHA-256 of the package's source and the versions of the libraries it computes with."""
    digest = hashlib.sha256(f"{dsot.__version__} {np.__version__} {pd.__version__}".encode())
    package = Path(dsot.__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def run_digest(measure: Measure, parameter_set: ParameterSet, key: RunKey, data: Path | None = None) -> str:
    """What a run's results depend on, hashed: code, data, measure, parameter set and the run's settings.

    Any change to the package's source, to a file under ``data/``, to the cases a
    measure reads (:attr:`Measure.identity`) or to the settings gives another digest,
    so a cached result is never stale.
    """
    overrides, scalars = key
    parts = [
        _code_digest(),
        directory_hash(data or data_dir()),
        measure.name,
        measure.identity,
        parameter_set,
        [s.text() for s in overrides],
        [s.text() for s in scalars],
    ]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:24]


def _cached(path: Path) -> dict[str, float] | None:
    try:
        return {str(k): float(v) for k, v in json.loads(path.read_text(encoding="utf-8")).items()}
    except (OSError, ValueError, AttributeError):
        return None


def run_measures(
    measures: Sequence[Measure], parameter_set: ParameterSet, key: RunKey = ((), ()), use_cache: bool = True
) -> dict[str, float]:
    """Every measure's outputs with a run's settings in force (:func:`run_key`) [$K/yr].

    With ``use_cache``, results computed before for the same code, data, cases and
    settings (:func:`run_digest`) are read from the cache directory
    (``$DSOT_CACHE_DIR/sensitivity``), and new ones are written there.
    """
    overrides, scalars = key
    if scalars:
        blind = [m.name for m in measures if not m.reads_case_scalars]
        if blind:
            names = ", ".join(s.text() for s in scalars)
            raise ValueError(f"{names} is set in a DSO case, which the measure(s) {', '.join(blind)} do not read")
    paths = {m.name: cache_dir() / CACHE_SUBDIR / f"{run_digest(m, parameter_set, key)}.json" for m in measures}
    found = {m.name: _cached(paths[m.name]) if use_cache else None for m in measures}
    missing = [m for m in measures if found[m.name] is None]
    if missing:
        with overridden_data([s.override() for s in overrides]):
            for measure in missing:
                found[measure.name] = dict(measure.compute(parameter_set, _case_scalars(scalars)))
                if use_cache:
                    atomic_write_text(paths[measure.name], json.dumps(found[measure.name], indent=1) + "\n")
    out: dict[str, float] = {}
    for measure in measures:
        result = found[measure.name]
        assert result is not None
        out.update(result)
    return out


def check_applicable(factors: Sequence[Factor], measures: Sequence[Measure]) -> None:
    """Refuse, before anything runs, a factor set in a DSO case for a measure that does not read case scalars."""
    for factor in factors:
        needs = [s for level in LEVELS for s in factor.settings[level] if s.case_scalar]
        blind = [m.name for m in measures if not m.reads_case_scalars]
        if needs and blind:
            raise ValueError(
                f"factor {factor.name!r} sets {needs[0].parameter} in a DSO case (row {needs[0].row} of {FILE}.csv), "
                f"which the measure(s) {', '.join(blind)} do not read"
            )


def one_at_a_time(
    factors: Sequence[Factor], measures: Sequence[Measure], parameter_set: ParameterSet, use_cache: bool = True
) -> pd.DataFrame:
    """Every measure at the low, base and high level of each factor, the others at their base.

    Each level runs with its settings applied to a copy of the data (overrides) or to the
    DSO cases (case scalars); levels that change nothing share the run of the data as
    they are, and no distinct run is computed twice.

    Parameters
    ----------
    factors : from :func:`load_factors` (or :func:`select_factors`). [-]
    measures : what to compute, e.g. ``[dso1_measure()]``. [-]
    parameter_set : ``printed`` or ``study``. [-]
    use_cache : read and write results of earlier runs (:func:`run_measures`). [-]

    Returns
    -------
    One row per factor, level and output: factor, label, level, value (headline, in
    unit), unit, setting (what the level sets), output, output_label, output_value,
    base_output_value (the factor's base level), change_from_base and
    change_from_base_pct.  Outputs are in $K/yr.
    """
    check_applicable(factors, measures)
    frames = data_frames()
    runs: dict[RunKey, dict[str, float]] = {}
    rows = []
    for factor in factors:
        results = {}
        for level in LEVELS:
            key = run_key(factor.settings[level], frames)
            if key not in runs:
                runs[key] = run_measures(measures, parameter_set, key, use_cache)
            results[level] = runs[key]
        for level in LEVELS:
            for output, value in results[level].items():
                base = results["base"][output]
                rows.append(
                    {
                        "factor": factor.name,
                        "label": factor.label,
                        "level": level,
                        "value": factor.value(level),
                        "unit": factor.unit,
                        "setting": "; ".join(s.text() for s in factor.settings[level]),
                        "output": output,
                        "output_label": OUTPUTS.get(output, output),
                        "output_value": value,
                        "base_output_value": base,
                        "change_from_base": value - base,
                        "change_from_base_pct": 100 * (value - base) / base if base else np.nan,
                    }
                )
    return pd.DataFrame(rows)


def tornado_rows(frame: pd.DataFrame, output: str) -> pd.DataFrame:
    """One row per factor for a tornado chart of one output, the widest swing first.

    Parameters
    ----------
    frame : :func:`one_at_a_time` output. [-]
    output : one of its outputs, e.g. ``dso1_revenue_batteries_kusd``. [-]

    Returns
    -------
    Columns: factor, label, unit, low_value, base_value, high_value (headline inputs),
    low_output, base_output, high_output [$K/yr], low_change, high_change (from the
    factor's base) [$K/yr], low_change_pct, high_change_pct [%] and swing, the distance
    between the low and the high result [$K/yr].
    """
    known = list(dict.fromkeys(frame["output"]))
    if output not in known:
        raise KeyError(f"no output {output!r} in the sensitivity results; they have {', '.join(known)}")
    mine = frame[frame["output"] == output]
    columns = {"value": "value", "output_value": "output", "change_from_base": "change", "change_from_base_pct": "change_pct"}
    wide = mine.set_index(["factor", "label", "unit", "level"])[list(columns)].unstack("level")
    wide = wide.reindex(list(dict.fromkeys(mine["factor"])), level="factor")
    out = pd.DataFrame(index=wide.index)
    for column, name in columns.items():
        for level in LEVELS if name in ("value", "output") else ("low", "high"):
            out[f"{level}_{name}"] = wide[(column, level)]
    out["swing"] = (out["high_output"] - out["low_output"]).abs()
    return out.reset_index().sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)


def tornado_table(frame: pd.DataFrame, outputs: Sequence[str]) -> pd.DataFrame:
    """:func:`tornado_rows` of several outputs, one block per output with its label (for a chapter table).

    Columns: output_label, label, unit, low_value, base_value, high_value, low_output,
    base_output, high_output, low_change_pct, high_change_pct, swing.
    """
    blocks = [tornado_rows(frame, output).assign(output_label=OUTPUTS.get(output, output)) for output in outputs]
    columns = ["output_label", "label", "unit", *(f"{x}_value" for x in LEVELS), *(f"{x}_output" for x in LEVELS)]
    return pd.concat(blocks, ignore_index=True)[[*columns, "low_change_pct", "high_change_pct", "swing"]]

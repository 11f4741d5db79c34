"""``case.yaml``: what a case is, when it runs and which DSOs it holds.

The metadata file names the case, its scenario (moderate or high renewables), its kind
(BAU, transactive batteries, transactive flexible loads), the simulated period and its
time zone, and every DSO with its type, ownership, customer counts by class, weighting
factor, industrial lump and substations.  :func:`parse_metadata` checks every key and
raises :class:`~dsot.cases.schema.CaseError` naming the key (``dsos[2].type``) on the
first defect; nothing is defaulted silently except the keys documented as optional.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Literal, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd

from dsot.cases.schema import FORMAT, METADATA_FILE, CaseError
from dsot.vocab import DSO_TYPES, DSOType

Scenario = Literal["MR", "HR"]
CaseKind = Literal["bau", "transactive-batteries", "transactive-flexible-loads"]
Ownership = Literal["investor-owned", "cooperative", "municipal"]
CustomerClass = Literal["residential", "commercial", "industrial"]

SCENARIOS: tuple[Scenario, ...] = get_args(Scenario)
CASE_KINDS: tuple[CaseKind, ...] = get_args(CaseKind)
OWNERSHIPS: tuple[Ownership, ...] = get_args(Ownership)
CUSTOMER_CLASSES: tuple[CustomerClass, ...] = get_args(CustomerClass)


@dataclass(frozen=True)
class DSOInfo:
    """One DSO of a case (an entry of ``dsos`` in ``case.yaml``)."""

    id: int
    name: str
    type: DSOType
    ownership: Ownership
    customers: dict[str, int]
    """Real customers by class: residential, commercial, industrial. [count]"""
    weighting_factor: float
    """WF_dso: real loads per simulated load, as reported by the simulation. [ratio]"""
    industrial_load_mw: float
    """Constant industrial lump served by the DSO (not simulated customer by customer). [MW]"""
    substations: tuple[str, ...]
    """Ids of the simulated substations (retail market nodes)."""

    @property
    def total_customers(self) -> int:
        """All real customers of the DSO [count]."""
        return sum(self.customers.values())


@dataclass(frozen=True)
class RetailMarket:
    """How the simulation formed retail prices (transactive kinds only)."""

    multiplier: float
    """A: the retail multiplier applied to wholesale LMPs (Eq. 45). [ratio]"""
    distribution_price_usd_per_kwh: float
    """The distribution energy price the simulation added to A x LMP (the P_dist proxy, Section 4.3.3). [USD/kWh]"""


@dataclass(frozen=True)
class CaseMetadata:
    """The contents of ``case.yaml``."""

    case_id: str
    title: str
    scenario: Scenario
    kind: CaseKind
    year: int
    timezone: str
    start: pd.Timestamp
    end: pd.Timestamp
    interval_minutes: int
    synthetic: bool
    provenance: str
    dsos: tuple[DSOInfo, ...]
    retail_market: RetailMarket | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    """Generator-specific keys kept verbatim (``generator:`` block), never read by the valuation."""

    @property
    def transactive(self) -> bool:
        """Whether the case has a retail market (and its tables)."""
        return self.kind != "bau"

    def dso(self, dso_id: int) -> DSOInfo:
        """The DSO with id ``dso_id``."""
        for info in self.dsos:
            if info.id == dso_id:
                return info
        raise KeyError(f"case {self.case_id} has no DSO {dso_id}")

    @property
    def dso_ids(self) -> tuple[int, ...]:
        """DSO ids in ascending order."""
        return tuple(sorted(d.id for d in self.dsos))

    @property
    def substations(self) -> dict[str, int]:
        """Every substation id with the id of its DSO."""
        return {s: d.id for d in self.dsos for s in d.substations}

    def periods(self, step_minutes: int) -> int:
        """Number of intervals of ``step_minutes`` in the case period (local days touched for 1440)."""
        if step_minutes == 1440:
            return len(self.grid(1440))
        return int((self.end - self.start) / pd.Timedelta(minutes=step_minutes))

    def grid(self, step_minutes: int) -> pd.DatetimeIndex:
        """Interval starts of the case period at the given step, in the case's time zone."""
        if step_minutes == 1440:
            first = self.start.tz_localize(None).floor("D")
            last = (self.end - pd.Timedelta(1, "ns")).tz_localize(None).floor("D")
            return pd.date_range(first, last, freq="D").tz_localize(self.timezone)
        return pd.date_range(self.start, self.end, freq=f"{step_minutes}min", inclusive="left").tz_convert(self.timezone)

    def to_yaml_dict(self) -> dict[str, Any]:
        """A plain mapping that :func:`parse_metadata` reads back to an equal object."""
        out: dict[str, Any] = {
            "format": FORMAT,
            "case_id": self.case_id,
            "title": self.title,
            "synthetic": self.synthetic,
            "scenario": self.scenario,
            "kind": self.kind,
            "year": self.year,
            "timezone": self.timezone,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "interval_minutes": self.interval_minutes,
            "provenance": self.provenance,
        }
        if self.retail_market is not None:
            out["retail_market"] = asdict(self.retail_market)
        out["dsos"] = [{**asdict(d), "substations": list(d.substations)} for d in self.dsos]
        out.update(self.extra)
        return out


# --- parsing ---------------------------------------------------------------------------------


def _fail(key: str, problem: str) -> CaseError:
    return CaseError(METADATA_FILE, key, (), problem)


def _get(mapping: Mapping[str, Any], key: str, path: str) -> Any:
    if key not in mapping:
        return _missing(path)
    return mapping[key]


def _missing(path: str) -> Any:
    raise _fail(path, "required key is missing")


def _text(value: Any, path: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _fail(path, f"must be a non-empty string (got {value!r})")
    return value


def _choice(value: Any, allowed: tuple[str, ...], path: str) -> Any:
    if value not in allowed:
        raise _fail(path, f"must be one of {', '.join(allowed)} (got {value!r})")
    return value


def _integer(value: Any, path: str, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _fail(path, f"must be an integer (got {value!r})")
    if value < minimum:
        raise _fail(path, f"must be at least {minimum} (got {value})")
    return value


def _number(value: Any, path: str, minimum: float = 0.0) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(path, f"must be a number (got {value!r})")
    if not value >= minimum or value == float("inf"):
        raise _fail(path, f"must be a finite number of at least {minimum:g} (got {value})")
    return float(value)


def _timestamp(value: Any, path: str, timezone: str) -> pd.Timestamp:
    if isinstance(value, datetime):
        value = value.isoformat()
    if not isinstance(value, str):
        raise _fail(path, f"must be an ISO 8601 timestamp with a UTC offset (got {value!r})")
    try:
        stamp = pd.Timestamp(value)
    except ValueError as exc:
        raise _fail(path, f"is not an ISO 8601 timestamp ({value!r})") from exc
    if stamp.tzinfo is None:
        raise _fail(path, f"has no UTC offset ({value!r}); write it as e.g. 2016-01-01T00:00:00-06:00")
    return stamp.tz_convert(timezone)


def _dso(entry: Any, index: int) -> DSOInfo:
    path = f"dsos[{index}]"
    if not isinstance(entry, Mapping):
        raise _fail(path, "must be a mapping of DSO keys")
    customers = _get(entry, "customers", f"{path}.customers")
    if not isinstance(customers, Mapping):
        raise _fail(f"{path}.customers", "must map residential, commercial and industrial to counts")
    counts: dict[str, int] = {
        c: _integer(_get(customers, c, f"{path}.customers.{c}"), f"{path}.customers.{c}") for c in CUSTOMER_CLASSES
    }
    unknown = sorted(set(customers) - set(CUSTOMER_CLASSES))
    if unknown:
        raise _fail(f"{path}.customers.{unknown[0]}", f"unknown customer class; use {', '.join(CUSTOMER_CLASSES)}")
    substations = _get(entry, "substations", f"{path}.substations")
    if not isinstance(substations, list) or not substations or not all(isinstance(s, str) and s for s in substations):
        raise _fail(f"{path}.substations", f"must be a non-empty list of substation id strings (got {substations!r})")
    if len(set(substations)) != len(substations):
        raise _fail(f"{path}.substations", "lists a substation twice")
    return DSOInfo(
        id=_integer(_get(entry, "id", f"{path}.id"), f"{path}.id", minimum=1),
        name=_text(_get(entry, "name", f"{path}.name"), f"{path}.name"),
        type=_choice(_get(entry, "type", f"{path}.type"), DSO_TYPES, f"{path}.type"),
        ownership=_choice(_get(entry, "ownership", f"{path}.ownership"), OWNERSHIPS, f"{path}.ownership"),
        customers=counts,
        weighting_factor=_number(_get(entry, "weighting_factor", f"{path}.weighting_factor"), f"{path}.weighting_factor"),
        industrial_load_mw=_number(_get(entry, "industrial_load_mw", f"{path}.industrial_load_mw"), f"{path}.industrial_load_mw"),
        substations=tuple(substations),
    )


def _period(raw: Mapping[str, Any], timezone: str, year: int, minutes: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    start = _timestamp(_get(raw, "start", "start"), "start", timezone)
    end = _timestamp(_get(raw, "end", "end"), "end", timezone)
    if start.year != year:
        raise _fail("start", f"{start} is not in the case year {year}")
    if end <= start:
        raise _fail("end", f"{end} is not after start {start}")
    for key, stamp in (("start", start), ("end", end)):
        if stamp != stamp.floor("h"):
            raise _fail(key, f"{stamp} does not fall on the hour")
    if minutes not in (5,):
        raise _fail("interval_minutes", f"the format stores 5-minute intervals (got {minutes})")
    return start, end


def _retail(raw: Mapping[str, Any], transactive: bool) -> RetailMarket | None:
    block = raw.get("retail_market")
    if not transactive:
        if block is not None:
            raise _fail("retail_market", "a BAU case has no retail market; remove the block or change kind")
        return None
    if not isinstance(block, Mapping):
        raise _fail("retail_market", "a transactive case needs multiplier and distribution_price_usd_per_kwh")
    return RetailMarket(
        multiplier=_number(_get(block, "multiplier", "retail_market.multiplier"), "retail_market.multiplier"),
        distribution_price_usd_per_kwh=_number(
            _get(block, "distribution_price_usd_per_kwh", "retail_market.distribution_price_usd_per_kwh"),
            "retail_market.distribution_price_usd_per_kwh",
            minimum=-10.0,
        ),
    )


KNOWN_KEYS = frozenset(
    {"format", "case_id", "title", "synthetic", "scenario", "kind", "year", "timezone", "start", "end"}
    | {"interval_minutes", "provenance", "retail_market", "dsos", "generator"}
)


def _check_unique_ids(dsos: tuple[DSOInfo, ...]) -> None:
    seen: dict[int, int] = {}
    for i, dso in enumerate(dsos):
        if dso.id in seen:
            raise _fail(f"dsos[{i}].id", f"DSO id {dso.id} is also dsos[{seen[dso.id]}].id")
        seen[dso.id] = i
    owners: dict[str, int] = {}
    for dso in dsos:
        for sub in dso.substations:
            if sub in owners:
                raise _fail(f"dsos[{seen[dso.id]}].substations", f"substation {sub!r} also belongs to DSO {owners[sub]}")
            owners[sub] = dso.id


def parse_metadata(raw: Any) -> CaseMetadata:
    """Check the mapping read from ``case.yaml`` and return the case metadata."""
    if not isinstance(raw, Mapping):
        raise _fail("", "must be a YAML mapping of case keys")
    if raw.get("format") != FORMAT:
        raise _fail("format", f"must be {FORMAT!r} (got {raw.get('format')!r})")
    unknown = sorted(set(raw) - KNOWN_KEYS)
    if unknown:
        raise _fail(unknown[0], f"unknown key; the format knows {', '.join(sorted(KNOWN_KEYS))}")
    timezone = _text(_get(raw, "timezone", "timezone"), "timezone")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise _fail("timezone", f"{timezone!r} is not an IANA time zone (e.g. US/Central)") from exc
    year = _integer(_get(raw, "year", "year"), "year", minimum=1900)
    minutes = _integer(_get(raw, "interval_minutes", "interval_minutes"), "interval_minutes", minimum=1)
    start, end = _period(raw, timezone, year, minutes)
    kind = _choice(_get(raw, "kind", "kind"), CASE_KINDS, "kind")
    synthetic = _get(raw, "synthetic", "synthetic")
    if not isinstance(synthetic, bool):
        raise _fail("synthetic", f"must be true or false (got {synthetic!r})")
    entries = _get(raw, "dsos", "dsos")
    if not isinstance(entries, list) or not entries:
        raise _fail("dsos", "must be a non-empty list of DSOs")
    dsos = tuple(_dso(entry, i) for i, entry in enumerate(entries))
    _check_unique_ids(dsos)
    return CaseMetadata(
        case_id=_text(_get(raw, "case_id", "case_id"), "case_id"),
        title=_text(_get(raw, "title", "title"), "title"),
        scenario=_choice(_get(raw, "scenario", "scenario"), SCENARIOS, "scenario"),
        kind=kind,
        year=year,
        timezone=timezone,
        start=start,
        end=end,
        interval_minutes=minutes,
        synthetic=synthetic,
        provenance=_text(_get(raw, "provenance", "provenance"), "provenance"),
        dsos=dsos,
        retail_market=_retail(raw, kind != "bau"),
        extra={"generator": raw["generator"]} if "generator" in raw else {},
    )

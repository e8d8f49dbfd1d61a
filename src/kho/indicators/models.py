"""Indicator schemas named by role: definitions, values with lineage, targets, reports, analytics."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Direction = Literal["higher", "lower"]
IndicatorType = Literal["computed", "reported"]
Aggregation = Literal["sum", "ratio", "min", "max", "none"]
Status = Literal["achieved", "on_track", "at_risk", "missed", "no_target", "no_data"]
TargetKind = Literal["assigned", "proposed"]
TargetStatus = Literal["active", "proposed", "approved", "sent_back"]
ReportedStatus = Literal["submitted", "approved", "returned"]
OrgCode = str
IndicatorCode = str
ALL_ORGS = "ALL"
CODE_PATTERN = r"^[A-Za-z][A-Za-z0-9_.-]{0,63}$"
PeriodTypeName = Literal["year", "quarter", "month", "week"]
DEFAULT_PERIOD_TYPES: tuple[PeriodTypeName, ...] = ("month", "quarter", "year")


class Condition(BaseModel):
    """One filter condition ``column op value`` (values become SQL literals, never raw text)."""

    column: str
    op: Literal["=", "!=", "<", "<=", ">", ">=", "in", "not_in", "is_null", "not_null"] = "="
    value: Any = None


class Measure(BaseModel):
    """An aggregate such as ``count(*)``, ``sum(le_phi_dong)`` with an optional filter."""

    aggregate: str = Field(examples=["count(*)", "sum(le_phi_dong)", "count_distinct(ma_thu_tuc)"])
    where: list[Condition] = Field(default_factory=list)

    @field_validator("where", mode="before")
    @classmethod
    def _shorthand(cls, v: Any) -> Any:
        return _conditions(v)


class TableSource(BaseModel):
    """Where a computed indicator reads from: a warehouse table by dataset slug."""

    kind: Literal["table"] = "table"
    dataset: str
    table: str | None = None
    org_column: str | None = None
    date_column: str
    where: list[Condition] = Field(default_factory=list)
    aggregate: Measure | None = None
    numerator: Measure | None = None
    denominator: Measure | None = None
    factor: float = 1.0

    @field_validator("where", mode="before")
    @classmethod
    def _shorthand(cls, v: Any) -> Any:
        return _conditions(v)

    @field_validator("aggregate", "numerator", "denominator", mode="before")
    @classmethod
    def _measure(cls, v: Any) -> Any:
        return {"aggregate": v} if isinstance(v, str) else v

    @model_validator(mode="after")
    def _one_form(self) -> TableSource:
        if (self.aggregate is None) == (self.numerator is None or self.denominator is None):
            raise ValueError("give either `aggregate`, or both `numerator` and `denominator`")
        return self


class CatalogSource(BaseModel):
    """A warehouse-growth metric computed from Kho's own catalog."""

    kind: Literal["catalog"] = "catalog"
    metric: Literal["datasets", "rows", "organisations", "fresh_share", "growth"]


class UnitRegistry(BaseModel):
    """Read the unit column through Kho's registry of administrative units (``kho.units``).

    Names in any spelling, old or new, and codes count under the province in force on ``as_of``:
    ``today`` gives the 34 provinces of 1 July 2025, a date before that the 63 earlier ones.
    """

    model_config = ConfigDict(extra="forbid")

    registry: Literal["province"] = "province"
    as_of: Literal["today"] | date = "today"

    @field_validator("as_of", mode="before")
    @classmethod
    def _day(cls, v: Any) -> Any:
        if isinstance(v, datetime):
            return v.date()
        if isinstance(v, str) and v.strip() != "today":
            try:
                return date.fromisoformat(v.strip())
            except ValueError:
                raise ValueError(
                    f"as_of {v!r} is neither `today` nor a date like 2025-06-30"
                ) from None
        return v.strip() if isinstance(v, str) else v


class TargetSpec(BaseModel):
    """A target shipped in a pack: ``org: "*"`` is the default for every unit."""

    org: str = "*"
    period: str
    value: float | None = None
    low: float | None = None
    high: float | None = None
    note: str | None = None


class IndicatorDef(BaseModel):
    """A complete indicator definition as written in a YAML pack."""

    code: IndicatorCode = Field(pattern=CODE_PATTERN)
    name_vi: str = Field(min_length=1, max_length=500)
    name_en: str | None = None
    description_vi: str | None = None
    description_en: str | None = None
    unit: str | None = None
    decimals: int = Field(default=1, ge=0, le=6)
    direction: Direction = "higher"
    type: IndicatorType = "computed"
    aggregation: Aggregation | None = None
    source: TableSource | CatalogSource | None = Field(default=None, discriminator="kind")
    period_types: list[PeriodTypeName] = Field(default_factory=lambda: list(DEFAULT_PERIOD_TYPES))
    org_aliases: dict[str, str] = Field(default_factory=dict)
    org_parents: dict[str, str] = Field(default_factory=dict)
    org_map: dict[str, str] = Field(default_factory=dict)
    units: UnitRegistry | None = None
    access_level: Literal["public", "internal", "restricted"] = "public"
    owner_org: str | None = None
    stale_days: int = Field(default=31, ge=0)
    due_days: int = Field(default=15, ge=0)
    thresholds: dict[str, float] = Field(
        default_factory=lambda: {"on_track": 95.0, "at_risk": 80.0}
    )
    targets: list[TargetSpec] = Field(default_factory=list)
    pack: str | None = None

    @field_validator("source", mode="before")
    @classmethod
    def _default_kind(cls, v: Any) -> Any:
        return {"kind": "table", **v} if isinstance(v, dict) and "kind" not in v else v

    @model_validator(mode="after")
    def _consistent(self) -> IndicatorDef:
        if self.type == "computed" and self.source is None:
            raise ValueError(f"computed indicator {self.code} needs a `source`")
        if self.units and not (isinstance(self.source, TableSource) and self.source.org_column):
            raise ValueError(
                f"`units` of {self.code} reads the unit column: give `source.org_column`"
            )
        if self.aggregation is None:
            is_ratio = isinstance(self.source, TableSource) and self.source.numerator is not None
            self.aggregation = "ratio" if is_ratio or self.unit == "%" else "sum"
        return self

    @property
    def is_flow(self) -> bool:
        """Whether values add up over time (counts, sums of rows); stocks and ratios do not."""
        return self.aggregation == "sum" and not isinstance(self.source, CatalogSource)


class IndicatorSummary(BaseModel):
    code: IndicatorCode
    name_vi: str
    name_en: str | None
    unit: str | None
    direction: Direction
    type: IndicatorType
    pack: str | None
    access_level: str


class IndicatorValue(BaseModel):
    """One value of an indicator for a unit and a period, with the lineage that produced it."""

    indicator: IndicatorCode
    period: str
    org: OrgCode
    parent: OrgCode | None = None
    value: float | None
    numerator: float | None = None
    denominator: float | None = None
    rows: int | None = None
    last_data: str | None = None
    status: str | None = None
    source: str | None = None
    snapshot_id: int | None = None
    sql: str | None = None
    lineage: dict[str, Any] = Field(default_factory=dict)
    computed_at: datetime | None = None


class UnresolvedUnit(BaseModel):
    """A unit-column value the registry cannot place: its rows count in ``ALL`` only."""

    value: str | None
    status: Literal["unknown", "ambiguous", "split"]
    note: str = ""
    candidates: list[str] = Field(default_factory=list)
    rows: int
    periods: list[str] = Field(default_factory=list)


class ComputeResult(BaseModel):
    indicator: IndicatorCode
    source_version: str | None
    recomputed: list[str]
    unchanged: list[str]
    removed: list[str]
    values_written: int
    unresolved: list[UnresolvedUnit] = Field(default_factory=list)


class Trace(BaseModel):
    """The rows behind one value: the same query, opened up."""

    value: IndicatorValue
    sql: str | None
    columns: list[str]
    rows: list[dict[str, Any]]
    total: int
    truncated: bool


class TargetCreate(BaseModel):
    indicator: IndicatorCode
    org: OrgCode
    period: str
    value: float | None = None
    low: float | None = None
    high: float | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _value_or_range(self) -> TargetCreate:
        if self.value is None and self.low is None and self.high is None:
            raise ValueError("give a target value, or a range with low and/or high")
        if self.value is not None and (self.low is not None or self.high is not None):
            raise ValueError("give either a value or a range, not both")
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError(f"range low {self.low} is above high {self.high}")
        return self


class Target(TargetCreate):
    id: int
    kind: TargetKind
    status: TargetStatus
    set_by: str
    set_at: datetime
    decided_by: str | None = None
    decided_at: datetime | None = None
    decision_note: str | None = None


class ReportedValueCreate(BaseModel):
    indicator: IndicatorCode
    org: OrgCode
    period: str
    value: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    note: str | None = None


class ReportedValue(ReportedValueCreate):
    """An entered value with its latest decision; correcting it clears the decision (kept in history)."""

    id: int
    status: ReportedStatus
    entered_by: str
    entered_at: datetime
    decided_by: str | None = None
    decided_at: datetime | None = None
    decision_note: str | None = None
    is_late: bool = False


class ReportedDecision(BaseModel):
    """One approval or send-back of an entered value, with the value as it was then."""

    id: int
    entry_id: int
    indicator: IndicatorCode
    org: OrgCode
    period: str
    decision: Literal["approved", "returned"]
    value: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    note: str | None = None
    entered_by: str
    entered_at: datetime
    decided_by: str
    decided_at: datetime
    decision_note: str | None = None


class ReportRow(BaseModel):
    """Target against actual for one indicator, unit and period."""

    indicator: IndicatorCode
    name: str
    unit: str | None
    direction: Direction
    org: OrgCode
    parent: OrgCode | None
    period: str
    actual: float | None
    numerator: float | None = None
    denominator: float | None = None
    target: float | None = None
    target_low: float | None = None
    target_high: float | None = None
    target_source: str | None = None
    achieved_pct: float | None = None
    status: Status
    previous: float | None = None
    change_prev: float | None = None
    year_before: float | None = None
    change_yoy: float | None = None
    rank: int | None = None
    rank_of: int | None = None
    completeness: Literal["ok", "no_data", "stale", "late", "not_approved"] = "ok"
    last_data: str | None = None


class Report(BaseModel):
    period: str
    org: OrgCode
    as_of: datetime
    rows: list[ReportRow]
    completeness: dict[str, Any]


class Analytics(BaseModel):
    """DHIS2-shaped analytics answer: headers, metaData, rows, height, width."""

    headers: list[dict[str, str]]
    metaData: dict[str, Any]  # noqa: N815 - DHIS2's field name
    rows: list[list[str | None]]
    height: int
    width: int


class PackResult(BaseModel):
    pack: str
    indicators: list[IndicatorCode]
    targets: int


def _conditions(v: Any) -> Any:
    """Accept ``{col: value}`` shorthand (a list means IN) beside the explicit list form."""
    if v is None:
        return []
    if isinstance(v, dict):
        return [
            {"column": k, "op": "in" if isinstance(val, list) else "=", "value": val}
            for k, val in v.items()
        ]
    return v

"""The one validation of an incoming 执法 record, for files (CSV/Excel) and the API alike.

:class:`RowChecker` is built once per ingest: it reads the units of the importing unit's
subtree, their 执法主体, the 执法人员 holding a certificate number and the 公示 rules once,
then checks each row in memory (no query per row) and returns either the staged row (a tuple
in :data:`STAGED_COLUMNS` order) or the problems, each naming its column.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from fazhi.core.deadlines import Counting, add_days
from fazhi.core.selectors import calendar_data, province_code_of, rule_for
from fazhi.enforcement.gates import certificate_problem
from fazhi.enforcement.models import Officer, Subject
from fazhi.enforcement_data.models import Kind
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.slots import slots_of


@dataclass(frozen=True)
class Field:
    """One input column: its key (the API's field name), Chinese header and other headers
    accepted for it."""

    key: str
    header: str
    required: bool = False
    aliases: tuple[str, ...] = ()


FIELDS: tuple[Field, ...] = (
    Field("unit", "执法单位编码", aliases=("单位编码",)),
    Field("subject", "执法主体", True, ("执法主体名称",)),
    Field("kind", "执法类别", True, ("执法行为类别", "类别")),
    Field("case_number", "文书号", True, ("案号", "文书号/案号", "决定书文号")),
    Field("decided_on", "决定日期", True, ("决定（检查）日期", "检查日期", "决定日期/检查日期")),
    Field("cause", "案由类别", aliases=("案由",)),
    Field("amount", "罚没金额", aliases=("罚没金额（元）", "罚没金额(元)")),
    Field("major", "重大执法决定", aliases=("是否重大执法决定",)),
    Field("legal_review", "法制审核", aliases=("是否法制审核", "已法制审核")),
    Field("officers", "执法证号", aliases=("执法人员执法证号",)),
    Field("published_on", "公示日期"),
    Field("enterprise", "涉企", aliases=("是否涉企",)),
    Field("credit_code", "统一社会信用代码", aliases=("信用代码",)),
)
BY_KEY = {f.key: f for f in FIELDS}
_KEYS = tuple(f.key for f in FIELDS)
_REQUIRED = tuple(f.key for f in FIELDS if f.required)
_ZERO = Decimal(0)
_CENT = Decimal("0.01")
HEADER_KEYS: dict[str, str] = {}
for _f in FIELDS:
    for _name in (_f.header, *_f.aliases, _f.key):
        HEADER_KEYS[_name] = _f.key

#: Columns of :class:`~fazhi.enforcement_data.models.StagedRecord` a staged row fills, in order.
STAGED_COLUMNS = (
    "batch_id",
    "row",
    "year",
    "unit_id",
    "subject_id",
    "kind",
    "case_number",
    "decided_on",
    "cause",
    "amount",
    "major",
    "legal_review",
    "officers",
    "published_on",
    "publicity_due",
    "published_on_time",
    "enterprise",
    "credit_code",
    "unit_d0",
    "unit_d1",
    "unit_d2",
    "unit_d3",
    "unit_d4",
)

#: The 公示 rule of each kind (行政检查 is not a decision: no 公示 period).
PUBLICITY_RULES = {
    Kind.LICENSE: "enforcement_data.publicity_decision",
    Kind.PENALTY: "enforcement_data.publicity_decision",
    Kind.COERCION: "enforcement_data.publicity_other",
    Kind.LEVY: "enforcement_data.publicity_other",
    Kind.REQUISITION: "enforcement_data.publicity_other",
}
#: Kinds that are carried out by 执法人员 in person: at least one 执法证号 is required.
OFFICER_KINDS = frozenset({Kind.PENALTY, Kind.COERCION, Kind.INSPECTION})

KIND_VALUES: dict[str, str] = {}
for _value, _label in Kind.choices:
    KIND_VALUES[_value] = _value
    KIND_VALUES[str(_label)] = _value
    KIND_VALUES[str(_label).removeprefix("行政")] = _value

YES = {"是", "Y", "y", "1", "true", "True", "TRUE", "yes", "有"}
NO = {"否", "N", "n", "0", "false", "False", "FALSE", "no", "无", ""}
OFFICER_SPLIT = re.compile(r"[、,，;；\s]+")

#: GB 32100-2015 统一社会信用代码: the 31 characters and the weights of the first 17.
CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
MAX_AMOUNT = Decimal("999999999999.99")
_CREDIT_VALUE = {c: i for i, c in enumerate(CREDIT_CHARS)}


def credit_code_problem(code: str) -> str:
    """ "" when ``code`` is a well-formed 统一社会信用代码 (18 characters, GB 32100 check digit)."""
    if len(code) != 18:
        return f"应为 18 位，实为 {len(code)} 位"
    try:
        values = [_CREDIT_VALUE[c] for c in code]
    except KeyError:
        return "含有不允许的字符（只能是数字和除 I、O、Z、S、V 以外的大写字母）"
    total = sum(v * w for v, w in zip(values, CREDIT_WEIGHTS, strict=False))
    check = CREDIT_CHARS[(31 - total % 31) % 31]
    if code[17] != check:
        return "校验码不正确（第 18 位）"
    return ""


def credit_check_char(first17: str) -> str:
    """The check character of a code's first 17 characters (tests and the demo)."""
    total = sum(CREDIT_CHARS.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    return CREDIT_CHARS[(31 - total % 31) % 31]


class Problems(Exception):
    """A row's problems: (column header, reason) pairs."""

    def __init__(self, items: list[tuple[str, str]]) -> None:
        super().__init__(items)
        self.items = items


def _text(value: Any) -> str:
    if type(value) is str:
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


_DATES: dict[str, dt.date] = {}
#: Entries kept by the per-text caches of :class:`RowChecker` before they start again.
CACHE_SIZE = 100_000


def _parse_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    found = _DATES.get(text)
    if found is not None:
        return found
    found = _parse_date_text(text)
    if len(_DATES) > 20000:
        _DATES.clear()
    _DATES[text] = found
    return found


def _parse_date_text(text: str) -> dt.date:
    if len(text) == 10 and text[4] == "-":
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日"):
        try:
            return dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 — a date only
        except ValueError:
            continue
    raise ValueError(text)


def _parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value)
    if text in YES:
        return True
    if text in NO:
        return False
    raise ValueError(text)


@dataclass(slots=True)
class _Officer:
    """The fields of an :class:`~fazhi.enforcement.models.Officer` that
    :func:`~fazhi.enforcement.gates.certificate_problem` reads."""

    name: str
    cert_number: str
    on_staff: bool
    status: str
    cert_issued_on: dt.date | None
    cert_expires_on: dt.date | None


def _interval(officer: _Officer) -> tuple[dt.date, dt.date] | None:
    """The days on which ``officer``'s 执法证 is valid (one interval: from issue to expiry),
    checked against :func:`certificate_problem` at both ends; None when never valid."""
    first = officer.cert_issued_on or dt.date.min
    last = officer.cert_expires_on
    if last is None or last < first:
        return None
    ok = certificate_problem(officer, first) == "" == certificate_problem(officer, last)  # type: ignore[arg-type]
    return (first, last) if ok else None


@dataclass
class _Unit:
    id: int
    path: str
    slots: tuple[int | None, ...]


class RowChecker:
    """Checks rows for an import into ``unit``'s subtree (the importing unit, or the API
    token's unit), as of ``today``. Everything it needs is read here, once."""

    def __init__(self, *, unit: OrgUnit, today: dt.date) -> None:
        self.unit = unit
        self.today = today
        self.units: dict[str, _Unit] = {
            code: _Unit(pk, path, slots_of(path))
            for pk, code, path in OrgUnit.objects.filter(
                path__startswith=unit.path, is_active=True
            ).values_list("pk", "code", "path")
        }
        self.subjects: dict[tuple[int, str], tuple[int, bool, list[str]]] = {
            (unit_id, name): (pk, active, list(categories or []))
            for pk, unit_id, name, active, categories in Subject.objects.filter(
                unit__path__startswith=unit.path
            ).values_list("pk", "unit_id", "name", "active", "categories")
        }
        # Plain rows, not model instances: a province has some 100,000 officers.
        self.officers: dict[str, _Officer] = {
            row[1]: _Officer(*row)
            for row in Officer.objects.filter(unit__path__startswith=unit.path)
            .exclude(cert_number="")
            .values_list(
                "name",
                "cert_number",
                "on_staff",
                "status",
                "cert_issued_on",
                "cert_expires_on",
            )
        }
        #: cert number → (first, last) day its 执法证 is valid, or None when never valid
        self._valid: dict[str, tuple[dt.date, dt.date] | None] = {}
        province = province_code_of(unit)
        self._calendar = calendar_data()
        self._rules = {
            code: rule_for(code, province=province) for code in set(PUBLICITY_RULES.values())
        }
        self._due: dict[tuple[str, dt.date], dt.date] = {}
        #: (unit id, first day of month) of every accepted row: the metric keys to refresh
        self.keys: set[tuple[int, dt.date]] = set()
        #: per distinct cell text (bounded): the check of a credit code, the split 执法证号 list
        self._credit: dict[str, str] = {}
        self._certs: dict[str, list[str]] = {}
        #: 统一社会信用代码 of the accepted 涉企 inspections, and their first and last day:
        #: the 涉企重复检查 alerts to recompute (bounded by the number of enterprises)
        self.inspected: set[str] = set()
        self.inspected_from = dt.date.max
        self.inspected_to = dt.date.min

    # --- derived values, once per distinct date -------------------------------------------
    def publicity_due(self, kind: str, decided_on: dt.date) -> dt.date | None:
        code = PUBLICITY_RULES.get(Kind(kind))
        if code is None:
            return None
        key = (code, decided_on)
        found = self._due.get(key)
        if found is None:
            rule = self._rules[code]
            found = add_days(
                decided_on, rule.days, Counting(rule.counting), calendar=self._calendar
            ).due
            self._due[key] = found
        return found

    def _officer_problem(self, cert: str, on: dt.date) -> str:
        try:
            valid = self._valid[cert]
        except KeyError:
            officer = self.officers.get(cert)
            if officer is None:
                return f"执法证号 {cert} 不是本单位及下级单位登记的执法人员"
            valid = self._valid[cert] = _interval(officer)
        if valid is not None and valid[0] <= on <= valid[1]:
            return ""
        # outside the interval (rare): the reason from the one rule
        return certificate_problem(self.officers[cert], on)  # type: ignore[arg-type]

    # --- one row ---------------------------------------------------------------------------
    def check(self, values: Mapping[str, Any], *, batch_id: int, row: int) -> tuple[Any, ...]:
        """The staged row of ``values`` (keys as in :data:`FIELDS`); :class:`Problems` if not."""
        problems: list[tuple[str, str]] = []

        def bad(key: str, reason: str) -> None:
            problems.append((BY_KEY[key].header, reason))

        get = values.get
        text: dict[str, str] = {}
        for key in _KEYS:  # a CSV cell is a str: strip it without a call (10⁷ cells a year)
            value = get(key)
            text[key] = value.strip() if type(value) is str else _text(value)
        for key in _REQUIRED:
            if not text[key]:
                bad(key, "必填")
        unit_code = text["unit"] or self.unit.code
        unit = self.units.get(unit_code)
        if unit is None:
            bad("unit", f"单位编码 {unit_code} 不存在或不在本单位及下级单位范围内")
        kind_text = text["kind"]
        kind = KIND_VALUES.get(kind_text)
        if kind_text and kind is None:
            bad("kind", f"“{kind_text}”不是行政许可、处罚、强制、征收、征用、检查之一")
        subject_id: int | None = None
        subject_name = text["subject"]
        if unit is not None and subject_name:
            found = self.subjects.get((unit.id, subject_name))
            if found is None:
                bad("subject", f"“{subject_name}”不是该执法单位登记的执法主体")
            elif not found[1]:
                bad("subject", f"执法主体“{subject_name}”已撤销")
            else:
                subject_id = found[0]
                if kind is not None and found[2] and kind not in found[2]:
                    bad("kind", f"执法主体“{subject_name}”没有{Kind(kind).label}职责")
        case_number = text["case_number"]
        if len(case_number) > 60:
            bad("case_number", "不能超过 60 个字符")
        decided_on: dt.date | None = None
        if text["decided_on"]:
            try:
                decided_on = _parse_date(values.get("decided_on"))
            except ValueError:
                bad("decided_on", "日期格式应为 2026-03-01")
            else:
                if decided_on > self.today:
                    bad("decided_on", f"不能晚于今天（{self.today:%Y-%m-%d}）")
                elif decided_on.year < 2000:
                    bad("decided_on", "年份不正确")
        cause = text["cause"]
        if len(cause) > 60:
            bad("cause", "不能超过 60 个字符")
        amount = _ZERO
        if text["amount"] and text["amount"] != "0":
            try:
                amount = Decimal(text["amount"].replace(",", "")).quantize(_CENT)
            except InvalidOperation:
                bad("amount", "应为数字（元）")
            else:
                if amount < 0 or amount > MAX_AMOUNT:
                    bad("amount", "应为 0 至 999999999999.99 之间的金额（元）")
        flags: dict[str, bool] = {}
        for key in ("major", "legal_review", "enterprise"):
            raw = values.get(key)
            try:
                flags[key] = raw if isinstance(raw, bool) else _parse_bool(text[key])
            except ValueError:
                bad(key, "应填“是”或“否”")
                flags[key] = False
        published_on: dt.date | None = None
        if text["published_on"]:
            try:
                published_on = _parse_date(values.get("published_on"))
            except ValueError:
                bad("published_on", "日期格式应为 2026-03-01")
            else:
                if published_on > self.today:
                    bad("published_on", "不能晚于今天")
                elif decided_on is not None and published_on < decided_on:
                    bad("published_on", "不能早于决定日期")
        credit_code = text["credit_code"].upper()
        if credit_code:
            reason = self._credit.get(credit_code)
            if reason is None:
                reason = credit_code_problem(credit_code)
                if len(self._credit) > CACHE_SIZE:
                    self._credit.clear()
                self._credit[credit_code] = reason
            if reason:
                bad("credit_code", reason)
        elif flags["enterprise"]:
            bad("credit_code", "涉企记录必须填写企业的统一社会信用代码")
        certs = self._certs.get(text["officers"])
        if certs is None:
            certs = [c for c in OFFICER_SPLIT.split(text["officers"]) if c]
            if len(self._certs) > CACHE_SIZE:
                self._certs.clear()
            self._certs[text["officers"]] = certs
        if certs and decided_on is not None:
            for cert in certs:
                reason = self._officer_problem(cert, decided_on)
                if reason:
                    bad("officers", f"{reason}，不能作为{decided_on:%Y-%m-%d}的执法人员")
        elif not certs and kind in OFFICER_KINDS:
            bad("officers", f"{Kind(kind).label}应填写执法人员的执法证号")
        officers = "、".join(certs)
        if len(officers) > 120:
            bad("officers", "执法证号合计不能超过 120 个字符")
        if problems:
            raise Problems(problems)
        assert unit is not None and kind is not None and decided_on is not None
        due = self.publicity_due(kind, decided_on)
        on_time: bool | None = None
        if due is not None:
            if published_on is not None:
                on_time = published_on <= due
            elif due < self.today:
                on_time = False
        self.keys.add((unit.id, decided_on.replace(day=1)))
        if kind == Kind.INSPECTION and flags["enterprise"] and credit_code:
            self.inspected.add(credit_code)
            self.inspected_from = min(self.inspected_from, decided_on)
            self.inspected_to = max(self.inspected_to, decided_on)
        return (
            batch_id,
            row,
            decided_on.year,
            unit.id,
            subject_id,
            kind,
            case_number,
            decided_on,
            cause,
            amount,
            flags["major"],
            flags["legal_review"],
            officers,
            published_on,
            due,
            on_time,
            flags["enterprise"],
            credit_code,
            *unit.slots,
        )

"""Pure helpers for the audit log: personal-data masking, snapshots and SM3 chain hashing."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models

GENESIS_HASH = "0" * 64

#: Field names that hold personal data; their values are always masked in logs and history.
PERSONAL_FIELDS = frozenset(
    {
        "id_number",
        "id_card",
        "identity_number",
        "phone",
        "mobile",
        "telephone",
        "contact_phone",
        "applicant_phone",
        "applicant_id_number",
        "applicant_name",
        "applicant_address",
        "plaintiff_name",
        "password",
    }
)
_ID_RE = re.compile(r"(?<!\d)(\d{6})(\d{8})(\d{3}[\dXx])(?!\d)")
_MOBILE_RE = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")


def mask_value(value: str) -> str:
    """Mask a personal value: keep a few leading and trailing characters."""
    if not value:
        return value
    if value and len(value) <= 4:
        return "*" * len(value)
    keep_head = 6 if len(value) >= 15 else 3
    keep_tail = 4 if len(value) >= 11 else 2
    return value[:keep_head] + "*" * (len(value) - keep_head - keep_tail) + value[-keep_tail:]


def mask_text(text: str) -> str:
    """Mask ID-card and mobile numbers found anywhere in free text."""
    text = _ID_RE.sub(lambda m: m.group(1) + "*" * 8 + m.group(3)[-4:], text)
    return _MOBILE_RE.sub(lambda m: m.group(1) + "****" + m.group(3), text)


def mask_personal(data: Any, key: str = "") -> Any:
    """Deep-copy ``data`` with personal fields and ID/mobile patterns masked."""
    if isinstance(data, Mapping):
        return {k: mask_personal(v, str(k)) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [mask_personal(v, key) for v in data]
    if isinstance(data, str):
        if key in PERSONAL_FIELDS or key.endswith(("_phone", "_id_number")):
            return mask_value(data)
        return mask_text(data)
    return data


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def snapshot(obj: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """A JSON-safe dict of the object's concrete field values (FKs as ids), unmasked."""
    names = set(fields) if fields is not None else None
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if names is not None and field.name not in names:
            continue
        data[field.name] = _plain(getattr(obj, field.attname))
    return data


def field_label(model: type[models.Model], name: str) -> str:
    """The Chinese label (verbose_name) of a model field, or the name itself."""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    return str(getattr(field, "verbose_name", name))


def _shown_field(model: type[models.Model], name: str) -> models.Field[Any, Any] | None:
    """The model field ``name`` if users should see its changes (not ids, stamps, hashes)."""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    if not isinstance(field, models.Field) or field.primary_key or not field.editable:
        return None
    return field


def display_value(field: models.Field[Any, Any], value: Any) -> Any:
    """A snapshot value as a user reads it: choice labels, 是/否, unit names, local times.

    Foreign keys are looked up (one query each), so call this only for changed fields.
    """
    if value is None or value == "":
        return value
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return "是" if value else "否"
    if isinstance(field, models.ForeignKey) and isinstance(value, int):
        target = field.related_model
        assert isinstance(target, type)
        related = target._default_manager.filter(pk=value).first()
        return str(related) if related is not None else value
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        from django.utils import timezone

        moment = dt.datetime.fromisoformat(value)
        return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment.tzinfo else value
    return value


def field_changes(
    model: type[models.Model], before: Mapping[str, Any] | None, after: Mapping[str, Any] | None
) -> list[dict[str, Any]]:
    """The user-visible fields that differ between two snapshots, as users read them, masked.

    Internal fields (primary key, automatic timestamps, non-editable digests) are left out;
    choice codes become their Chinese labels, booleans 是/否, foreign keys the related name.
    """
    before, after = before or {}, after or {}
    changes = []
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        field = _shown_field(model, name)
        if old == new or field is None:
            continue
        changes.append(
            {
                "field": name,
                "label": field_label(model, name),
                "old": mask_personal(display_value(field, old), name),
                "new": mask_personal(display_value(field, new), name),
            }
        )
    return changes


@dataclass(frozen=True)
class ChainFields:
    """The fields of an audit entry covered by its hash."""

    seq: int
    at: dt.datetime
    actor_id: int | None
    actor_name: str
    actor_role: str
    unit_path: str
    unit_code: str
    unit_name: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    before: Any
    after: Any
    prev_hash: str


def canonical(fields: ChainFields) -> bytes:
    at = fields.at.astimezone(dt.UTC).isoformat(timespec="microseconds")
    payload = {**fields.__dict__, "at": at}
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def chain_hash(fields: ChainFields) -> str:
    """SM3 over the canonical JSON of the entry, which includes the previous hash."""
    return hashlib.new("sm3", canonical(fields)).hexdigest()


@dataclass(frozen=True)
class BrokenLink:
    seq: int
    reason: str


def verify_chain(entries: Iterable[tuple[ChainFields, str]]) -> tuple[int, BrokenLink | None]:
    """Check entries in sequence order; returns (entries checked, first broken link or None)."""
    expected_prev, expected_seq, checked = GENESIS_HASH, 1, 0
    for fields, stored_hash in entries:
        checked += 1
        if fields.seq != expected_seq:
            return checked, BrokenLink(
                expected_seq, f"缺少第 {expected_seq} 条（下一条为第 {fields.seq} 条）"
            )
        if fields.prev_hash != expected_prev:
            return checked, BrokenLink(fields.seq, "前一条哈希不匹配（前一条被修改或删除）")
        if chain_hash(fields) != stored_hash:
            return checked, BrokenLink(fields.seq, "内容与哈希不符（该条被修改）")
        expected_prev, expected_seq = stored_hash, fields.seq + 1
    return checked, None

"""Pure helpers for the audit log: personal-data masking, snapshots, the keyed (HMAC-SM3) hash
chain and anchors of its head."""

from __future__ import annotations

import datetime as dt
import hmac
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
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
_DIGITS_11 = re.compile(r"\d{11}")


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
    if len(text) < 11 or _DIGITS_11.search(text) is None:  # both need 11 digits in a row
        return text
    text = _ID_RE.sub(lambda m: m.group(1) + "*" * 8 + m.group(3)[-4:], text)
    return _MOBILE_RE.sub(lambda m: m.group(1) + "****" + m.group(3), text)


def mask_personal(data: Any, key: str = "", personal: frozenset[str] = frozenset()) -> Any:
    """Deep-copy ``data`` with personal fields and ID/mobile patterns masked. ``personal``: more
    field names to mask (a model's encrypted fields, :func:`encrypted_field_names`)."""
    if isinstance(data, Mapping):  # scalars other than text are kept as they are (fast path)
        return {
            k: v
            if v is None or isinstance(v, bool | int | float)
            else mask_personal(v, str(k), personal)
            for k, v in data.items()
        }
    if isinstance(data, list | tuple):
        return [mask_personal(v, key, personal) for v in data]
    if isinstance(data, str):
        if key in PERSONAL_FIELDS or key in personal or key.endswith(("_phone", "_id_number")):
            return mask_value(data)
        return mask_text(data)
    return data


@cache
def encrypted_field_names(object_type: str) -> frozenset[str]:
    """The names of the encrypted fields (``EncryptedTextField``) of the model ``app.model``:
    personal data whatever the field is called (a register's 当事人, say), masked in the audit
    log and the history like the names in :data:`PERSONAL_FIELDS`."""
    from django.apps import apps

    from fazhi.core.crypto import EncryptedTextField

    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return frozenset()
    return frozenset(
        f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)
    )


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


def display_value(
    field: models.Field[Any, Any], value: Any, instance: models.Model | None = None
) -> Any:
    """A snapshot value as a user reads it: choice labels, 是/否, unit names, local times.

    Foreign keys are looked up (one query each), so call this only for changed fields; none
    when ``instance`` already holds that related row (issue 15: fewer queries per write).
    """
    if value is None or value == "":
        return value
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return "是" if value else "否"
    if isinstance(field, models.ForeignKey) and isinstance(value, int):
        if (
            instance is not None
            and getattr(instance, field.attname, None) == value
            and field.is_cached(instance)
        ):
            return str(field.get_cached_value(instance))
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
    model: type[models.Model],
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    instance: models.Model | None = None,
) -> list[dict[str, Any]]:
    """The user-visible fields that differ between two snapshots, as users read them, masked.

    Internal fields (primary key, automatic timestamps, non-editable digests) are left out;
    choice codes become their Chinese labels, booleans 是/否, foreign keys the related name.
    """
    before, after = before or {}, after or {}
    personal = encrypted_field_names(model._meta.label_lower)
    changes = []
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old == new:
            continue
        field = _shown_field(model, name)
        if field is None:
            continue
        changes.append(
            {
                "field": name,
                "label": field_label(model, name),
                "old": mask_personal(display_value(field, old), name, personal),
                "new": mask_personal(display_value(field, new, instance), name, personal),
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
    source_ip: str = ""


def canonical(fields: ChainFields) -> bytes:
    at = fields.at.astimezone(dt.UTC).isoformat(timespec="microseconds")
    payload = {**fields.__dict__, "at": at}
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def chain_key() -> bytes:
    """The audit chain's key (``settings.AUDIT_CHAIN_KEY``: FAZHI_AUDIT_KEY or var/audit_key)."""
    from django.conf import settings

    key = settings.AUDIT_CHAIN_KEY
    assert isinstance(key, bytes) and key
    return key


def chain_hash(fields: ChainFields, key: bytes | None = None) -> str:
    """HMAC-SM3, keyed with the chain key, over the canonical JSON of the entry (which includes
    the previous hash). Without the key nobody can recompute a chain that verifies."""
    return hmac.new(key or chain_key(), canonical(fields), "sm3").hexdigest()


@dataclass(frozen=True)
class BrokenLink:
    seq: int
    reason: str


def verify_chain(
    entries: Iterable[tuple[ChainFields, str]], key: bytes | None = None
) -> tuple[int, BrokenLink | None]:
    """Check entries in sequence order; returns (entries checked, first broken link or None)."""
    key = key or chain_key()
    expected_prev, expected_seq, checked = GENESIS_HASH, 1, 0
    for fields, stored_hash in entries:
        checked += 1
        if fields.seq != expected_seq:
            return checked, BrokenLink(
                expected_seq, f"缺少第 {expected_seq} 条（下一条为第 {fields.seq} 条）"
            )
        if fields.prev_hash != expected_prev:
            return checked, BrokenLink(fields.seq, "前一条哈希不匹配（前一条被修改或删除）")
        if not hmac.compare_digest(chain_hash(fields, key), stored_hash):
            return checked, BrokenLink(
                fields.seq, "内容与哈希不符（该条被修改，或哈希不是用本系统的审计链密钥计算的）"
            )
        expected_prev, expected_seq = stored_hash, fields.seq + 1
    return checked, None


# --- anchors: the head written down elsewhere -------------------------------------------------

ANCHOR_KIND = "fazhi-audit-anchor"


@dataclass(frozen=True)
class Anchor:
    """The chain head at a moment: the last entry's sequence number, hash and time, the moment
    the anchor was taken, and an HMAC-SM3 of those under the chain key (so an anchor file cannot
    be made up without the key)."""

    seq: int
    hash: str
    at: str
    taken_at: str
    mac: str = ""

    def payload(self) -> bytes:
        data = {"kind": ANCHOR_KIND, "seq": self.seq, "hash": self.hash, "at": self.at}
        data["taken_at"] = self.taken_at
        return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()

    def signed(self, key: bytes | None = None) -> Anchor:
        mac = hmac.new(key or chain_key(), self.payload(), "sm3").hexdigest()
        return Anchor(self.seq, self.hash, self.at, self.taken_at, mac)

    def mac_ok(self, key: bytes | None = None) -> bool:
        return hmac.compare_digest(self.signed(key).mac, self.mac)

    def to_json(self) -> dict[str, Any]:
        return {"kind": ANCHOR_KIND, **self.__dict__}


class AnchorFormatError(ValueError):
    """The anchor file is not an anchor written by ``fazhi audit anchor``."""


def anchor_from_json(data: Any) -> Anchor:
    """Read an anchor written by :meth:`Anchor.to_json`; refuse anything else in Chinese."""
    if not isinstance(data, dict) or data.get("kind") != ANCHOR_KIND:
        raise AnchorFormatError("不是 fazhi audit anchor 生成的锚点文件")
    try:
        anchor = Anchor(
            seq=int(data["seq"]),
            hash=str(data["hash"]),
            at=str(data["at"]),
            taken_at=str(data["taken_at"]),
            mac=str(data["mac"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise AnchorFormatError(f"锚点文件缺少或有错误的字段：{exc}") from exc
    if anchor.seq < 0:
        raise AnchorFormatError("锚点文件的序号 seq 不能为负数")
    return anchor


def check_anchor(
    anchor: Anchor, stored_hash: str | None, chain_length: int, key: bytes | None = None
) -> BrokenLink | None:
    """Compare an anchor with the chain: ``stored_hash`` is the hash the database holds for the
    anchor's entry (None if it has no such entry), ``chain_length`` the number of entries that
    verify. Detects a made-up anchor, truncation, and a rewritten chain (even one recomputed
    with the key, since the anchored hash was kept elsewhere)."""
    if not anchor.mac_ok(key):
        return BrokenLink(
            anchor.seq, "锚点文件的校验码不符（锚点文件被修改，或不是用本系统的密钥生成的）"
        )
    if chain_length < anchor.seq or stored_hash is None:
        return BrokenLink(
            anchor.seq,
            f"审计日志只到第 {chain_length} 条，短于锚点记录的第 {anchor.seq} 条"
            "（其后的记录被删除）",
        )
    if anchor.seq and not hmac.compare_digest(stored_hash, anchor.hash):
        return BrokenLink(
            anchor.seq, "该条的哈希与锚点记录的不同（该条或之前的记录被改写并重新计算）"
        )
    return None

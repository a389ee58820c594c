"""Upgrade of an existing audit log from the plain SM3 chain to the keyed HMAC-SM3 chain.

Run once by migration ``core.0004_audit_source_ip_keyed_chain``; written against the
migration's historical models, and with both algorithms frozen here (the old one must never
change, and the new one is the one of the release that introduced it; a test checks it agrees
with :func:`fazhi.core.audit.chain_hash`).

1. The old chain is verified as the old ``fazhi audit verify`` did: sequence numbers without
   gaps, each entry linked to the previous hash, each hash = SM3(canonical JSON), and the chain
   head's count and hash equal to the last entry's.
2. If it is intact, every entry is re-hashed with the key (the content, including the new empty
   来源地址, is unchanged), the head is updated, and one entry ``audit.rekey`` is appended that
   records the change (how many entries, that the old chain was intact).
3. If it is broken, nothing is changed and :class:`LegacyChainBroken` stops the migration with
   a Chinese message naming the first bad entry. The operator then either restores the database
   from a backup taken before the damage and runs ``fazhi migrate`` again (the recommended
   course), or, having examined the entry and decided the log is to be kept as it is, sets
   ``FAZHI_AUDIT_REKEY_ACCEPT_BROKEN`` to that entry's number and runs ``fazhi migrate`` again:
   the entries are then re-hashed as they are, and the ``audit.rekey`` entry records the number
   and the reason, so the chain itself says from where its integrity was not established before
   the upgrade. A missing entry in the middle cannot be accepted (the numbers would not run on):
   only a backup helps there.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

GENESIS_HASH = "0" * 64
ACCEPT_ENV = "FAZHI_AUDIT_REKEY_ACCEPT_BROKEN"
REKEY_ACTION = "audit.rekey"
BATCH = 2000

#: the fields the old (plain SM3) chain covered, in ChainFields order
LEGACY_FIELDS = (
    "seq",
    "at",
    "actor_id",
    "actor_name",
    "actor_role",
    "unit_path",
    "unit_code",
    "unit_name",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "before",
    "after",
    "prev_hash",
)
#: the fields the keyed chain covers
KEYED_FIELDS = (*LEGACY_FIELDS, "source_ip")


def _canonical(row: Any, names: tuple[str, ...], prev_hash: str) -> bytes:
    payload = {name: getattr(row, name) for name in names}
    payload["prev_hash"] = prev_hash
    payload["at"] = row.at.astimezone(dt.UTC).isoformat(timespec="microseconds")
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def legacy_hash(row: Any) -> str:
    """The old chain's hash of an entry: SM3 over its canonical JSON (no key, no address)."""
    return hashlib.new("sm3", _canonical(row, LEGACY_FIELDS, row.prev_hash)).hexdigest()


def keyed_hash(row: Any, prev_hash: str, key: bytes) -> str:
    """The keyed chain's hash of an entry linked to ``prev_hash``: HMAC-SM3 under ``key``."""
    return hmac.new(key, _canonical(row, KEYED_FIELDS, prev_hash), "sm3").hexdigest()


@dataclass(frozen=True)
class Break:
    seq: int
    reason: str
    gap: bool = False


class LegacyChainBroken(RuntimeError):
    """The old chain does not verify: the migration stops and changes nothing."""

    def __init__(self, brk: Break) -> None:
        self.brk = brk
        if brk.gap:
            how = (
                "中间缺少记录无法在原链基础上继续，"
                "请从损坏前的备份恢复数据库后重新运行 fazhi migrate。"
            )
        else:
            how = (
                "请先从损坏前的备份恢复数据库后重新运行 fazhi migrate（推荐）；若已查明原因、决定"
                f"按现状保留审计日志，可设置环境变量 {ACCEPT_ENV}={brk.seq} "
                "后重新运行 fazhi migrate，"
                "届时将按现状重新计算哈希，并在审计日志中追加一条记录写明此处断裂。"
            )
        super().__init__(
            f"审计日志原哈希链在第 {brk.seq} 条断裂：{brk.reason}。"
            f"为免掩盖篡改，启用审计链密钥的数据迁移已停止，数据库未作任何修改。{how}"
        )


def _batches(entry_model: Any) -> Any:
    """Every entry in sequence order, read in batches by sequence number."""
    last = 0
    while True:
        rows = list(entry_model.objects.filter(seq__gt=last).order_by("seq")[:BATCH])
        if not rows:
            return
        yield rows
        last = rows[-1].seq


def legacy_break(entry_model: Any, head_model: Any) -> tuple[int, Break | None]:
    """(entries, first break of the old SM3 chain or None), as the old ``audit verify`` saw it."""
    expected_prev, expected_seq = GENESIS_HASH, 1
    for rows in _batches(entry_model):
        for row in rows:
            if row.seq != expected_seq:
                reason = f"缺少第 {expected_seq} 条（下一条为第 {row.seq} 条）"
                return expected_seq - 1, Break(expected_seq, reason, gap=True)
            if row.prev_hash != expected_prev:
                return row.seq, Break(row.seq, "前一条哈希不匹配（前一条被修改或删除）")
            if legacy_hash(row) != row.hash:
                return row.seq, Break(row.seq, "内容与哈希不符（该条被修改）")
            expected_prev, expected_seq = row.hash, row.seq + 1
    count = expected_seq - 1
    head = head_model.objects.filter(id=1).first()
    if head is None:
        return count, (Break(1, "链头记录缺失") if count else None)
    if head.last_seq != count:
        return count, Break(
            count + 1, f"末尾记录缺失（链头记录共 {head.last_seq} 条，实存 {count} 条）"
        )
    if count and head.last_hash != expected_prev:
        return count, Break(count, "末条记录与链头哈希不符（末条被改写）")
    return count, None


def _accepted(brk: Break, accept: str) -> bool:
    return not brk.gap and accept.strip() == str(brk.seq)


def rekey(entry_model: Any, head_model: Any, key: bytes, accept: str | None = None) -> int:
    """Verify the old chain and re-hash it under ``key`` (see the module docstring); returns
    the number of entries re-hashed. ``accept`` defaults to the environment variable
    :data:`ACCEPT_ENV`. Raises :class:`LegacyChainBroken` (nothing changed) if the old chain is
    broken and the operator has not accepted that very entry."""
    accept = os.environ.get(ACCEPT_ENV, "") if accept is None else accept
    _, brk = legacy_break(entry_model, head_model)
    if brk is not None and not _accepted(brk, accept):
        raise LegacyChainBroken(brk)
    prev = GENESIS_HASH
    rehashed = 0
    for rows in _batches(entry_model):
        for row in rows:
            row.prev_hash = prev
            row.hash = prev = keyed_hash(row, prev, key)
        entry_model.objects.bulk_update(rows, ["prev_hash", "hash"])
        rehashed += len(rows)
    if rehashed:
        prev = _append_record(entry_model, rehashed, prev, key, brk)
    head_model.objects.update_or_create(
        id=1, defaults={"last_seq": entry_model.objects.count(), "last_hash": prev}
    )
    return rehashed


def _append_record(entry_model: Any, count: int, prev: str, key: bytes, brk: Break | None) -> str:
    """Append the ``audit.rekey`` entry that says the chain is now keyed; returns its hash."""
    if brk is None:
        note = "原 SM3 哈希链校验完整，已改为带密钥的 HMAC-SM3 哈希链"
    else:
        note = (
            f"原 SM3 哈希链在第 {brk.seq} 条断裂（{brk.reason}），经确认按现状保留，"
            "已改为带密钥的 HMAC-SM3 哈希链；原链自该条起未能证明完整"
        )
    row = entry_model(
        seq=count + 1,
        at=timezone.now().astimezone(dt.UTC),
        actor_id=None,
        actor_name="系统升级（数据迁移）",
        actor_role="",
        unit_path="/",
        unit_code="",
        unit_name="全系统",
        action=REKEY_ACTION,
        object_type="core.auditentry",
        object_id="",
        object_repr="审计链启用密钥",
        before=None,
        after={"count": count, "note": note},
        prev_hash=prev,
        source_ip="",
    )
    row.hash = keyed_hash(row, prev, key)
    row.save()
    return str(row.hash)

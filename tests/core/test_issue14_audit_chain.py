"""Issue 14 item 3: the keyed audit chain, anchors, archive export, 来源地址, append-only.

GB/T 22239-2019 8.1.4.3 安全审计 c) 应对审计记录进行保护，定期备份，避免受到未预期的删除、修改或
覆盖; 网络安全法第二十一条 留存相关的网络日志不少于六个月. A tamperer with database access is
played by raw SQL with the append-only triggers suspended (the database owner can drop them).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import io
import json
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory, override_settings
from openpyxl import load_workbook
from tests.personas import County

from fazhi.core import audit_guard, audit_rekey
from fazhi.core.audit import ChainFields, canonical, chain_hash
from fazhi.core.command import UsageError
from fazhi.core.models import AuditEntry, AuditHead
from fazhi.core.request_context import SourceAddressMiddleware, client_ip, current_source_ip
from fazhi.core.selectors import _chain_rows, audit_verify
from fazhi.core.services import audit_append
from fazhi.orgs.scoping import Actor
from fazhi.orgs.services import orgunit_update

WRONG_KEY = bytes(range(32))


def run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("audit", *args, stdout=out, stderr=io.StringIO())
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, out.getvalue()


def verify_json(*args: str) -> tuple[int, dict[str, Any]]:
    code, text = run("verify", "--json", *args)
    return code, json.loads(text)


def rows() -> list[tuple[ChainFields, str]]:
    return list(_chain_rows())


def rewrite_chain(from_seq: int, change: dict[str, Any], digest: Any) -> None:
    """Rewrite entry ``from_seq`` with ``change`` and recompute it and every later entry with
    ``digest(fields)``, relinking prev_hash and the head: what a tamperer would do."""
    prev = ""
    with audit_guard.suspended(connection), connection.cursor() as cursor:
        for fields, stored in rows():
            if fields.seq < from_seq:
                prev = stored
                continue
            updates = change if fields.seq == from_seq else {}
            forged = ChainFields(**{**fields.__dict__, **updates, "prev_hash": prev or "0" * 64})
            prev = digest(forged)
            sets = ", ".join(f"{name} = %s" for name in updates)
            cursor.execute(
                f"UPDATE core_auditentry SET {sets + ', ' if sets else ''}prev_hash = %s, "
                "hash = %s WHERE seq = %s",
                [*updates.values(), forged.prev_hash, prev, fields.seq],
            )
        cursor.execute("UPDATE core_audithead SET last_hash = %s WHERE id = 1", [prev])


def some_writes(county: County, n: int = 3) -> int:
    for i in range(n):
        orgunit_update(actor=county.actor("clerk_a"), unit=county.town_a, address=f"地址{i}")
    return AuditEntry.objects.count()


# --- the keyed chain ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_chain_recomputed_with_plain_sm3_is_detected(county: County) -> None:
    total = some_writes(county)
    target = total - 2
    rewrite_chain(
        target,
        {"actor_name": "别人"},
        lambda f: hashlib.new("sm3", canonical(f)).hexdigest(),
    )
    code, result = verify_json()
    assert code == 1 and result["ok"] is False
    assert result["broken_seq"] == target
    assert "密钥" in result["reason"]
    code, text = run("verify")
    assert code == 1
    assert f"审计日志被篡改：第 {target} 条" in text


@pytest.mark.django_db
def test_chain_recomputed_with_a_wrong_key_is_detected(county: County) -> None:
    total = some_writes(county)
    rewrite_chain(
        total - 1, {"after": json.dumps({"address": "假"})}, lambda f: chain_hash(f, WRONG_KEY)
    )
    _, broken = audit_verify()
    assert broken is not None and broken.seq == total - 1


@pytest.mark.django_db
def test_the_key_is_the_one_from_settings_and_a_different_key_fails(county: County) -> None:
    assert len(settings.AUDIT_CHAIN_KEY) == 32
    assert audit_verify()[1] is None
    with override_settings(AUDIT_CHAIN_KEY=WRONG_KEY):
        _, broken = audit_verify()
    assert broken is not None and broken.seq == 1


def test_the_audit_key_file_is_created_private(tmp_path: Path) -> None:
    import subprocess
    import sys

    env = {"FAZHI_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    code = "from django.conf import settings; print(settings.AUDIT_CHAIN_KEY.hex())"
    args = [
        sys.executable,
        "-c",
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'fazhi.settings'; "
        f"django.setup(); {code}",
    ]
    first = subprocess.run(args, env=env, capture_output=True, text=True, check=True).stdout
    again = subprocess.run(args, env=env, capture_output=True, text=True, check=True).stdout
    key_file = tmp_path / "audit_key"
    assert first == again and first.strip() == key_file.read_text().strip()
    assert key_file.stat().st_mode & 0o777 == 0o600
    bad = subprocess.run(args, env=env | {"FAZHI_AUDIT_KEY": "abc"}, capture_output=True, text=True)
    assert bad.returncode != 0 and "FAZHI_AUDIT_KEY 必须是 64 位十六进制数" in bad.stderr


# --- anchors -----------------------------------------------------------------------------------


def take_anchor(tmp_path: Path) -> Path:
    path = tmp_path / "anchor.json"
    code, _ = run("anchor", "--out", str(path))
    assert code == 0
    return path


@pytest.mark.django_db
def test_anchor_records_the_head_and_verify_accepts_it(county: County, tmp_path: Path) -> None:
    some_writes(county)
    path = take_anchor(tmp_path)
    data = json.loads(path.read_text(encoding="utf-8"))
    last = AuditEntry.objects.order_by("-seq").first()
    assert last is not None and last.action == "audit.anchor"  # taking an anchor is audited
    assert (data["seq"], data["hash"]) == (last.seq, last.hash)
    assert data["kind"] == "fazhi-audit-anchor" and data["at"] and data["taken_at"] and data["mac"]
    some_writes(county, 2)  # the chain grows on: still consistent with the anchor
    code, result = verify_json("--anchor", str(path))
    assert code == 0 and result["ok"] and result["anchor_seq"] == data["seq"]
    _, text = run("verify", "--anchor", str(path))
    assert f"并与锚点（第 {data['seq']} 条）一致" in text


@pytest.mark.django_db
def test_anchor_to_stdout(county: County) -> None:
    code, text = run("anchor")
    assert code == 0
    assert json.loads(text)["seq"] == AuditEntry.objects.count()


@pytest.mark.django_db
def test_anchor_detects_truncation(county: County, tmp_path: Path) -> None:
    some_writes(county)
    path = take_anchor(tmp_path)
    anchored = json.loads(path.read_text())["seq"]
    # delete the newest entries and set the head back: the chain alone still verifies
    with audit_guard.suspended(connection), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE seq >= %s", [anchored - 1])
        last = AuditEntry.objects.get(seq=anchored - 2)
        cursor.execute(
            "UPDATE core_audithead SET last_seq = %s, last_hash = %s", [last.seq, last.hash]
        )
    assert audit_verify()[1] is None
    code, result = verify_json("--anchor", str(path))
    assert code == 1 and result["broken_seq"] == anchored
    assert "短于锚点" in result["reason"]


@pytest.mark.django_db
def test_anchor_detects_a_rewrite_recomputed_even_with_the_real_key(
    county: County, tmp_path: Path
) -> None:
    total = some_writes(county)
    path = take_anchor(tmp_path)
    rewrite_chain(total - 1, {"actor_name": "别人"}, chain_hash)  # whoever stole the key
    assert audit_verify()[1] is None  # the chain alone cannot tell
    code, result = verify_json("--anchor", str(path))
    assert code == 1 and result["broken_seq"] == total + 1
    assert "改写" in result["reason"]


@pytest.mark.django_db
def test_a_made_up_or_edited_anchor_file_is_refused(county: County, tmp_path: Path) -> None:
    path = take_anchor(tmp_path)
    data = json.loads(path.read_text())
    data["seq"] -= 1
    path.write_text(json.dumps(data))
    code, result = verify_json("--anchor", str(path))
    assert code == 1 and "锚点文件的校验码不符" in result["reason"]
    path.write_text("{}")
    with pytest.raises(UsageError, match="不是 fazhi audit anchor 生成的锚点文件"):
        run("verify", "--anchor", str(path))
    with pytest.raises(UsageError, match="不存在"):
        run("verify", "--anchor", str(tmp_path / "none.json"))


# --- export ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_export_jsonl_between_dates_keeps_masked_data_and_hashes(
    county: County, tmp_path: Path
) -> None:
    with time_machine.travel(dt.datetime(2026, 3, 1, 10, tzinfo=dt.UTC), tick=False):
        orgunit_update(
            actor=county.actor("clerk_a"), unit=county.town_a, contact_phone="13812345678"
        )
    with time_machine.travel(dt.datetime(2026, 5, 1, 10, tzinfo=dt.UTC), tick=False):
        orgunit_update(actor=county.actor("clerk_a"), unit=county.town_a, address="五月")
    out = tmp_path / "audit.jsonl"
    code, text = run("export", "--since", "2026-02-01", "--until", "2026-03-31", "--out", str(out))
    assert code == 0 and "已导出审计日志 1 条" in text
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 1
    record = records[0]
    assert record["after"] == {"contact_phone": "138****5678"}
    assert "13812345678" not in out.read_text(encoding="utf-8")
    stored = AuditEntry.objects.get(seq=record["seq"])
    assert (record["hash"], record["prev_hash"]) == (stored.hash, stored.prev_hash)
    assert record["action_label"] == "单位·修改"
    assert AuditEntry.objects.order_by("-seq").first().action == "audit.export"  # type: ignore[union-attr]


@pytest.mark.django_db
def test_export_xlsx_with_chinese_headers_and_no_formulas(county: County, tmp_path: Path) -> None:
    orgunit_update(actor=county.actor("clerk_a"), unit=county.town_a, address="=HYPERLINK(1)")
    out = tmp_path / "audit.xlsx"
    assert run("export", "--out", str(out))[0] == 0
    ws = load_workbook(out).active
    assert ws is not None
    header = [c.value for c in ws[1]]
    assert header[:4] == ["序号", "时间", "操作人账号ID", "操作人"] and "来源地址" in header
    assert ws.max_row - 1 == AuditEntry.objects.count() - 1  # all but the export's own entry
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


@pytest.mark.django_db
def test_export_refuses_bad_input(county: County, tmp_path: Path) -> None:
    def fails(*argv: str) -> str:
        with pytest.raises(UsageError) as exc:
            run(*argv)
        assert exc.value.returncode == 2
        return str(exc.value)

    jsonl = str(tmp_path / "a.jsonl")
    assert "--out" in fails("export")
    assert "不支持" in fails("export", "--out", str(tmp_path / "a.csv"))
    assert "不是日期" in fails("export", "--since", "2026-13-01", "--out", jsonl)
    assert "早于" in fails(
        "export", "--since", "2026-03-01", "--until", "2026-02-01", "--out", jsonl
    )


# --- 来源地址 ----------------------------------------------------------------------------------


def test_client_ip_is_remote_addr_unless_a_trusted_proxy_forwards() -> None:
    forged = {"REMOTE_ADDR": "203.0.113.9", "HTTP_X_FORWARDED_FOR": "1.2.3.4"}
    assert client_ip(forged, []) == "203.0.113.9"  # no proxy trusted: the header is ignored
    assert client_ip(forged, ["10.0.0.5"]) == "203.0.113.9"  # not from the trusted proxy
    via = {"REMOTE_ADDR": "10.0.0.5", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 198.51.100.7"}
    assert client_ip(via, ["10.0.0.5"]) == "198.51.100.7"  # first untrusted hop from the right
    chain = {"REMOTE_ADDR": "10.0.0.5", "HTTP_X_FORWARDED_FOR": "198.51.100.7, 10.0.0.6"}
    assert client_ip(chain, ["10.0.0.0/24"]) == "198.51.100.7"
    assert client_ip({"REMOTE_ADDR": "10.0.0.5", "HTTP_X_FORWARDED_FOR": "x"}, ["10.0.0.5"]) == (
        "10.0.0.5"
    )
    assert client_ip({"REMOTE_ADDR": "::ffff:192.0.2.1"}, []) == "192.0.2.1"
    assert client_ip({}, []) == ""


def test_a_bad_trusted_proxy_setting_is_refused_naming_it() -> None:
    from django.core.exceptions import ImproperlyConfigured

    refused = pytest.raises(ImproperlyConfigured, match=r"10\.0\.0\.300")
    with override_settings(FAZHI_TRUSTED_PROXIES=["10.0.0.300"]), refused:
        SourceAddressMiddleware(lambda request: None)  # type: ignore[arg-type,return-value]


@pytest.mark.django_db
def test_source_address_recorded_from_remote_addr(county: County) -> None:
    target = county.memberships["clerk_b"]
    client = county.client("secadmin")
    response = client.post(
        f"/orgs/memberships/{target.pk}/revoke/",
        REMOTE_ADDR="192.0.2.44",
        HTTP_X_FORWARDED_FOR="6.6.6.6",
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.filter(action="membership.revoke").latest("seq")
    assert entry.source_ip == "192.0.2.44"
    assert audit_verify()[1] is None  # the address is covered by the hash
    fields, stored = next((f, h) for f, h in rows() if f.seq == entry.seq)
    assert fields.source_ip == "192.0.2.44"
    forged = ChainFields(**{**fields.__dict__, "source_ip": "192.0.2.45"})
    assert chain_hash(forged) != stored
    page = county.client("auditor").get("/audit/").content.decode()
    assert "<th>操作人<br>来源地址</th>" in page
    assert '<small class="ip muted" title="来源地址">192.0.2.44</small>' in page


@pytest.mark.django_db
@override_settings(FAZHI_TRUSTED_PROXIES=["10.0.0.5"])
def test_source_address_through_a_trusted_proxy_only(county: County) -> None:
    client = county.client("secadmin")
    for persona, remote in (("clerk_a", "10.0.0.5"), ("clerk_b", "10.0.0.99")):
        membership = county.memberships[persona]
        client.post(
            f"/orgs/memberships/{membership.pk}/revoke/",
            REMOTE_ADDR=remote,
            HTTP_X_FORWARDED_FOR="198.51.100.7",
        )
    entries = AuditEntry.objects.filter(action="membership.revoke").order_by("seq")
    assert [e.source_ip for e in entries] == ["198.51.100.7", "10.0.0.99"]


@pytest.mark.django_db
def test_command_line_entries_have_no_address_and_callers_may_name_one(county: County) -> None:
    cli = Actor.command_line()
    entry = audit_append(actor=cli, action="calendar_day.set", object_type="core.calendarday")
    assert entry.source_ip == ""
    named = audit_append(
        actor=cli, action="calendar_day.set", object_type="core.calendarday", ip="2001:DB8::1"
    )
    assert named.source_ip == "2001:db8::1"
    assert audit_verify()[1] is None


def test_the_middleware_holds_the_address_only_during_the_request() -> None:
    seen = []

    def view(request: Any) -> Any:
        seen.append(current_source_ip())
        return None

    middleware = SourceAddressMiddleware(view)
    middleware(RequestFactory().get("/", REMOTE_ADDR="192.0.2.8"))
    assert seen == ["192.0.2.8"] and current_source_ip() == ""


# --- append-only -------------------------------------------------------------------------------


def refused() -> Any:
    return pytest.raises(DatabaseError, match="审计日志只能追加")


@pytest.mark.django_db
def test_the_database_refuses_update_and_delete_of_audit_entries(county: County) -> None:
    assert audit_guard.installed(connection)
    for statement in (
        "UPDATE core_auditentry SET actor_name = 'x' WHERE seq = 1",
        "DELETE FROM core_auditentry WHERE seq = 1",
    ):
        with refused(), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    with refused(), transaction.atomic():
        AuditEntry.objects.filter(seq=1).update(actor_name="x")
    with refused(), transaction.atomic():
        AuditEntry.objects.all().delete()
    if connection.vendor == "postgresql":
        with refused(), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("TRUNCATE core_auditentry")
    assert AuditEntry.objects.get(seq=1).actor_name != "x"
    assert audit_verify()[1] is None
    # appending still works, and verify reports the triggers
    audit_append(actor=Actor.command_line(), action="calendar_day.set", object_type="core.x")
    assert verify_json()[1]["append_only_triggers"] is True


@pytest.mark.django_db
def test_verify_warns_when_the_triggers_are_missing(county: County) -> None:
    with transaction.atomic():
        audit_guard.remove(connection)
        _, text = run("verify")
        assert "触发器不存在" in text
        transaction.set_rollback(True)
    assert audit_guard.installed(connection)


@pytest.mark.django_db
def test_no_code_of_the_platform_updates_or_deletes_audit_entries() -> None:
    import re

    import fazhi

    pattern = re.compile(r"AuditEntry\.objects[^\n]*\.(update|delete|bulk_update)\(")
    root = Path(fazhi.__file__).parent
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "migrations" not in path.parts and pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert not offenders


# --- the migration from the unkeyed chain ------------------------------------------------------


def make_legacy_chain() -> int:
    """Turn the current chain into what a database before migration 0004 held: plain SM3 over
    the old fields, every entry without an address."""
    prev = audit_rekey.GENESIS_HASH
    with audit_guard.suspended(connection):
        entries = list(AuditEntry.objects.order_by("seq"))
        with connection.cursor() as cursor:
            for entry in entries:
                entry.source_ip, entry.prev_hash = "", prev
                prev = audit_rekey.legacy_hash(entry)
                cursor.execute(
                    "UPDATE core_auditentry SET source_ip = '', prev_hash = %s, hash = %s "
                    "WHERE seq = %s",
                    [entry.prev_hash, prev, entry.seq],
                )
            cursor.execute("UPDATE core_audithead SET last_hash = %s WHERE id = 1", [prev])
    return len(entries)


def rekey(accept: str = "") -> int:
    with audit_guard.suspended(connection):
        return audit_rekey.rekey(AuditEntry, AuditHead, settings.AUDIT_CHAIN_KEY, accept=accept)


@pytest.mark.django_db
def test_migration_rehashes_an_intact_legacy_chain_with_the_key(county: County) -> None:
    count = make_legacy_chain()
    assert audit_verify()[1] is not None  # the old hashes do not verify under the key
    before = list(AuditEntry.objects.order_by("seq").values_list("seq", "actor_name", "after"))
    assert rekey() == count
    assert audit_verify() == (count + 1, None)
    after = list(AuditEntry.objects.order_by("seq").values_list("seq", "actor_name", "after"))
    assert after[:-1] == before  # content unchanged
    record = AuditEntry.objects.get(seq=count + 1)
    assert record.action == "audit.rekey" and record.after["count"] == count
    assert "校验完整" in record.after["note"]


def test_the_migration_algorithms_agree_with_the_chain() -> None:
    entry = AuditEntry(
        seq=1,
        at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        actor_id=None,
        actor_name="甲",
        actor_role="",
        unit_path="/",
        unit_code="",
        unit_name="全系统",
        action="a.b",
        object_type="core.x",
        object_id="",
        object_repr="",
        before=None,
        after={"k": "值"},
        prev_hash="0" * 64,
        source_ip="192.0.2.1",
    )
    fields = ChainFields(**{f: getattr(entry, f) for f in ChainFields.__dataclass_fields__})
    key = settings.AUDIT_CHAIN_KEY
    assert audit_rekey.keyed_hash(entry, "0" * 64, key) == chain_hash(fields, key)
    old = {k: v for k, v in fields.__dict__.items() if k != "source_ip"}
    old["at"] = "2026-01-01T00:00:00.000000+00:00"
    payload = json.dumps(old, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    assert audit_rekey.legacy_hash(entry) == hashlib.new("sm3", payload.encode()).hexdigest()
    assert hmac.compare_digest(chain_hash(fields, key), chain_hash(fields))


@pytest.mark.django_db
def test_migration_stops_on_a_broken_legacy_chain_and_changes_nothing(county: County) -> None:
    make_legacy_chain()
    with audit_guard.suspended(connection), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditentry SET actor_name = '别人' WHERE seq = 3")
    snapshot = list(AuditEntry.objects.order_by("seq").values_list("hash", flat=True))
    with pytest.raises(audit_rekey.LegacyChainBroken) as exc:
        rekey()
    message = str(exc.value)
    assert "原哈希链在第 3 条断裂" in message and "数据库未作任何修改" in message
    assert "FAZHI_AUDIT_REKEY_ACCEPT_BROKEN=3" in message and "备份" in message
    assert list(AuditEntry.objects.order_by("seq").values_list("hash", flat=True)) == snapshot
    with pytest.raises(audit_rekey.LegacyChainBroken):
        rekey(accept="2")  # accepting another entry than the broken one is no acceptance


@pytest.mark.django_db
def test_migration_with_an_accepted_break_records_it_in_the_chain(county: County) -> None:
    count = make_legacy_chain()
    with audit_guard.suspended(connection), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditentry SET actor_name = '别人' WHERE seq = 3")
    assert rekey(accept="3") == count
    assert audit_verify() == (count + 1, None)
    note = AuditEntry.objects.get(seq=count + 1).after["note"]
    assert "第 3 条断裂" in note and "按现状保留" in note


@pytest.mark.django_db
def test_migration_cannot_accept_a_missing_middle_entry(county: County) -> None:
    make_legacy_chain()
    with audit_guard.suspended(connection), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE seq = 2")
    with pytest.raises(audit_rekey.LegacyChainBroken) as exc:
        rekey(accept="2")
    assert "缺少第 2 条" in str(exc.value) and "ACCEPT_BROKEN" not in str(exc.value)


@pytest.mark.django_db
def test_migration_of_an_empty_log_writes_nothing() -> None:
    with audit_guard.suspended(connection), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry")
        cursor.execute("DELETE FROM core_audithead")
    assert rekey() == 0
    assert not AuditEntry.objects.exists()

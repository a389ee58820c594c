"""Audit log: every service write is logged, personal data masked, keyed SM3 chain detects edits.

A tamperer with database access is played by raw SQL run with the append-only triggers suspended
(``audit_guard.suspended``: the database owner can drop them)."""

from __future__ import annotations

import hashlib
import hmac
import io
import json

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from tests.personas import County

from fazhi.core import audit_guard
from fazhi.core.audit import GENESIS_HASH, mask_personal, mask_text
from fazhi.core.models import AuditEntry, RecordEvent
from fazhi.core.selectors import audit_verify
from fazhi.orgs.services import orgunit_update


def verify_json() -> tuple[int, dict[str, object]]:
    out = io.StringIO()
    try:
        call_command("audit", "verify", "--json", stdout=out)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, json.loads(out.getvalue())


@pytest.mark.django_db
def test_every_service_write_appends_a_chained_entry(county: County) -> None:
    before = AuditEntry.objects.count()
    orgunit_update(actor=county.actor("clerk_a"), unit=county.town_a, contact_person="王五")
    entry = AuditEntry.objects.get(seq=before + 1)
    assert entry.action == "orgunit.update"
    assert entry.actor_name == "白沙甲"
    assert entry.unit_code == county.town_a.code
    assert entry.object_id == str(county.town_a.pk)
    assert entry.before == {"contact_person": ""}
    assert entry.after == {"contact_person": "王五"}
    previous = AuditEntry.objects.get(seq=before)
    assert entry.prev_hash == previous.hash
    first = AuditEntry.objects.get(seq=1)
    assert first.prev_hash == GENESIS_HASH
    assert audit_verify() == (before + 1, None)


@pytest.mark.django_db
def test_chain_uses_hmac_sm3_with_the_audit_key(county: County) -> None:
    from fazhi.core.audit import canonical
    from fazhi.core.selectors import _chain_rows

    fields, stored = next(_chain_rows())
    assert stored == hmac.new(settings.AUDIT_CHAIN_KEY, canonical(fields), "sm3").hexdigest()
    assert stored != hashlib.new("sm3", canonical(fields)).hexdigest()
    assert stored != hashlib.sha256(canonical(fields)).hexdigest()


@pytest.mark.django_db
def test_personal_data_is_masked_in_log_and_history(county: County) -> None:
    orgunit_update(
        actor=county.actor("clerk_a"),
        unit=county.town_a,
        contact_phone="13812345678",
        address="身份证430121199001011234的张三家",
    )
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None
    dumped = json.dumps([entry.before, entry.after], ensure_ascii=False)
    assert "13812345678" not in dumped
    assert "430121199001011234" not in dumped
    assert "138****5678" in dumped
    assert "430121********1234" in dumped
    event = RecordEvent.objects.filter(object_id=str(county.town_a.pk)).first()
    assert event is not None
    assert "13812345678" not in json.dumps(event.changes, ensure_ascii=False)


def test_masking_helpers() -> None:
    assert mask_text("电话13812345678") == "电话138****5678"
    assert mask_personal({"id_number": "430121199001011234"}) == {"id_number": "430121********1234"}
    assert mask_personal({"contact_phone": "0731-88886666"})["contact_phone"] == "073******6666"
    assert mask_personal({"name": "张三"}) == {"name": "张三"}


@pytest.mark.django_db
def test_verify_reports_the_first_edited_row(county: County) -> None:
    for i in range(3):
        orgunit_update(actor=county.actor("clerk_a"), unit=county.town_a, address=f"地址{i}")
    total = AuditEntry.objects.count()
    code, result = verify_json()
    assert code == 0
    assert result | {"checked": total, "ok": True, "broken_seq": None, "reason": None} == result
    target = total - 2
    # a tamperer with database access edits one row
    with audit_guard.suspended(connection), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_auditentry SET actor_name = %s WHERE seq = %s", ["别人", target]
        )
    code, result = verify_json()
    assert code == 1
    assert result["ok"] is False
    assert result["broken_seq"] == target
    assert "修改" in str(result["reason"])


@pytest.mark.django_db
def test_verify_detects_a_deleted_middle_row_and_a_deleted_tail(county: County) -> None:
    total = AuditEntry.objects.count()
    with audit_guard.suspended(connection), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE seq = %s", [total])
    _, broken = audit_verify()
    assert broken is not None and broken.seq == total
    with audit_guard.suspended(connection), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE seq = %s", [3])
    _, broken = audit_verify()
    assert broken is not None and broken.seq == 3


@pytest.mark.django_db
def test_entries_cannot_be_changed_through_the_orm(county: County) -> None:
    entry = AuditEntry.objects.first()
    assert entry is not None
    entry.actor_name = "x"
    with pytest.raises(RuntimeError):
        entry.save()
    with pytest.raises(RuntimeError):
        entry.delete()


@pytest.mark.django_db
def test_text_output_of_verify(county: County) -> None:
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    assert "审计日志完整" in out.getvalue()


AUDIT_READERS = {"auditor"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "persona",
    ["sysadmin", "secadmin", "auditor", "coordinator", "leader", "reviewer", "clerk_a"],
)
def test_only_the_audit_administrator_reads_the_log(county: County, persona: str) -> None:
    response = county.client(persona).get("/audit/")
    assert response.status_code == (200 if persona in AUDIT_READERS else 403)
    if persona in AUDIT_READERS:
        assert "orgunit.create" in response.content.decode()
        verified = county.client(persona).get("/audit/?verify=1")
        assert "审计日志完整" in verified.content.decode()


def make_user(username: str) -> object:
    from fazhi.accounts.services import user_create
    from fazhi.orgs.scoping import Actor

    return user_create(
        actor=Actor.command_line(), username=username, full_name="某", password="test-pass-2024"
    )


@pytest.mark.django_db
def test_township_auditor_reads_only_its_subtree(county: County) -> None:
    from django.contrib.auth.models import User
    from django.test import Client

    from fazhi.orgs.roles import Role
    from fazhi.orgs.scoping import Actor
    from fazhi.orgs.services import membership_grant

    orgunit_update(actor=county.actor("clerk_a"), unit=county.town_a, address="白沙路1号")
    orgunit_update(actor=county.actor("clerk_b"), unit=county.town_b, address="黄金路2号")
    user = make_user("town_auditor")
    assert isinstance(user, User)
    membership_grant(actor=Actor.command_line(), user=user, unit=county.town_a, role=Role.AUDITOR)
    client = Client()
    client.login(username="town_auditor", password="test-pass-2024")
    page = client.get("/audit/").content.decode()
    assert "白沙路1号" in page
    assert "黄金路2号" not in page
    assert "orgunit.create" not in page  # made by the command line for the whole system
    county_page = county.client("auditor").get("/audit/").content.decode()
    assert "黄金路2号" in county_page and "orgunit.create" in county_page


@pytest.mark.django_db
def test_deleting_a_user_does_not_break_the_chain(county: County) -> None:
    orgunit_update(actor=county.actor("clerk_b"), unit=county.town_b, address="新址")
    county.users["clerk_b"].delete()
    assert audit_verify()[1] is None


@pytest.mark.django_db
def test_rewriting_the_last_entry_with_a_fresh_hash_is_detected(county: County) -> None:
    from fazhi.core.audit import chain_hash
    from fazhi.core.selectors import _chain_rows

    rows = list(_chain_rows())
    fields, _ = rows[-1]
    forged = type(fields)(**{**fields.__dict__, "actor_name": "别人"})
    with audit_guard.suspended(connection), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_auditentry SET actor_name = %s, hash = %s WHERE seq = %s",
            ["别人", chain_hash(forged), fields.seq],
        )
    _, broken = audit_verify()
    assert broken is not None and broken.seq == fields.seq

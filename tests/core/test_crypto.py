"""Personal data at rest: SM4-GCM ciphertext in the database, plain text in Python, masked logs."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from tests.personas import County

from fazhi.core import crypto
from fazhi.core.models import AuditEntry, RecordEvent
from fazhi.orgs.scoping import Actor
from fazhi.reconsideration.models import ReconsiderationCase
from fazhi.reconsideration.services import case_receive
from fazhi.settings import _field_key

NAME, ID_NUMBER, PHONE = "欧阳明理", "430102199003071234", "13912345678"


def test_round_trip_and_fresh_nonce() -> None:
    first, second = crypto.encrypt(ID_NUMBER), crypto.encrypt(ID_NUMBER)
    assert first.startswith("sm4:") and ID_NUMBER not in first
    assert first != second  # a fresh nonce each time: equal values are not linkable
    assert crypto.decrypt(first) == crypto.decrypt(second) == ID_NUMBER
    assert crypto.encrypt("") == ""


def test_tampering_is_detected() -> None:
    raw = bytearray(base64.b64decode(crypto.encrypt(NAME)[len("sm4:") :]))
    raw[14] ^= 0x01  # one bit of the ciphertext
    with pytest.raises(ValueError, match="篡改"):
        crypto.decrypt("sm4:" + base64.b64encode(bytes(raw)).decode())


def test_blind_index_is_keyed_and_normalised() -> None:
    assert crypto.blind_index("43010219900307123x") == crypto.blind_index(" 43010219900307123X ")
    assert ID_NUMBER not in crypto.blind_index(ID_NUMBER)
    assert crypto.blind_index("") == ""


def test_field_key_must_be_128_bit_hex(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAZHI_FIELD_KEY", "00" * 16)
    assert _field_key() == bytes(16)
    monkeypatch.setenv("FAZHI_FIELD_KEY", "not-hex")
    with pytest.raises(ImproperlyConfigured, match="FAZHI_FIELD_KEY"):
        _field_key()


@time_machine.travel(dt.datetime(2024, 6, 3, 9, tzinfo=dt.UTC), tick=False)
def test_database_holds_ciphertext_and_logs_are_masked(county: County) -> None:
    case = case_receive(
        actor=Actor.command_line(),
        unit=county.dept,
        received_on=dt.date(2024, 6, 3),
        act_category="penalty",
        respondent=county.town_a,
        applicant_name=NAME,
        applicant_id_number=ID_NUMBER,
        applicant_phone=PHONE,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT applicant_name, applicant_id_number, applicant_phone"
            " FROM reconsideration_reconsiderationcase WHERE id = %s",
            [case.pk],
        )
        raw = cursor.fetchone()
    assert raw is not None
    for stored, plain in zip(raw, (NAME, ID_NUMBER, PHONE), strict=True):
        assert stored.startswith("sm4:") and plain not in stored
    fresh = ReconsiderationCase.objects.get(pk=case.pk)
    assert (fresh.applicant_name, fresh.applicant_id_number) == (NAME, ID_NUMBER)
    logged = str(list(AuditEntry.objects.values_list("after", flat=True)))
    logged += str(list(RecordEvent.objects.values_list("changes", flat=True)))
    for plain in (NAME, ID_NUMBER, PHONE):
        assert plain not in logged
    assert "430102********1234" in logged


@time_machine.travel(dt.datetime(2024, 6, 3, 9, tzinfo=dt.UTC), tick=False)
def test_history_reads_as_users_read_it(county: County) -> None:
    from fazhi.reconsideration.services import case_accept

    cli = Actor.command_line()
    case = case_receive(
        actor=cli,
        unit=county.dept,
        received_on=dt.date(2024, 6, 3),
        act_category="penalty",
        respondent=county.town_a,
        applicant_name=NAME,
    )
    case_accept(actor=cli, case=case, accepted_on=dt.date(2024, 6, 3))
    event = RecordEvent.objects.filter(action="reconsideration.accept").get()
    changes = {c["label"]: (c["old"], c["new"]) for c in event.changes}
    assert changes["状态"] == ("收到·审查中", "已受理·审理中")
    assert changes["审理程序"] == ("", "普通程序")
    assert changes["受理情况"] == ("", "决定受理")
    created = RecordEvent.objects.filter(action="reconsideration.receive").get()
    shown = {c["label"]: c["new"] for c in created.changes}
    assert shown["被申请人"] == "白沙镇人民政府" and shown["承办机构"] == "湘江县司法局"
    assert shown["申请人"] == "****"
    assert not {"申请人检索码", "更新时间", "登记时间", "ID"} & set(shown)

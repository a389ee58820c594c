"""Participations: typed (涉法事务 no register holds) and counted from the 合法性审查 (reviewers
of kind 法律顾问/公职律师) and 重大行政决策 (专家论证 participants) registers, matched by name,
unit subtree and term; the refresh is idempotent; the detail page lists and links them."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from tests.counsel.conftest import MakeCounsel, MakeParticipation, d
from tests.counsel.records import expert_procedure, review
from tests.personas import County

from fazhi.counsel import services
from fazhi.counsel.counting import participations_refresh
from fazhi.counsel.models import Participation, Source

pytestmark = pytest.mark.django_db


def rows() -> list[tuple[str, str, str, str]]:
    return sorted(
        (p.counsel.name, p.source, p.kind, str(p.on))
        for p in Participation.objects.select_related("counsel")
    )


def test_typed_participation_rules(
    county: County, make_counsel: MakeCounsel, make_participation: MakeParticipation
) -> None:
    counsel = make_counsel(county.town_a, "欧阳明远", "2024-07-01", "2025-12-31")
    row = make_participation(counsel, "2025-03-02", "litigation", "代理行政诉讼案件")
    assert (row.source, row.get_kind_display(), row.source_url) == (
        Source.TYPED,
        "诉讼代理",
        f"/counsel/participations/{row.pk}/",
    )
    clerk = county.actor("clerk_a")

    def error(**over: object) -> dict[str, list[str]]:
        values: dict[str, object] = {
            "counsel": counsel,
            "on": d("2025-03-02"),
            "kind": "contract",
            "subject": "审查合同",
        }
        values.update(over)
        with pytest.raises(ValidationError) as err:
            services.participation_register(actor=clerk, **values)  # type: ignore[arg-type]
        return err.value.message_dict

    assert error(kind="legality") == {
        "kind": ["请选择事项类别（合法性审查、决策论证从相应台账统计）"]
    }
    assert error(subject="  ") == {"subject": ["请填写事项"]}
    assert "on" in error(on=d("2024-06-30"))  # before the term
    assert "on" in error(on=d("2025-07-01"))  # after today
    with pytest.raises(PermissionDenied):
        services.participation_register(
            actor=county.actor("clerk_b"),
            counsel=counsel,
            on=d("2025-03-02"),
            kind="contract",
            subject="审查合同",
        )
    services.counsel_terminate(
        actor=clerk, counsel=counsel, terminated_on=d("2025-04-30"), reason="调离"
    )
    counsel.refresh_from_db()
    assert error(on=d("2025-05-02")) == {"on": ["日期晚于欧阳明远的聘期（至 2025-04-30）"]}


def test_counted_from_legality_reviews(county: County, make_counsel: MakeCounsel) -> None:
    root = make_counsel(county.root, "欧阳明远", "2024-01-01", "2025-12-31")
    town = make_counsel(county.town_a, "欧阳明远", "2024-01-01", "2025-12-31")  # same name
    staff = make_counsel(county.dept, "李思齐", "2024-01-01", "2025-12-31", kind="staff")
    # the town's own review: the nearest unit's adviser (town_a, not the root's)
    review(county.town_a, "2025-03-01", [{"name": "欧阳明远", "kind": "counsel"}])
    # the 司法局's review of a submission from town_b: the root's adviser (ancestor of both)
    review(county.dept, "2025-03-02", [{"name": "欧阳明远", "kind": "counsel"}], county.town_b)
    # 公职律师 at the 司法局; a staff reviewer of the same name is not counted
    review(county.dept, "2025-03-03", [{"name": "李思齐", "kind": "lawyer"}])
    review(county.dept, "2025-03-04", [{"name": "李思齐", "kind": "staff"}])
    # not counted: not concluded, before the term, a name not on the roster, out of the subtree
    review(county.town_a, None, [{"name": "欧阳明远", "kind": "counsel"}])
    review(county.town_a, "2023-12-30", [{"name": "欧阳明远", "kind": "counsel"}])
    review(county.town_a, "2025-03-05", [{"name": "王守仁", "kind": "counsel"}])
    review(county.town_b, "2025-03-06", [{"name": "李思齐", "kind": "lawyer"}])
    assert participations_refresh() == 3
    assert participations_refresh() == 0  # idempotent
    assert rows() == [
        ("李思齐", "legality", "legality", "2025-03-03"),
        ("欧阳明远", "legality", "legality", "2025-03-01"),
        ("欧阳明远", "legality", "legality", "2025-03-02"),
    ]
    counsel_of = {p.on: p.counsel_id for p in Participation.objects.all()}
    assert counsel_of == {
        d("2025-03-01"): town.pk,
        d("2025-03-02"): root.pk,
        d("2025-03-03"): staff.pk,
    }
    one = Participation.objects.get(on=d("2025-03-01"))
    assert one.source_url == f"/legality/{one.source_id}/" or one.source_url.endswith(
        f"/{one.source_id}/"
    )
    # a review whose reviewer is removed: the counted row goes at the next refresh
    from fazhi.legality.models import Review

    Review.objects.filter(pk=one.source_id).update(reviewers=[])
    assert participations_refresh() == 1
    assert len(rows()) == 2


def test_counted_from_decision_expert_procedures(county: County, make_counsel: MakeCounsel) -> None:
    make_counsel(county.root, "欧阳明远", "2024-01-01", "2025-12-31")
    expert_procedure(county.root, "2025-02-01", "法律专家欧阳明远、交通规划专家2名")
    expert_procedure(county.root, "2025-02-02", "交通规划、价格、法律专家5名")  # names nobody
    expert_procedure(county.root, "2025-02-03", "欧阳明远", state="pending")  # not done
    assert participations_refresh() == 1
    assert rows() == [("欧阳明远", "decisions", "decision", "2025-02-01")]


def test_register_refreshes_the_counted_rows_of_the_name(
    county: County, make_counsel: MakeCounsel
) -> None:
    review(county.town_a, "2025-03-01", [{"name": "欧阳明远", "kind": "counsel"}])
    make_counsel(county.town_a, "欧阳明远", "2025-01-01", "2025-12-31")
    assert rows() == [("欧阳明远", "legality", "legality", "2025-03-01")]


def test_the_detail_page_lists_and_links_every_participation(
    county: County, make_counsel: MakeCounsel, make_participation: MakeParticipation
) -> None:
    counsel = make_counsel(county.town_a, "欧阳明远", "2025-01-01", "2025-12-31")
    typed = make_participation(counsel, "2025-04-01", "petition", "参与信访事项化解")
    review(county.town_a, "2025-03-01", [{"name": "欧阳明远", "kind": "counsel"}], title="某办法")
    participations_refresh()
    counted = Participation.objects.get(source=Source.LEGALITY)
    html = county.client("clerk_a").get(f"/counsel/roster/{counsel.pk}/").content.decode()
    assert "参与事项（2）" in html
    assert f'<a href="/counsel/participations/{typed.pk}/">参与信访事项化解</a>' in html
    assert f'<a href="{counted.source_url}">合法性审查：某办法</a>' in html
    assert "合法性审查台账" in html
    assert county.client("clerk_a").get(counted.source_url).status_code == 200
    own = page_of(county, f"/counsel/participations/{counted.pk}/")
    assert f'<a href="{counted.source_url}">查看合法性审查台账中的原记录</a>' in own
    assert f'<a href="/counsel/roster/{counsel.pk}/">法律顾问：欧阳明远</a>' in own
    assert "原记录" not in page_of(county, f"/counsel/participations/{typed.pk}/")


def page_of(county: County, url: str) -> str:
    response = county.client("clerk_a").get(url)
    assert response.status_code == 200, url
    return response.content.decode()

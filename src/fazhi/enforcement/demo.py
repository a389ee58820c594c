"""Demo data for the 执法主体 and 执法人员 registers: the county filler.

:func:`fill` (kit hook ``demo_county``) gives every county department with 执法 duties its
执法主体 (the department itself as 法定行政机关 and, for the big ones, its 综合执法大队 or 监督所
as 受委托组织 / 法律法规授权组织) with a short 权责清单, each 乡镇/街道 its own (乡镇综合行政执法,
赋权 by the province), and about 600 执法人员 across them. The 公安局 is left out (its officers
hold the 人民警察证, not the 行政执法证), as are departments without 执法 powers.

The spread as of ``ctx.as_of``: most certificates valid, about 6% expiring within the warning
period, about 3% expired (half of them still on 执法 duty — the red rows), about 3% suspended,
about 4% cancelled (调离, 退休), a few applicants in progress, a few non-在编 applicants stuck at
资格审查, about 5% 法制审核人员. Certificates were issued over the last five years (the validity);
their dates are derived from ``ctx.as_of`` only (never the clock), so a certificate may have been
issued before ``ctx.year_range``. Everything goes through :mod:`fazhi.enforcement.services`
inside one staged batch (rows inserted in bulk at the end), then the year-end rows of each year
are written (:func:`fazhi.enforcement.services.year_refresh`). 年度注册 is left to the training
filler's years (registration needs the year's training hours).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fazhi.core import staging
from fazhi.core.selectors import rules_cache
from fazhi.core.services import audit_deferred
from fazhi.demo import cases as c
from fazhi.demo import data
from fazhi.demo.generator import CountyContext
from fazhi.enforcement import rules
from fazhi.enforcement import services as svc
from fazhi.enforcement.models import CancelReason, Category, Officer, Subject, SubjectKind
from fazhi.metrics.facts import facts_deferred
from fazhi.orgs.models import OrgUnit

NAME = "enforcement"  # the RNGs' name: the app label
LABEL = "执法人员"  # in the `fazhi seed` summary

C = Category
#: Department suffix → (officers, 执法类别, second 执法主体 (name suffix, kind) or None, 权责清单).
DEPARTMENTS: tuple[
    tuple[str, int, tuple[str, ...], tuple[str, str] | None, tuple[str, ...]], ...
] = (
    (
        "发展和改革局",
        8,
        (C.LICENSE, C.PENALTY, C.INSPECTION),
        None,
        ("固定资产投资项目核准", "价格违法行为处罚", "节能监察"),
    ),
    (
        "教育局",
        12,
        (C.LICENSE, C.PENALTY, C.INSPECTION, C.BENEFIT),
        None,
        ("民办学校办学许可", "校外培训机构违法行为处罚", "学生资助发放"),
    ),
    ("科学技术局", 3, (C.INSPECTION, C.AWARD), None, ("科技计划项目检查", "科学技术奖励")),
    (
        "工业和信息化局",
        6,
        (C.PENALTY, C.INSPECTION),
        None,
        ("民用爆炸物品安全生产检查", "墙体材料违法行为处罚"),
    ),
    (
        "民政局",
        8,
        (C.LICENSE, C.PENALTY, C.BENEFIT, C.CONFIRMATION),
        None,
        ("社会团体登记", "养老机构违法行为处罚", "最低生活保障金给付"),
    ),
    (
        "司法局",
        10,
        (C.LICENSE, C.PENALTY, C.INSPECTION),
        None,
        ("基层法律服务工作者执业核准", "律师违法行为处罚", "法律援助机构检查"),
    ),
    ("财政局", 5, (C.PENALTY, C.INSPECTION), None, ("会计违法行为处罚", "政府采购监督检查")),
    (
        "人力资源和社会保障局",
        14,
        (C.LICENSE, C.PENALTY, C.INSPECTION, C.BENEFIT),
        ("劳动保障监察大队", SubjectKind.ENTRUSTED),
        ("劳务派遣经营许可", "拖欠农民工工资处罚", "社会保险待遇给付"),
    ),
    (
        "自然资源局",
        36,
        (C.LICENSE, C.PENALTY, C.COERCION, C.INSPECTION, C.CONFIRMATION),
        ("自然资源执法监察大队", SubjectKind.ENTRUSTED),
        ("建设用地规划许可", "非法占用土地处罚", "不动产登记", "矿产资源开采监督检查"),
    ),
    (
        "生态环境局",
        28,
        (C.LICENSE, C.PENALTY, C.COERCION, C.INSPECTION),
        ("生态环境保护综合行政执法大队", SubjectKind.ENTRUSTED),
        ("排污许可", "超标排放污染物处罚", "查封、扣押造成污染物排放的设施", "污染源监督检查"),
    ),
    (
        "住房和城乡建设局",
        26,
        (C.LICENSE, C.PENALTY, C.INSPECTION),
        ("建设工程质量安全监督站", SubjectKind.ENTRUSTED),
        ("建筑工程施工许可", "违法建设工程处罚", "建设工程质量安全检查"),
    ),
    (
        "交通运输局",
        48,
        (C.LICENSE, C.PENALTY, C.COERCION, C.INSPECTION),
        ("交通运输综合行政执法大队", SubjectKind.ENTRUSTED),
        ("道路运输经营许可", "超限运输处罚", "暂扣车辆", "道路运输企业检查"),
    ),
    (
        "水利局",
        18,
        (C.LICENSE, C.PENALTY, C.LEVY, C.INSPECTION),
        None,
        ("取水许可", "非法采砂处罚", "水资源费征收", "河道管理范围内建设项目检查"),
    ),
    (
        "农业农村局",
        44,
        (C.LICENSE, C.PENALTY, C.COERCION, C.INSPECTION),
        ("农业综合行政执法大队", SubjectKind.ENTRUSTED),
        ("农药经营许可", "生产经营假劣种子处罚", "查封、扣押不合格农产品", "动物防疫检查"),
    ),
    (
        "商务局",
        6,
        (C.LICENSE, C.PENALTY, C.INSPECTION),
        None,
        ("成品油零售经营资格审核", "单用途商业预付卡违法行为处罚"),
    ),
    (
        "文化旅游广电体育局",
        20,
        (C.LICENSE, C.PENALTY, C.INSPECTION),
        ("文化市场综合行政执法大队", SubjectKind.ENTRUSTED),
        ("娱乐场所经营许可", "网吧违法经营处罚", "旅行社经营检查"),
    ),
    (
        "卫生健康局",
        30,
        (C.LICENSE, C.PENALTY, C.INSPECTION),
        ("卫生健康综合监督执法局", SubjectKind.AUTHORISED),
        ("医疗机构执业许可", "非法行医处罚", "公共场所卫生监督检查"),
    ),
    ("退役军人事务局", 3, (C.BENEFIT, C.CONFIRMATION), None, ("优待抚恤金给付", "伤残等级评定")),
    (
        "应急管理局",
        24,
        (C.LICENSE, C.PENALTY, C.COERCION, C.INSPECTION),
        None,
        ("危险化学品经营许可", "安全生产违法行为处罚", "安全生产监督检查"),
    ),
    (
        "市场监督管理局",
        86,
        (C.LICENSE, C.PENALTY, C.COERCION, C.INSPECTION),
        ("市场监管综合行政执法大队", SubjectKind.ENTRUSTED),
        (
            "食品经营许可",
            "销售不合格食品处罚",
            "查封、扣押不符合安全标准的食品",
            "双随机一公开抽查",
        ),
    ),
    ("统计局", 4, (C.PENALTY, C.INSPECTION), None, ("统计违法行为处罚", "统计执法检查")),
    (
        "医疗保障局",
        10,
        (C.PENALTY, C.INSPECTION),
        None,
        ("欺诈骗取医保基金处罚", "定点医药机构检查"),
    ),
    (
        "林业局",
        24,
        (C.LICENSE, C.PENALTY, C.INSPECTION),
        None,
        ("林木采伐许可", "滥伐林木处罚", "野生动物保护检查"),
    ),
    (
        "城市管理和综合执法局",
        72,
        (C.PENALTY, C.COERCION, C.INSPECTION),
        None,
        ("违反市容管理规定处罚", "违法建设强制拆除", "占道经营检查"),
    ),
    ("民族宗教事务局", 2, (C.PENALTY, C.INSPECTION), None, ("宗教活动场所检查",)),
    ("人民防空办公室", 3, (C.LEVY, C.PENALTY), None, ("防空地下室易地建设费征收",)),
)
TOWN_CATEGORIES = (C.PENALTY, C.COERCION, C.INSPECTION)
TOWN_DUTIES = ("违法建设处罚（赋权）", "占道经营检查（赋权）", "农村乱占耕地建房查处（赋权）")
TOWN_OFFICERS = {"街道": (5, 8), "镇": (4, 7), "乡": (3, 5)}
POSTS = ("执法队员", "执法队员", "执法队员", "科员", "副科长", "科长", "中队长", "副大队长")
BASIS = "《中华人民共和国行政处罚法》第十七条、第十八条；{unit}“三定”规定"
TOWN_BASIS = "《中华人民共和国行政处罚法》第二十四条；《湖南省乡镇（街道）赋权事项清单》"

#: The departments' officer counts above are a mid-sized county's; scaled to about 600 in all.
SCALE = 0.85

#: (state, weight) of an officer as of ``ctx.as_of``.
STATES: tuple[tuple[str, float], ...] = (
    ("valid", 80),
    ("expiring", 6),
    ("expired_duty", 1.5),
    ("expired", 1.5),
    ("suspended", 3),
    ("cancelled", 4),
    ("applying", 2.5),
    ("rejected", 0.8),
    ("non_staff", 0.7),
)


class CountyFiller:
    def __init__(self, ctx: CountyContext) -> None:
        self.ctx = ctx
        self.rng = ctx.rng_for(NAME)
        self.actor = ctx.actor
        self.as_of = ctx.as_of
        self.numbers = 0
        self.written = 0

    def run(self) -> int:
        with rules_cache(), facts_deferred(), audit_deferred(), staging.staged():
            for unit, count, cats, second, duties in self._units():
                subjects = self.subjects(unit, cats, second, duties)
                for _ in range(round(count * SCALE)):
                    self.officer(unit, self.rng.choice(subjects), cats)
        ids = list(
            Officer.objects.filter(unit__path__startswith=self.ctx.root.path).values_list(
                "pk", flat=True
            )
        )
        for year in self.ctx.case_years:
            svc.year_refresh(year=year, on=min(dt.date(year, 12, 31), self.as_of), officer_ids=ids)
        return self.written

    def _units(
        self,
    ) -> list[tuple[OrgUnit, int, tuple[str, ...], tuple[str, str] | None, tuple[str, ...]]]:
        found = []
        for suffix, count, cats, second, duties in DEPARTMENTS:
            try:
                unit = c.unit_by_suffix(self.ctx, suffix)
            except KeyError:
                continue
            found.append((unit, count, cats, second, duties))
        for town in c.townships(self.ctx):
            kind = "街道" if town.name.endswith("街道") else town.name[-1]
            low, high = TOWN_OFFICERS.get(kind, TOWN_OFFICERS["镇"])
            found.append((town, self.rng.randint(low, high), TOWN_CATEGORIES, None, TOWN_DUTIES))
        return found

    def subjects(
        self,
        unit: OrgUnit,
        cats: tuple[str, ...],
        second: tuple[str, str] | None,
        duties: tuple[str, ...],
    ) -> list[Subject]:
        town = unit.kind == "township"
        name = unit.name
        if town:
            name += "办事处" if name.endswith("街道") else "人民政府"
        main = svc.subject_register(
            actor=self.actor,
            unit=unit,
            name=name,
            kind=SubjectKind.STATUTORY,
            legal_basis=TOWN_BASIS if town else BASIS.format(unit=unit.short_name or unit.name),
            categories=list(cats),
        )
        made = [main]
        for name in duties:
            cat = self._duty_category(name, cats)
            svc.duty_add(
                actor=self.actor,
                subject=main,
                name=name,
                category=cat,
                basis="《中华人民共和国行政处罚法》" if cat == C.PENALTY else "相关法律法规",
            )
        if second is not None:
            suffix, kind = second
            made.append(
                svc.subject_register(
                    actor=self.actor,
                    unit=unit,
                    name=f"{data.COUNTY_NAME}{suffix}",
                    kind=kind,
                    legal_basis=f"{unit.name}委托（委托书）"
                    if kind == SubjectKind.ENTRUSTED
                    else "法律、法规授权",
                    categories=[x for x in cats if x != C.LICENSE],
                )
            )
        return made

    @staticmethod
    def _duty_category(name: str, cats: tuple[str, ...]) -> str:
        for word, cat in (
            ("许可", C.LICENSE),
            ("处罚", C.PENALTY),
            ("查封", C.COERCION),
            ("扣", C.COERCION),
            ("拆除", C.COERCION),
            ("征收", C.LEVY),
            ("给付", C.BENEFIT),
            ("登记", C.CONFIRMATION),
            ("评定", C.CONFIRMATION),
            ("奖励", C.AWARD),
            ("核准", C.LICENSE),
            ("审核", C.LICENSE),
        ):
            if word in name:
                return cat
        return C.INSPECTION if C.INSPECTION in cats else cats[0]

    def _number(self, unit: OrgUnit) -> str:
        self.numbers += 1
        return f"{data.PROVINCE_CODE}01{unit.code[-3:]}{self.numbers:05d}"

    def officer(self, unit: OrgUnit, subject: Subject, cats: tuple[str, ...]) -> None:
        rng, as_of = self.rng, self.as_of
        state = c.weighted(rng, STATES)
        reviewer = state in ("valid", "expiring") and rng.random() < 0.058
        base: dict[str, Any] = {
            "actor": self.actor,
            "unit": unit,
            "subject": subject,
            "name": c.person_name(rng),
            "id_number": c.synthetic_id_number(rng),
            "post": "法制审核员" if reviewer else rng.choice(POSTS),
            "categories": rng.sample(list(cats), k=min(len(cats), rng.randint(1, 3))),
            "legal_reviewer": reviewer,
            "legal_qualification": reviewer and rng.random() < 0.7,
            "hearing_host": rng.random() < 0.06,
            "on_staff": state != "non_staff",
        }
        self.written += 1
        if state in ("applying", "rejected", "non_staff"):
            applied = as_of - dt.timedelta(days=rng.randint(5, 120))
            officer = svc.officer_register(**base, applied_on=applied)
            if state == "non_staff":
                return
            qualified = applied + dt.timedelta(days=rng.randint(3, 20))
            if qualified > as_of or (state == "applying" and rng.random() < 0.3):
                return
            svc.officer_qualify(actor=self.actor, officer=officer, qualified_on=qualified)
            exam = qualified + dt.timedelta(days=rng.randint(10, 40))
            if exam > as_of:
                return
            if state == "rejected":
                svc.officer_exam_fail(
                    actor=self.actor, officer=officer, exam_on=exam, note="考试成绩未达到合格分数线"
                )
            elif rng.random() < 0.5:
                svc.officer_exam_pass(actor=self.actor, officer=officer, exam_on=exam)
            return
        expires = self._expiry(state)
        months = rules.months(rules.VALIDITY, unit)
        issued = rules.add_months(expires + dt.timedelta(days=1), -months)
        officer = svc.officer_register(
            **base,
            applied_on=issued - dt.timedelta(days=rng.randint(40, 90)),
            qualified_on=issued - dt.timedelta(days=rng.randint(30, 39)),
            exam_on=issued - dt.timedelta(days=rng.randint(10, 29)),
            cert_number=self._number(unit),
            cert_issued_on=issued,
            on_duty=state != "expired",
        )
        if state == "suspended":
            day = max(issued, as_of - dt.timedelta(days=rng.randint(5, 200)))
            svc.officer_suspend(
                actor=self.actor,
                officer=officer,
                suspended_on=day,
                reason=rng.choice(("涉嫌违法违纪，正在调查", "年度考核不称职", "未按规定参加培训")),
            )
        elif state == "cancelled":
            day = max(issued, as_of - dt.timedelta(days=rng.randint(5, 700)))
            reason = c.weighted(
                rng,
                (
                    (CancelReason.TRANSFER, 5),
                    (CancelReason.RETIRED, 4),
                    (CancelReason.FAILED, 0.6),
                    (CancelReason.OTHER, 0.4),
                ),
            )
            svc.officer_cancel(
                actor=self.actor,
                officer=officer,
                cancelled_on=day,
                reason=reason,
                note="辞职" if reason == CancelReason.OTHER else "",
            )

    def _expiry(self, state: str) -> dt.date:
        """The certificate's last valid day for an officer in ``state`` as of ``ctx.as_of``."""
        rng, as_of = self.rng, self.as_of
        if state == "expiring":
            return as_of + dt.timedelta(days=rng.randint(0, 58))
        if state in ("expired", "expired_duty"):
            return as_of - dt.timedelta(days=rng.randint(1, 150))
        # valid (and suspended / cancelled ones): 2 months to 5 years left
        return as_of + dt.timedelta(days=rng.randint(62, 365 * 5 - 30))


def fill(ctx: CountyContext) -> int:
    """The county's 执法主体 and 执法人员; returns how many officers were registered."""
    return CountyFiller(ctx).run()

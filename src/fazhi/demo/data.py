"""Name lists for the demo county. Pure data: no Django, no randomness.

The county is fictional (湘江县, 区划代码 430199 — an unused code in 湖南省) but is laid out like
a real 湖南 county: the usual set of county government departments after the 2019 机构改革,
about thirty 乡镇/街道, the 依法治县办, the 法院 and the 检察院.
"""

from __future__ import annotations

from typing import Final

#: The county itself.
COUNTY_NAME: Final = "湘江县"
COUNTY_CODE: Final = "430199"
PROVINCE_CODE: Final = "43"
ROOT_NAME: Final = f"{COUNTY_NAME}人民政府"
ROOT_ADDRESS: Final = f"{COUNTY_NAME}芙蓉中路1号"
PHONE_PREFIX: Final = "0731-8"  # 长沙地区固定电话：0731-8xxxxxxx

#: County government departments (full-name suffix after 湘江县, short name), in the order a
#: county usually lists them. 35 units; vertical ones (税务、气象、烟草) are left out.
DEPARTMENTS: Final[tuple[tuple[str, str], ...]] = (
    ("人民政府办公室", "政府办"),
    ("发展和改革局", "发改局"),
    ("教育局", "教育局"),
    ("科学技术局", "科技局"),
    ("工业和信息化局", "工信局"),
    ("公安局", "公安局"),
    ("民政局", "民政局"),
    ("司法局", "司法局"),
    ("财政局", "财政局"),
    ("人力资源和社会保障局", "人社局"),
    ("自然资源局", "自然资源局"),
    ("生态环境局", "生态环境局"),
    ("住房和城乡建设局", "住建局"),
    ("交通运输局", "交通运输局"),
    ("水利局", "水利局"),
    ("农业农村局", "农业农村局"),
    ("商务局", "商务局"),
    ("文化旅游广电体育局", "文旅广体局"),
    ("卫生健康局", "卫健局"),
    ("退役军人事务局", "退役军人局"),
    ("应急管理局", "应急局"),
    ("审计局", "审计局"),
    ("市场监督管理局", "市场监管局"),
    ("统计局", "统计局"),
    ("医疗保障局", "医保局"),
    ("林业局", "林业局"),
    ("城市管理和综合执法局", "城管执法局"),
    ("信访局", "信访局"),
    ("政务服务中心", "政务中心"),
    ("数据资源局", "数据局"),
    ("民族宗教事务局", "民宗局"),
    ("人民防空办公室", "人防办"),
    ("消防救援大队", "消防大队"),
    ("机关事务服务中心", "机关事务中心"),
    ("国有资产事务中心", "国资中心"),
)

#: Departments the demo logins refer to (suffixes from DEPARTMENTS).
JUSTICE_BUREAU: Final = "司法局"
MARKET_BUREAU: Final = "市场监督管理局"

#: 依法治县办, then the two external units.
PARTY_OFFICE: Final = (f"中共{COUNTY_NAME}委全面依法治县委员会办公室", "依法治县办")
COURT: Final = (f"{COUNTY_NAME}人民法院", "县法院")
PROCURATORATE: Final = (f"{COUNTY_NAME}人民检察院", "县检察院")


def _words(text: str) -> tuple[str, ...]:
    """Space-separated words (keeps the long name lists compact and readable)."""
    return tuple(text.split())


#: Township name stems, one pool per kind (disjoint, so names never clash).
STREET_STEMS: Final = _words("芙蓉 金星 高塘岭 月亮岛 白马 桃花岭 丁字 玉潭 东城 南门")
TOWN_STEMS: Final = _words(
    "白沙 乔口 靖港 铜官 茶亭 格塘 桥驿 黄材 灰汤 花明楼 道林 双江口 金洲 大成桥 夏铎铺 横市 "
    "煤炭坝 回龙铺 老粮仓 流沙河 青山桥 坝塘 沙田 龙田 巷子口 大屯营 枫林桥 古山 金井 杨林 "
    "排头 云田 朱亭"
)
XIANG_STEMS: Final = _words(
    "黄金 高桥 沩山 龙凤山 泉塘 大坪 双凫铺 莲花 石坝 长岭 麻田 毛公桥 水口 柏林 龙泉"
)

#: How many 乡镇/街道 the county has, and the ranges for streets (街道) and 乡.
TOWNSHIP_COUNT: Final = 30
STREET_RANGE: Final = (4, 6)
XIANG_RANGE: Final = (5, 8)

#: Roads of the county seat (addresses of county units) and of a township seat.
COUNTY_ROADS: Final = _words(
    "芙蓉中路 芙蓉北路 人民东路 人民西路 建设路 金星大道 滨江大道 新华街 雷锋大道 湘江路 政务大道"
)
TOWNSHIP_ROADS: Final = _words("政府街 人民路 新街 建设路 中心路 正街")

#: Common surnames in 湖南 (weighted by repetition) and given-name characters.
SURNAMES: Final = _words(
    "李 李 王 王 张 刘 刘 陈 陈 杨 黄 周 吴 彭 罗 谭 邓 曾 唐 胡 肖 蒋 易 贺 龙 邹 欧阳"
)
GIVEN_CHARS: Final = _words(
    "建 国 华 明 军 平 伟 芳 丽 敏 静 强 磊 洋 勇 艳 杰 娟 涛 超 霞 辉 斌 琳 红 波 婷 宇 鹏 志 "
    "文 海 燕 湘 蓉 卫 东 晓 佳"
)

#: Demo logins: username → (full name, ((unit key, role), …)). Unit keys: "root", "justice",
#: "market", "township:N" (N-th township, 0-based). All share DEMO_PASSWORD.
DEMO_PASSWORD: Final = "fazhi-demo-2024"
DEMO_LOGINS: Final[tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...]] = (
    (
        "sysadmin",
        "刘志强",
        (("root", "sysadmin"),),
    ),
    (
        "secadmin",
        "陈静",
        (("root", "secadmin"),),
    ),
    (
        "auditor",
        "王丽华",
        (("root", "auditor"),),
    ),
    (
        "yfzb",
        "李文杰",
        (("root", "coordinator"),),
    ),
    (
        "leader",
        "张国华",
        (("root", "leader"),),
    ),
    (
        "shenhe",
        "赵敏",
        (("justice", "reviewer"),),
    ),
    (
        "sfj_clerk",
        "黄晓婷",
        (("justice", "clerk"),),
    ),
    (
        "town_clerk",
        "周海波",
        (("township:0", "clerk"),),
    ),
    (
        "town2_clerk",
        "吴佳怡",
        (("township:1", "clerk"),),
    ),
    (
        "multi",
        "彭卫东",
        (("market", "clerk"), ("township:2", "reviewer")),
    ),
)

"""The audit log as a reader sees it: operations and objects in Chinese, and each entry's
before/after as a field-by-field difference with Chinese field names.

Operation names are derived, not listed by hand per code:

1. a register transition's code (``<audit_prefix>.<name>`` or its ``audit_action``) is named
   after its app and the transition's own label, e.g. ``reconsideration.accept`` →
   “行政复议·受理”; the workflows are found in each kit app's ``workflow`` module;
2. any other code ``<noun>.<verb>`` is named from its noun (an app's or a model's
   ``verbose_name``) and its verb (:data:`VERBS`, the platform's small vocabulary of verbs),
   with an object in the same app when the verb names one (``plan.notice_issue`` →
   “工作计划·制发督办单”).

A code neither way explains is shown as it is (a test keeps every code of the demo county
explained).
"""

from __future__ import annotations

import importlib
import importlib.util
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models

from fazhi.core.audit import _shown_field, display_value, field_label
from fazhi.core.kit import kits
from fazhi.core.workflow import Workflow

#: verb → how it reads alone; with an object of the same app it is followed by the object's
#: name (``OBJECT_VERBS`` when the phrase differs).
VERBS: dict[str, str] = {
    "create": "新建",
    "add": "登记",
    "update": "修改",
    "edit": "编辑",
    "save": "保存",
    "delete": "删除",
    "move": "调整上级单位",
    "grant": "授予",
    "revoke": "撤销",
    "sync": "按规则数据同步",
    "set": "设置",
    "import": "导入",
    "sweep": "每日期限检查",
    "submit": "报送",
    "review": "审核",
    "publish": "登记公开",
    "refresh": "更新数据",
    "send_review": "送审",
    "secrecy_review": "保密审查",
    "deliberate": "审议",
    "issue": "制发",
    "reply": "答复",
    "receive": "收件登记",
    "register": "登记",
    "open": "启动",
    "complete": "完成",
    "rebuild": "重新汇总",
    "seed_scale": "生成规模演示数据",
    "disable": "停用",
    "enable": "启用",
    "password_reset": "重置密码",
    "password_change": "修改本人密码",
    "return": "退回起草",
    "export": "导出表格",
    "download": "下载",
    "docx_download": "下载文档",
}
#: codes whose first part names no app or model: their whole Chinese name
WHOLE_CODES: dict[str, str] = {
    "personal_data.view": "查看未脱敏的个人信息",
    # 运维 (fazhi backup / restore) and 后台任务 (issue 15)
    "ops.backup": "系统备份",
    "ops.restore": "系统恢复",
    "jobs.retry": "后台任务·重试",
    # the audit chain itself (core/audit_rekey.py, `fazhi audit anchor|export`)
    "audit.rekey": "审计日志·启用审计链密钥",
    "audit.anchor": "审计日志·输出链头锚点",
    "audit.export": "审计日志·导出归档",
    # Excel 导入失败后撤回已提交的批次 (core/excel.py, issue 15)
    "import.compensate": "表格导入·撤回已写入的批次",
    # 安全事件审计 (core/security_events.py)
    "account.login": "登录",
    "account.logout": "退出登录",
    "account.login_failed": "登录失败",
    "membership.switch": "切换岗位",
    "access.denied": "拒绝访问（无权限）",
    # 身份鉴别 (accounts/lockout.py, accounts/totp.py)
    "account.lockout": "登录失败锁定",
    "account.unlock": "解除登录锁定",
    "account.totp_enrol": "绑定身份验证器",
    "account.totp_reset": "解除身份验证器绑定",
}
OBJECT_VERBS: dict[str, str] = {"receive": "登记收到的", "reply": "答复"}

#: names of before/after keys that are not model fields (written by services that record a
#: summary rather than a snapshot)
KEY_LABELS: dict[str, str] = {
    "username": "用户名",
    "plan": "工作计划",
    "source_url": "来源链接",
    "full_name": "姓名",
    "unit": "单位",
    "method": "方式",
    "name": "名称",
    "membership": "岗位角色",
    "prefix": "前缀",
    "role": "角色",
    "user": "账号",
    "is_active": "启用",
    "date": "日期",
    "is_workday": "调休上班",
    "year": "年度",
    "source": "依据",
    "complete": "已完整录入",
    "count": "数量",
    "note": "说明",
    "status": "状态",
    "reminders": "提醒",
    "overdue": "新标逾期",
    "tasks": "任务数",
    "assignments": "任务分工数",
    "unmatched": "未匹配的单位",
    "source_name": "来源文件",
    "report": "进展报告",
    "files": "附件数",
    "today": "检查日期",
    "parts_changed": "修改的部分",
    # 行政执法 (issue 17): batch writes and steps outside the apps' workflows
    "enforcement_data.ingest": "行政执法数据·批量导入",
    "enforcement_data.partition_create": "行政执法数据·新建年度分区",
    "enforcement_data.rejected_download": "行政执法数据·下载拒收行",
    "enforcement_training.attendance_bulk": "行政执法培训·批量登记参训记录",
    "enforcement_oversight.disclosure": "三项制度·登记事前公示",
    "enforcement_oversight.recording_item": "三项制度·登记音像记录事项",
    "case_review.files_draw": "案卷评查·抽取案卷",
    "case_review.reviewer_assign": "案卷评查·指派评查单位",
    "case_review.file_score": "案卷评查·评分",
    "case_review.campaign_close": "案卷评查·结束评查活动",
    "plan.rectification_create": "工作计划·下达整改任务",
    "enforcement_oversight.withdrawal.register": "三项制度·登记公示撤回",
    "enforcement_oversight.major.register": "三项制度·登记重大执法决定",
    "enforcement_oversight.publication.register": "三项制度·新建执法数据公开表",
    # 安全事件审计 (core/security_events.py)
    "file": "文件",
    "path": "网址",
    "http_method": "请求方式",
    "reason": "原因",
    "address": "来源地址",
    "minutes": "锁定分钟数",
}

EMPTY: tuple[Any, ...] = (None, "", [], {})


def _app_labels() -> dict[str, str]:
    return {config.label: str(config.verbose_name) for config in apps.get_app_configs()}


def _model_for(noun: str, app_label: str = "") -> type[models.Model] | None:
    """The model a code's noun names: its ``model_name`` (underscores dropped, a plural "s"
    tolerated), else the one model whose name ends with it (``token`` → ApiToken); within
    ``app_label`` when given."""
    key = noun.replace("_", "")
    candidates = [m for m in apps.get_models() if not app_label or m._meta.app_label == app_label]
    for name in (key, key.removesuffix("s")):
        for model in candidates:
            if model._meta.model_name == name:
                return model
    ending = [m for m in candidates if str(m._meta.model_name).endswith(key)]
    return ending[0] if len(ending) == 1 else None


def _noun(prefix: str) -> tuple[str, str] | None:
    """(Chinese name, app label) of a code's first part: an app, or a model."""
    labels = _app_labels()
    if prefix in labels:
        return labels[prefix], prefix
    model = _model_for(prefix)
    if model is not None:
        return str(model._meta.verbose_name), model._meta.app_label
    if f"{prefix}s" in labels:
        return labels[f"{prefix}s"], f"{prefix}s"
    return None


def _verb(verb: str, app_label: str) -> str | None:
    if verb in VERBS:
        return VERBS[verb]
    head, _, tail = verb.rpartition("_")
    if head and tail in VERBS:
        model = _model_for(head, app_label)
        if model is not None:
            return f"{OBJECT_VERBS.get(tail, VERBS[tail])}{model._meta.verbose_name}"
    return None


def workflow_labels() -> dict[str, str]:
    """Audit code → “app·transition” for every transition of every kit app's workflows."""
    found: dict[str, str] = {}
    for kit in kits():
        config = apps.get_app_config(kit.app)
        module_name = f"{config.name}.workflow"
        if importlib.util.find_spec(module_name) is None:
            continue
        module = importlib.import_module(module_name)
        for value in vars(module).values():
            if isinstance(value, Workflow):
                for t in value.transitions:
                    code = t.audit_action or f"{value.audit_prefix}.{t.name}"
                    found.setdefault(code, f"{config.verbose_name}·{t.label}")
    return found


def kit_audit_names() -> dict[str, str]:
    """Audit code → Chinese name as the apps declare them (``AppKit.audit_names``)."""
    found: dict[str, str] = {}
    for kit in kits():
        found.update(kit.audit_names)
    return found


@lru_cache(maxsize=1)
def _kit_audit_names() -> dict[str, str]:
    return kit_audit_names()


@lru_cache(maxsize=1)
def _workflow_labels_cached() -> dict[str, str]:
    return workflow_labels()


def action_label(code: str) -> str:
    """The Chinese name of an audit action code (the code itself if nothing explains it)."""
    known = (
        WHOLE_CODES.get(code) or _kit_audit_names().get(code) or _workflow_labels_cached().get(code)
    )
    if known:
        return known
    prefix, _, verb = code.partition(".")
    noun = _noun(prefix)
    if noun is None:
        return code
    said = _verb(verb, noun[1])
    return f"{noun[0]}·{said}" if said else code


def object_type_label(object_type: str) -> str:
    """The Chinese name of an audit entry's object type (``app_label.model``)."""
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return object_type
    return str(model._meta.verbose_name)


def codes_matching(text: str, codes: Iterable[str]) -> list[str]:
    """The action codes whose Chinese name or code contains ``text``."""
    text = text.strip()
    return [c for c in codes if text in action_label(c) or c.startswith(text)]


# --- before/after ------------------------------------------------------------------------
@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


def _empty(value: Any) -> bool:
    return any(value is e or value == e for e in EMPTY) and not isinstance(value, bool)


def _text(value: Any) -> str:
    if _empty(value):
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list | tuple):
        return "、".join(_text(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _model_of(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def changed_keys(before: Any, after: Any) -> list[str]:
    """Keys whose value differs between two snapshots (an empty value equals another empty
    one: no “（空）→（空）”)."""
    if not isinstance(before, Mapping):
        before = {}
    if not isinstance(after, Mapping):
        after = {}
    keys = list(dict.fromkeys([*before, *after]))
    return [
        k
        for k in keys
        if before.get(k) != after.get(k) and not (_empty(before.get(k)) and _empty(after.get(k)))
    ]


def entry_changes(entries: Iterable[Any]) -> list[list[FieldChange]]:
    """For each audit entry (``object_type``, ``before``, ``after``), its changed fields as a
    reader sees them: Chinese names, choice labels, 是/否, related rows by name. Foreign keys
    are looked up once per related model for all the entries together."""
    rows = list(entries)
    plans: list[list[tuple[str, Any, Any, models.Field[Any, Any] | None]]] = []
    wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
    for e in rows:
        model = _model_of(e.object_type)
        before = e.before if isinstance(e.before, Mapping) else {}
        after = e.after if isinstance(e.after, Mapping) else {}
        plan = []
        for key in changed_keys(before, after):
            field = _shown_field(model, key) if model is not None else None
            if model is not None and field is None and _is_internal(model, key):
                continue
            label = _key_label(model, field, key)
            plan.append((label, before.get(key), after.get(key), field))
            if isinstance(field, models.ForeignKey):
                related = field.related_model
                assert isinstance(related, type)
                values = (before.get(key), after.get(key))
                wanted[related].update(v for v in values if isinstance(v, int))
        plans.append(plan)
    names = {
        model: {pk: str(obj) for pk, obj in model._default_manager.in_bulk(list(pks)).items()}
        for model, pks in wanted.items()
    }
    return [
        [_change(label, old, new, field, names) for label, old, new, field in plan]
        for plan in plans
    ]


def _chinese(text: str) -> bool:
    return any("\u4e00" <= c <= "\u9fff" for c in text)


def _key_label(
    model: type[models.Model] | None, field: models.Field[Any, Any] | None, key: str
) -> str:
    """A before/after key's Chinese name: the field's verbose name (a foreign key without one:
    the related model's), then :data:`KEY_LABELS`, then a field of that name elsewhere in the
    same app (a summary naming a related row's field), else the key."""
    if field is not None and model is not None:
        label = field_label(model, key)
        related = field.related_model if isinstance(field, models.ForeignKey) else None
        if not _chinese(label) and isinstance(related, type):
            return str(related._meta.verbose_name)
        return label
    if key in KEY_LABELS:
        return KEY_LABELS[key]
    if model is not None:
        for other in apps.get_app_config(model._meta.app_label).get_models():
            label = field_label(other, key)
            if label != key and _chinese(label):
                return label
    return key


def _is_internal(model: type[models.Model], key: str) -> bool:
    """A model field users do not read (primary key, stamps, digests)."""
    try:
        model._meta.get_field(key)
    except FieldDoesNotExist:
        return False
    return True


def _change(
    label: str,
    old: Any,
    new: Any,
    field: models.Field[Any, Any] | None,
    names: Mapping[type[models.Model], Mapping[Any, str]],
) -> FieldChange:
    def shown(value: Any) -> str:
        if field is None or _empty(value):
            return _text(value)
        if isinstance(field, models.ForeignKey):
            related = field.related_model
            if isinstance(value, int):
                known = names.get(related, {}) if isinstance(related, type) else {}
                return known.get(value, str(value))
            return _text(value)
        return _text(display_value(field, value))

    return FieldChange(label, shown(old), shown(new))

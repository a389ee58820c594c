"""三员分立 held by the database (issue 14): an account with an active administrator membership
(系统管理员/安全管理员/审计管理员) has no active business membership, and the other way round.

Existing data is not changed silently: if an account already holds both kinds, the migration
stops and lists the accounts (which roles to revoke is a 安全管理员's decision, to be audited
through 岗位授权). Revoke one side of each, then run ``fazhi migrate`` again.
"""

from django.conf import settings
from django.db import migrations

from fazhi.orgs import dbguard

ADMIN_ROLES = ("auditor", "secadmin", "sysadmin")
LABELS = {
    "sysadmin": "系统管理员",
    "secadmin": "安全管理员",
    "auditor": "审计管理员",
    "coordinator": "依法治办",
    "reviewer": "审核",
    "clerk": "填报",
    "leader": "领导",
}


def conflicts(apps, schema_editor):
    """Lines "账号: 单位·角色、…" for each account holding both kinds of role, by username."""
    Membership = apps.get_model("orgs", "Membership")
    alias = schema_editor.connection.alias
    rows = (
        Membership.objects.using(alias)
        .filter(is_active=True)
        .values_list("user__username", "unit__name", "role")
        .order_by("user__username", "unit__path", "role")
    )
    held = {}
    for username, unit, role in rows:
        held.setdefault(username, []).append((unit, role))
    lines = []
    for username, roles in held.items():
        kinds = {role in ADMIN_ROLES for _, role in roles}
        if len(kinds) == 2:
            listed = "、".join(f"{unit}·{LABELS.get(role, role)}" for unit, role in roles)
            lines.append(f"  {username}：{listed}")
    return lines


def forwards(apps, schema_editor):
    lines = conflicts(apps, schema_editor)
    if lines:
        raise RuntimeError(
            "三员分立：以下账号同时担任管理员岗位和业务岗位，数据库约束无法启用。"
            "请由安全管理员在“岗位授权”中撤销每个账号的其中一类岗位（业务请另开账号），"
            "然后重新执行 fazhi migrate：\n" + "\n".join(lines)
        )
    user_table = apps.get_model(settings.AUTH_USER_MODEL)._meta.db_table
    dbguard.install(schema_editor, user_table)


def backwards(apps, schema_editor):
    dbguard.uninstall(schema_editor)


class Migration(migrations.Migration):

    dependencies = [
        ("orgs", "0003_orgunit_demonstration_area"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]

"""三员分立 held by the database: triggers on ``orgs_membership`` (SQLite and PostgreSQL).

The rule (GB/T 22239-2019 8.1.4.2 访问控制, 管理用户的权限分离): an account with an active
系统管理员 / 安全管理员 / 审计管理员 membership has no active business membership
(依法治办、审核、填报、领导), and the other way round. The partial unique index
``one_separated_admin_role_per_user`` (models.py) already keeps an account to one active
administrator membership; these triggers add the administrator/business separation, which
spans rows and so cannot be a CHECK or UNIQUE constraint.

They fire on INSERT and on UPDATE of ``user_id``, ``role`` or ``is_active`` — the service,
``Membership.objects.create``, ``bulk_create``, ``QuerySet.update`` and raw SQL alike — and
fail the statement with an integrity error (Django's ``IntegrityError``):

- SQLite: ``RAISE(ABORT, …)`` (SQLITE_CONSTRAINT_TRIGGER). Writers are serialised by the
  database lock, so two concurrent grants cannot both pass.
- PostgreSQL: a PL/pgSQL function raising SQLSTATE 23514 (check_violation) with the account,
  the roles and the unit in the message. It first takes ``FOR NO KEY UPDATE`` on the account's
  row, so concurrent inserts for one account are serialised and the second sees the first.

Installed by migration ``orgs.0004_membership_duty_separation``. On SQLite, a later migration
that rebuilds ``orgs_membership`` (Django copies the table for most ``AlterField``) drops the
triggers with the old table: such a migration must call :func:`install` again (the tests in
``tests/orgs/test_issue14_separation.py`` fail if it does not).
"""

from __future__ import annotations

from typing import Any

from fazhi.orgs.roles import SEPARATED_ADMIN_ROLES

TRIGGER = "orgs_membership_duty_separation"
FUNCTION = "orgs_membership_duty_separation_check"
#: The message of the SQLite trigger (a literal: SQLite cannot format one).
SQLITE_MESSAGE = (
    "三员分立：同一账号不能同时担任管理员岗位（系统管理员、安全管理员、审计管理员）和业务岗位"
)

_ADMIN = ", ".join(f"'{role}'" for role in sorted(SEPARATED_ADMIN_ROLES))


def _sqlite_trigger(event: str, suffix: str, exclude_self: str) -> str:
    return f"""
CREATE TRIGGER IF NOT EXISTS {TRIGGER}_{suffix}
BEFORE {event} ON orgs_membership
FOR EACH ROW WHEN NEW.is_active
BEGIN
    SELECT RAISE(ABORT, '{SQLITE_MESSAGE}')
    WHERE EXISTS (
        SELECT 1 FROM orgs_membership AS m
        WHERE m.user_id = NEW.user_id AND m.is_active {exclude_self}
          AND (m.role IN ({_ADMIN})) <> (NEW.role IN ({_ADMIN}))
    );
END"""


def _postgresql(user_table: str) -> list[str]:
    function = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $body$
DECLARE
    clash RECORD;
BEGIN
    IF NOT NEW.is_active THEN
        RETURN NEW;
    END IF;
    -- Serialise writers for one account: the second waits, then sees the first's row.
    PERFORM 1 FROM "{user_table}" WHERE id = NEW.user_id FOR NO KEY UPDATE;
    SELECT m.role, u.code AS unit_code INTO clash
      FROM orgs_membership AS m JOIN orgs_orgunit AS u ON u.id = m.unit_id
     WHERE m.user_id = NEW.user_id AND m.is_active AND m.id IS DISTINCT FROM NEW.id
       AND (m.role IN ({_ADMIN})) <> (NEW.role IN ({_ADMIN}))
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION USING
            ERRCODE = 'check_violation',
            CONSTRAINT = '{TRIGGER}',
            MESSAGE = format(
                '三员分立：账号 %s 已在单位 %s 担任 %s，不能同时担任 %s'
                '（管理员岗位与业务岗位不能由同一账号担任）',
                NEW.user_id, clash.unit_code, clash.role, NEW.role);
    END IF;
    RETURN NEW;
END
$body$"""
    return [
        function,
        f"DROP TRIGGER IF EXISTS {TRIGGER} ON orgs_membership",
        f"""CREATE TRIGGER {TRIGGER}
BEFORE INSERT OR UPDATE OF user_id, role, is_active ON orgs_membership
FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()""",
    ]


def install_statements(vendor: str, user_table: str = "auth_user") -> list[str]:
    """The SQL that installs the triggers on ``vendor`` (idempotent)."""
    if vendor == "sqlite":
        return [
            _sqlite_trigger("INSERT", "insert", ""),
            _sqlite_trigger("UPDATE OF user_id, role, is_active", "update", "AND m.id <> NEW.id"),
        ]
    if vendor == "postgresql":
        return _postgresql(user_table)
    raise NotImplementedError(f"三员分立的数据库触发器不支持 {vendor}，仅支持 SQLite 和 PostgreSQL")


def uninstall_statements(vendor: str) -> list[str]:
    if vendor == "sqlite":
        return [
            f"DROP TRIGGER IF EXISTS {TRIGGER}_insert",
            f"DROP TRIGGER IF EXISTS {TRIGGER}_update",
        ]
    if vendor == "postgresql":
        return [
            f"DROP TRIGGER IF EXISTS {TRIGGER} ON orgs_membership",
            f"DROP FUNCTION IF EXISTS {FUNCTION}()",
        ]
    return []


def install(schema_editor: Any, user_table: str = "auth_user") -> None:
    """Create (or re-create) the triggers through a migration's schema editor."""
    for sql in install_statements(schema_editor.connection.vendor, user_table):
        schema_editor.execute(sql, params=None)  # None: no placeholder parsing ("%s" is SQL)


def uninstall(schema_editor: Any) -> None:
    for sql in uninstall_statements(schema_editor.connection.vendor):
        schema_editor.execute(sql, params=None)

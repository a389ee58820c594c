"""Database triggers refusing UPDATE and DELETE of audit entries (fazhi/core/audit_guard.py)."""

from typing import Any

from django.db import migrations


def install(apps: Any, schema_editor: Any) -> None:
    from fazhi.core.audit_guard import create_statements

    for sql in create_statements(schema_editor.connection.vendor):
        schema_editor.execute(sql, params=None)


def uninstall(apps: Any, schema_editor: Any) -> None:
    from fazhi.core.audit_guard import drop_statements

    for sql in drop_statements(schema_editor.connection.vendor, function=True):
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0004_audit_source_ip_keyed_chain'),
    ]

    operations = [migrations.RunPython(install, uninstall, elidable=False)]

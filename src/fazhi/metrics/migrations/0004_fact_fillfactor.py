"""PostgreSQL: leave half of each page of ``metrics_metricfact`` free (``fillfactor = 50``).

A fact row's ``num``/``den`` change on every register write, and a bulk ingest's batch updates
some 10⁵ of them in one statement. No index covers ``num``/``den``, so with room on the page
PostgreSQL updates the row in place (a HOT update: no new entry in any of the table's nine
indexes); a full page forces a new tuple elsewhere and nine index insertions per row
(measured: a batch's 103,000 fact updates 11 s → 2.8 s; docs/PERFORMANCE.md, 执法数据).
The setting applies to pages written from now on (``VACUUM FULL metrics_metricfact`` applies it
to the existing rows). Nothing on SQLite.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

TABLE = "metrics_metricfact"


def forward(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} SET (fillfactor = 50)")


def backward(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("metrics", "0003_fact_indexes")]

    operations = [migrations.RunPython(forward, backward)]

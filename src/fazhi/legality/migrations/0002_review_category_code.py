"""Store the category's code on each review (``Review.category_code``), so the per-category
metrics read the register table alone and are kept as monthly facts."""

from __future__ import annotations

from typing import Any

from django.db import migrations, models


def fill(apps: Any, schema_editor: Any) -> None:
    Review = apps.get_model("legality", "Review")
    Category = apps.get_model("legality", "Category")
    for category in Category.objects.all():
        Review.objects.filter(category=category).update(category_code=category.code)


class Migration(migrations.Migration):
    dependencies = [
        ("legality", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="review",
            name="category_code",
            field=models.CharField(
                db_index=True, default="", editable=False, max_length=40, verbose_name="类别编码"
            ),
            preserve_default=False,
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]

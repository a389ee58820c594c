"""``Review.category_code``: the category's code stored with each review (the per-category
metrics read it, so they are kept as monthly facts), set on register and by the demo's bulk
writer, filled for existing rows by migration 0002, and fixed once a category exists."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.contrib.admin.sites import site
from django.test import RequestFactory
from tests.legality.conftest import MakeReview

from fazhi.legality.models import Category, Review
from fazhi.metrics import facts
from fazhi.metrics.selectors import definition_for

pytestmark = pytest.mark.django_db

migration = importlib.import_module("fazhi.legality.migrations.0002_review_category_code")


def test_register_stores_the_code_and_the_migration_fills_old_rows(
    make_review: MakeReview,
) -> None:
    a = make_review(category="normative_doc", received_on="2026-02-13")
    b = make_review(category="行政协议及合同", received_on="2026-02-13")  # named, not coded
    stored = dict(Review.objects.values_list("id", "category_code"))
    assert stored == {a.pk: "normative_doc", b.pk: "contract"}
    Review.objects.update(category_code="")  # rows written before the field existed
    migration.fill(apps, None)
    assert dict(Review.objects.values_list("id", "category_code")) == stored


def test_per_category_metrics_read_the_stored_code() -> None:
    definition = definition_for("legality.reviews_normative_doc", 2025)
    assert definition.base_filter["category_code"] == "normative_doc"
    assert "category__code" not in definition.base_filter
    assert facts.eligible(definition)


def test_a_category_code_is_fixed_once_created() -> None:
    admin = site._registry[Category]
    request = RequestFactory().get("/")
    assert "code" in admin.get_readonly_fields(request, Category.objects.first())
    assert "code" not in admin.get_readonly_fields(request, None)

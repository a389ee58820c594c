"""The indicator systems shipped as data (``fixtures/systems/*.json``): installed after
``migrate``, owner-less and frozen. A shipped version is never changed once installed; a new
edition ships as a new ``version`` in its file."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from fazhi.assessments.models import IndicatorSystem
from fazhi.assessments.systems_io import system_from_data

FOLDER = Path(__file__).resolve().parent / "fixtures" / "systems"


def shipped_files() -> list[Path]:
    return sorted(FOLDER.glob("*.json"))


@transaction.atomic
def shipped_sync() -> int:
    """Install each shipped system version not yet present; returns how many were added."""
    added = 0
    for path in shipped_files():
        data = json.loads(path.read_text(encoding="utf-8"))
        version = int(data.get("version", 1))
        if IndicatorSystem.objects.filter(owner=None, name=data["name"], version=version).exists():
            continue
        cap = data.get("bonus_cap")
        system_from_data(
            name=data["name"],
            rows=data["rows"],
            kind=data.get("kind", "annual"),
            version=version,
            grades=data.get("grades", ()),
            bonus_cap=Decimal(str(cap)) if cap is not None else None,
            source=data.get("source", ""),
            confidence=data.get("confidence", ""),
            province_code=data.get("province_code", ""),
        )
        added += 1
    return added

"""Open the load test's accounts in a demo county (run by ``load.py`` in the prepared
environment: ``FAZHI_DATA_DIR`` / ``DATABASE_URL`` set, the demo county already loaded).

    .venv/bin/python benchmarks/load_seed.py --users 100 --out users.json

Accounts ``load001`` … are opened through the services with the command-line actor
(``accounts.services.user_create``, ``orgs.services.membership_grant``), so their passwords are
the accounts' own — not temporary, no forced change at the first login — and each passes the
password policy (≥ 10 characters, three character classes). The mix: one in ten is a 依法治办
of the county (reads the county dashboard and both registers), the others are 填报 clerks,
half of them of 县司法局 (the 行政复议 register), half spread in turn over the departments and
乡镇 that have two or more 行政应诉 cases. Idempotent: accounts that exist
are kept (and listed). Writes ``[{"username", "password", "kind", "unit"}]`` as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Load-test-2026"  # 14 characters, upper + lower + digit + symbol
COUNTY = "430199"
SFJ = "430199008"  # 湘江县司法局: keeps the county's 行政复议 register


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from fazhi.accounts.services import user_create
    from fazhi.litigation.models import LitigationCase
    from fazhi.orgs.models import Membership, OrgUnit
    from fazhi.orgs.roles import Role
    from fazhi.orgs.scoping import Actor
    from fazhi.orgs.services import membership_grant

    actor = Actor.command_line()
    county = OrgUnit.objects.get(code=COUNTY)
    sfj = OrgUnit.objects.get(code=SFJ)
    sued = list(
        LitigationCase.objects.values_list("unit__code")
        .annotate(n=Count("id"))
        .filter(n__gte=2)
        .order_by("-n", "unit__code")
    )
    # units with 应诉 cases (two or more), the busiest first, in turn
    pool = [code for code, _ in sued]
    units = {u.code: u for u in OrgUnit.objects.filter(code__in=[c for c, _ in sued])}
    users = []
    for i in range(1, args.users + 1):
        username = f"load{i:03d}"
        if i % 10 == 0:
            kind, unit, role = "coordinator", county, Role.COORDINATOR
        elif i % 2:
            kind, unit, role = "reconsideration", sfj, Role.CLERK
        else:
            kind, role = "litigation", Role.CLERK
            unit = units[pool[(i // 2) % len(pool)]]
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            user = user_create(
                actor=actor,
                username=username,
                full_name=f"压测{i:03d}",
                password=PASSWORD,
                unit=unit,
            )
        if not Membership.objects.filter(user=user, unit=unit, role=role).exists():
            membership_grant(actor=actor, user=user, unit=unit, role=role)
        users.append({"username": username, "password": PASSWORD, "kind": kind, "unit": unit.code})
    args.out.write_text(json.dumps(users, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"{len(users)} 个压测账号：{args.out}")


if __name__ == "__main__":
    main()

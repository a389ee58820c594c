"""Uploaded evidence goes through Django's storage API only (issue 15 item 6): with the default
storage swapped for InMemoryStorage (no filesystem at all), a 佐证材料 is uploaded, listed and
downloaded, in and out of the uploader's subtree; the deployment switches (FAZHI_STORAGE,
FAZHI_CACHE_URL) refuse bad values in Chinese; sessions live in the database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.files.storage import InMemoryStorage, default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from tests.personas import County

from fazhi.ops.backup import storage_files
from fazhi.plans.models import Assignment, ProgressReport
from fazhi.plans.parser import parse_plan
from fazhi.plans.services import plan_import

ROOT = Path(__file__).resolve().parents[2]
PLAN = """湘江县2025年法治政府建设工作要点
一、严格规范公正文明执法
（一）开展案卷评查。9月30日前完成评查。（牵头单位：湘江县司法局；责任单位：各乡镇）
"""


@pytest.fixture
def memory_storage(settings: Any, tmp_path: Path) -> Path:
    settings.STORAGES = {
        **django_settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "media-must-stay-absent"
    return Path(settings.MEDIA_ROOT)


@pytest.mark.django_db
def test_evidence_upload_and_download_through_the_storage_api(
    county: County, memory_storage: Path
) -> None:
    plan = plan_import(
        actor=county.actor("coordinator"),
        unit=county.root,
        parsed=parse_plan(PLAN),
        resolution={"湘江县司法局": [county.dept], "各乡镇": [county.town_a, county.town_b]},
        allow_unmatched=True,
    ).plan
    a = Assignment.objects.get(task__plan=plan, unit=county.town_a)
    url = f"/plans/assignments/{a.pk}/"
    client = county.client("clerk_a")
    body = b"%PDF-1.4 evidence in object storage"
    pdf = SimpleUploadedFile("评查.pdf", body, content_type="application/pdf")
    assert (
        client.post(url, {"action": "report", "text": "已完成", "files": [pdf]}).status_code == 302
    )
    evidence = ProgressReport.objects.get().evidence.get()
    assert evidence.file.storage is default_storage
    assert isinstance(default_storage, InMemoryStorage)
    assert list(storage_files(default_storage)) == [evidence.file.name]  # what backup archives
    assert not memory_storage.exists()  # nothing on the filesystem
    got = client.get(f"/plans/evidence/{evidence.pk}/")
    assert got.status_code == 200 and b"".join(got.streaming_content) == body
    # In the subtree (the county's coordinator) and out of it (the other township's clerk).
    ok = county.client("coordinator").get(f"/plans/evidence/{evidence.pk}/")
    assert ok.status_code == 200 and b"".join(ok.streaming_content) == body
    assert county.client("clerk_b").get(f"/plans/evidence/{evidence.pk}/").status_code == 404


def test_sessions_are_in_the_database_and_the_cache_is_configurable() -> None:
    assert django_settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    assert django_settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")  # no URL: local


def _check(data: Path, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("FAZHI_")}
    base |= {"FAZHI_DATA_DIR": str(data), "PYTHONIOENCODING": "utf-8", **env}
    return subprocess.run(
        [sys.executable, "-m", "fazhi.cli", "check"],
        env=base,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"FAZHI_STORAGE": "ftp"}, "FAZHI_STORAGE 的值 'ftp' 无效（应为 filesystem 或 s3）"),
        ({"FAZHI_STORAGE": "s3"}, "FAZHI_STORAGE=s3 需要 boto3"),
        ({"FAZHI_CACHE_URL": "memcached://x"}, "FAZHI_CACHE_URL 的值 'memcached://x' 无效"),
    ],
)
def test_bad_storage_and_cache_settings_are_refused(
    env: dict[str, str], message: str, tmp_path: Path
) -> None:
    try:
        import boto3  # noqa: F401

        if env.get("FAZHI_STORAGE") == "s3":
            pytest.skip("boto3 is installed here: s3 then needs its variables instead")
    except ImportError:
        pass
    done = _check(tmp_path, **env)
    assert done.returncode == 2
    assert message in done.stderr


def test_a_redis_cache_url_selects_the_redis_cache(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.CACHES['default']['BACKEND'], settings.CACHES['default']['LOCATION'])",
        ],
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("FAZHI_")},
            "DJANGO_SETTINGS_MODULE": "fazhi.settings",
            "FAZHI_DATA_DIR": str(tmp_path),
            "FAZHI_CACHE_URL": "redis://127.0.0.1:6379/3",
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [
        "django.core.cache.backends.redis.RedisCache",
        "redis://127.0.0.1:6379/3",
    ]

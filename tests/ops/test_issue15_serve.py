"""`fazhi serve` for real: gunicorn on a free port against a temporary SQLite database; a
persona logs in, gets a page and a hashed static file (cached for good, compressed), the
access log carries no query string, and SIGTERM stops the server and its children."""

from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from tests.personas import PASSWORD

from fazhi.ops.server import default_workers, parse_bind

ROOT = Path(__file__).resolve().parents[2]
SEED = "import django; django.setup(); from tests.personas import build_county; build_county()"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cli_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {
        "FAZHI_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "fazhi.settings",
        "PYTHONIOENCODING": "utf-8",
        "PYTHONPATH": str(ROOT),
    }
    return env


def _wait_until_up(url: str, proc: subprocess.Popen[str], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert proc.poll() is None, "fazhi serve exited early"
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"fazhi serve did not answer within {seconds} s")


def test_worker_count_and_bind_are_checked() -> None:
    assert default_workers(1) == 3
    assert default_workers(2) == 5
    assert default_workers(64) == 8  # capped
    assert parse_bind("0.0.0.0:8000") == "0.0.0.0:8000"
    assert parse_bind("unix:/run/fazhi.sock") == "unix:/run/fazhi.sock"
    for bad in ("8000", "127.0.0.1:", "127.0.0.1:99999", "host:port"):
        with pytest.raises(ValueError, match="监听地址"):
            parse_bind(bad)


def test_serve_rejects_a_bad_bind(tmp_path: Path, migrated_data_dir: Path) -> None:
    shutil.copytree(migrated_data_dir, tmp_path, dirs_exist_ok=True)
    done = subprocess.run(
        [sys.executable, "-m", "fazhi.cli", "serve", "--bind", "nowhere"],
        env=cli_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "监听地址 nowhere 无效" in done.stderr


def test_serve_logs_in_serves_pages_and_static_then_stops(
    tmp_path: Path, migrated_data_dir: Path
) -> None:
    shutil.copytree(migrated_data_dir, tmp_path, dirs_exist_ok=True)
    env = cli_env(tmp_path)
    subprocess.run([sys.executable, "-c", SEED], env=env, cwd=ROOT, check=True, timeout=120)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "serve.log"
    with log.open("w", encoding="utf-8") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "fazhi.cli",
                "serve",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
            ],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            _wait_until_up(f"{base}/accounts/login/", proc, 90)
            jar = http.cookiejar.CookieJar()
            opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
            page = opener.open(f"{base}/accounts/login/?next=/", timeout=20).read().decode()
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
            assert token is not None
            body = urllib.parse.urlencode(
                {
                    "csrfmiddlewaretoken": token.group(1),
                    "username": "coordinator",
                    "password": PASSWORD,
                    "next": "/",
                }
            ).encode()
            home = opener.open(f"{base}/accounts/login/", data=body, timeout=30)
            assert home.status == 200
            assert home.url.rstrip("/") == base  # signed in: the home page, not the login form
            html = home.read().decode()
            assert "退出" in html
            # Static files: hashed names from the manifest, compressed, cached for good (immutable).
            css = re.search(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', html)
            assert css is not None, "the page links a hashed style sheet"
            request = urllib.request.Request(
                base + css.group(1), headers={"Accept-Encoding": "gzip"}
            )
            with urllib.request.urlopen(request, timeout=20) as static:
                assert static.status == 200
                assert "immutable" in static.headers["Cache-Control"]
                assert "max-age=315360000" in static.headers["Cache-Control"]
                assert static.headers["Content-Encoding"] == "gzip"
                assert static.headers.get("Access-Control-Allow-Origin") is None
            children = subprocess.run(
                ["pgrep", "-P", str(proc.pid)], capture_output=True, text=True, check=False
            ).stdout.split()
            assert len(children) == 2  # gunicorn's master and the job worker
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                code = proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                raise
    assert code == 0
    text = log.read_text(encoding="utf-8")
    assert "生产服务器（gunicorn）监听" in text
    assert "服务已停止" in text
    assert '"GET /accounts/login/ HTTP/1.1" 200' in text  # the access log, on stdout
    assert "next=" not in text  # without query strings
    assert "后台任务进程已启动" in text
    for pid in children:  # serve stopped its children: gunicorn (and its workers), the worker
        assert not Path(f"/proc/{pid}").exists(), f"process {pid} outlived fazhi serve"
    left = subprocess.run(
        ["pgrep", "-f", f"127.0.0.1:{port}"], capture_output=True, text=True, check=False
    )
    assert left.stdout.strip() == "", "no gunicorn process outlives serve"


@pytest.mark.django_db
def test_pages_link_hashed_static_names_only_under_serve(settings: Any, tmp_path: Path) -> None:
    """A collected manifest (left by `make demo` in var/static) must not change the names that
    tests and runserver link; the processes `fazhi serve` starts link the hashed names."""
    from django.core.management import call_command
    from django.templatetags.static import static

    settings.STATIC_ROOT = tmp_path / "static"
    call_command("collectstatic", interactive=False, verbosity=0)
    settings.FAZHI_STATIC_HASHED = False
    assert static("fazhi/app.css") == "/static/fazhi/app.css"
    settings.FAZHI_STATIC_HASHED = True
    assert re.fullmatch(r"/static/fazhi/app\.[0-9a-f]{12}\.css", static("fazhi/app.css"))
    assert static("fazhi/not-collected.css") == "/static/fazhi/not-collected.css"

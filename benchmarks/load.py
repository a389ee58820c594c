"""Load test: many logged-in users on the production server, over loopback (issue 15).

    .venv/bin/python benchmarks/load.py --db sqlite   --users 100 --duration 300 --out r.json
    .venv/bin/python benchmarks/load.py --db postgres --users 100 --duration 300 --out r.json
    .venv/bin/python benchmarks/load.py --db sqlite --users 20 --duration 20   # smoke test

1. **Prepare** (once per database; ``--fresh`` to redo): a fresh data dir
   ``var/bench/load-<db>/`` (PostgreSQL: the database of ``--pg-url``, dropped and created),
   ``fazhi demo --no-serve`` (the demo county as of today), then ``load_seed.py``: the test's
   accounts opened through the services from the command line (not forced to change their
   password). Reused afterwards (the case edits of earlier runs stay).
2. **Serve**: ``fazhi serve`` (gunicorn + whitenoise; production profile, plain HTTP on
   127.0.0.1 as behind a TLS proxy), or plain gunicorn if that command is missing.
3. **Load**: one asyncio client (standard library only: HTTP/1.1 with keep-alive over asyncio
   streams, cookies, CSRF). Users log in one after the other over ``--ramp`` seconds (each once:
   GET the login page, POST with the csrf token), then browse until the end: a page every
   ``--think`` seconds (uniform, default 5–15) — the dashboard, a register list page, a case
   page — and every ``--save-every`` seconds a case edit: GET the edit form, POST it back with
   one text field changed (through the services: audit, facts), follow the redirect to the case
   page.
   ``--duration`` seconds are measured once the last user has logged in.
4. **Report**: per request kind count, p50/p95/p99/max (client side, connect included) and
   the server's own time from gunicorn's access log; errors (any unexpected status, a page
   that is the login page, a form sent back with errors, a timeout, a broken connection) with
   samples; requests/s; the load average and CPU use before, during and after. JSON to
   ``--out`` (default ``benchmarks/results/load-<db>-u<N>-d<S>.json``).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import html
import json
import os
import platform
import random
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import time
import urllib.parse
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
RESULTS = Path(__file__).resolve().parent / "results"
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/fazhi_load"
HOST = "127.0.0.1"
TARGETS = {"list": 500.0, "case": 500.0, "dashboard": 1000.0}  # p95, ms
REGISTER = {
    # kind of user → (register URL prefix, the edit form's text field changed by a save)
    "reconsideration": ("/reconsideration/cases/", "matter"),
    "litigation": ("/litigation/cases/", "cause"),
}
MARK = re.compile(r"（压测\d+）$")


# --- prepare ---------------------------------------------------------------------------------
def server_env(db: str, data_dir: Path, pg_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env.update(
        FAZHI_DATA_DIR=str(data_dir),
        DJANGO_SETTINGS_MODULE="fazhi.settings",
        # the production profile, served as plain HTTP on loopback as behind a TLS proxy
        FAZHI_PROFILE="production",
        FAZHI_SSL_REDIRECT="false",
        FAZHI_HSTS_SECONDS="0",
        PYTHONPATH=str(ROOT / "src"),
    )
    if db == "postgres":
        env["DATABASE_URL"] = pg_url
    return env


def prepare(db: str, data_dir: Path, pg_url: str, users: int, fresh: bool) -> list[dict[str, str]]:
    ready = data_dir / "load-users.json"
    if ready.exists() and not fresh:
        accounts: list[dict[str, str]] = json.loads(ready.read_text(encoding="utf-8"))
        if len(accounts) >= users:
            return accounts[:users]
    if data_dir.exists():
        assert data_dir.name.startswith("load-"), data_dir  # never wipe anything else
        shutil.rmtree(data_dir)
    data_dir.mkdir(parents=True)
    if db == "postgres":
        _recreate_pg_database(pg_url)
    env = server_env(db, data_dir, pg_url)
    env["FAZHI_PROFILE"] = "development"  # the demo's accounts keep their demo passwords
    started = time.monotonic()
    say(f"准备数据（{db}）：fazhi demo --no-serve → {data_dir}")
    subprocess.run([str(BIN / "fazhi"), "demo", "--no-serve"], env=env, check=True)
    subprocess.run(
        [
            str(BIN / "python"),
            str(Path(__file__).with_name("load_seed.py")),
            "--users",
            str(users),
            "--out",
            str(ready),
        ],
        env=env,
        check=True,
    )
    say(f"数据已准备（{time.monotonic() - started:.0f} 秒）")
    return list(json.loads(ready.read_text(encoding="utf-8")))


def _recreate_pg_database(url: str) -> None:
    import psycopg

    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


# --- the server ------------------------------------------------------------------------------
ACCESS_FORMAT = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'


def start_server(
    db: str, data_dir: Path, pg_url: str, port: int, workers: int | None, log: Path
) -> tuple[subprocess.Popen[bytes], list[str]]:
    env = server_env(db, data_dir, pg_url)
    serve = ROOT / "src" / "fazhi" / "core" / "management" / "commands" / "serve.py"
    if serve.exists():
        argv = [str(BIN / "fazhi"), "serve", "--bind", f"{HOST}:{port}"]
        if workers:
            argv += ["--workers", str(workers)]
    else:  # before `fazhi serve` existed
        argv = [
            str(BIN / "gunicorn"), "fazhi.wsgi:application", "--bind", f"{HOST}:{port}",
            "--workers", str(workers or 2 * (os.cpu_count() or 1) + 1),
            "--access-logfile", "-", "--access-logformat", ACCESS_FORMAT,
        ]  # fmt: skip
    out = log.open("wb")
    # its own process group: stopped (with its workers) by its id at the end
    proc = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT,
                            start_new_session=True)  # fmt: skip
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"服务器未能启动（退出码 {proc.returncode}），见 {log}")
        try:
            with socket.create_connection((HOST, port), timeout=1) as s:
                s.sendall(f"GET /accounts/login/ HTTP/1.0\r\nHost: {HOST}\r\n\r\n".encode())
                if s.recv(12).endswith(b"200"):
                    return proc, argv
        except OSError:
            pass
        time.sleep(0.5)
    stop_server(proc)
    raise SystemExit(f"服务器 180 秒内未就绪，见 {log}")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


# --- a small HTTP/1.1 client -----------------------------------------------------------------
class HTTPError(Exception):
    pass


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    @property
    def location(self) -> str:
        return urllib.parse.urlsplit(self.headers.get("location", "")).path


class Client:
    """One user's browser: one keep-alive connection (reopened when the server closed it),
    cookies, the CSRF header fields."""

    def __init__(self, port: int, timeout: float) -> None:
        self.port = port
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
        self.reader = self.writer = None

    async def request(
        self,
        method: str,
        path: str,
        form: list[tuple[str, str]] | None = None,
        referer: str = "",
        timeout: float | None = None,
    ) -> Response:
        body = urllib.parse.urlencode(form or []).encode() if method == "POST" else b""
        lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{self.port}", "Accept: text/html"]
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if method == "POST":
            origin = f"http://{HOST}:{self.port}"
            lines += [
                "Content-Type: application/x-www-form-urlencoded",
                f"Content-Length: {len(body)}",
                f"Origin: {origin}",
                f"Referer: {origin}{referer or path}",
            ]
        raw = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
        return await asyncio.wait_for(self._send(raw), timeout or self.timeout)

    async def _send(self, raw: bytes) -> Response:
        for attempt in (1, 2):
            reused = self.writer is not None
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection(HOST, self.port)
            assert self.reader is not None and self.writer is not None
            try:
                self.writer.write(raw)
                await self.writer.drain()
                first = await self.reader.readline()
                if not first:
                    raise ConnectionResetError("服务器关闭了连接")
            except (ConnectionError, OSError):
                await self.close()
                if reused and attempt == 1:  # the server closed an idle keep-alive connection
                    continue
                raise
            return await self._read(first)
        raise AssertionError("unreachable")

    async def _read(self, first: bytes) -> Response:
        assert self.reader is not None
        parts = first.decode("latin-1").split(" ", 2)
        status = int(parts[1])
        headers: dict[str, str] = {}
        while True:
            line = (await self.reader.readline()).decode("latin-1").rstrip("\r\n")
            if not line:
                break
            name, _, value = line.partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "set-cookie":
                self._cookie(value)
            headers[name] = value
        if headers.get("transfer-encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int((await self.reader.readline()).split(b";")[0], 16)
                if size == 0:
                    while (await self.reader.readline()) not in (b"\r\n", b""):
                        pass
                    break
                chunks.append(await self.reader.readexactly(size + 2))
            body = b"".join(c[:-2] for c in chunks)
        elif "content-length" in headers:
            body = await self.reader.readexactly(int(headers["content-length"]))
        else:
            body = await self.reader.read()
            headers["connection"] = "close"
        if headers.get("connection", "").lower() == "close":
            await self.close()
        return Response(status, headers, body)

    def _cookie(self, value: str) -> None:
        pair, *attrs = value.split(";")
        name, _, val = pair.strip().partition("=")
        expired = any(a.strip().lower() in ("max-age=0",) for a in attrs) or val in ("", '""')
        if expired:
            self.cookies.pop(name, None)
        else:
            self.cookies[name] = val


class FormParser(HTMLParser):
    """The POST forms of a page: their fields as a browser would send them (text inputs,
    hidden, checked boxes, selected options, textareas; no buttons, no files)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[list[tuple[str, str]]] = []
        self.form: list[tuple[str, str]] | None = None
        self.select: tuple[str, bool, list[str], list[str]] | None = None
        self.option: list[str] | None = None
        self.textarea: tuple[str, list[str]] | None = None
        self.selected = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            self.form = []
            self.forms.append(self.form)
        if self.form is None:
            return
        name = a.get("name", "")
        if tag == "input" and name and "disabled" not in a:
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "file", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.form.append((name, a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and name and "disabled" not in a:
            self.select = (name, "multiple" in a, [], [])
        elif tag == "option" and self.select is not None:
            self.option = [a["value"]] if "value" in a else []
            self.select[3].append("")  # this option's value, filled at its end
            self.selected = "selected" in a
            if self.selected:
                self.select[2].append("")  # filled at its end
        elif tag == "textarea" and name and "disabled" not in a:
            self.textarea = (name, [])

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.textarea[1].append(data)
        elif self.option is not None and not self.option[:1]:
            self.option.append(data.strip())

    def handle_endtag(self, tag: str) -> None:
        if tag == "option" and self.select is not None and self.option is not None:
            value = self.option[0] if self.option else ""
            self.select[3][-1] = value
            if self.selected:
                self.select[2][-1] = value
            self.option = None
        elif tag == "select" and self.select is not None and self.form is not None:
            name, multiple, chosen, values = self.select
            if not chosen and not multiple and values:
                chosen = values[:1]
            self.form.extend((name, v) for v in chosen)
            self.select = None
        elif tag == "textarea" and self.textarea is not None and self.form is not None:
            text = "".join(self.textarea[1])
            self.form.append((self.textarea[0], text[1:] if text.startswith("\n") else text))
            self.textarea = None
        elif tag == "form":
            self.form = None


def post_form(page: str, field: str) -> list[tuple[str, str]] | None:
    parser = FormParser()
    parser.feed(page)
    for form in parser.forms:
        if any(name == field for name, _ in form):
            return form
    return None


# --- the users -------------------------------------------------------------------------------
@dataclass
class Stats:
    started: float = 0.0  # when the measured period starts (monotonic); 0 = not yet
    ended: float = 0.0
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    ramp_times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: Counter[str] = field(default_factory=Counter)
    ramp_errors: Counter[str] = field(default_factory=Counter)
    samples: list[dict[str, Any]] = field(default_factory=list)

    def running(self) -> bool:
        return not self.ended or time.monotonic() < self.ended

    def record(self, kind: str, ms: float, at: float) -> None:
        measured = self.started and self.started <= at <= self.ended
        (self.times if measured else self.ramp_times)[kind].append(ms)

    def error(self, kind: str, reason: str, at: float, path: str, detail: str = "") -> None:
        measured = self.started and self.started <= at <= self.ended
        (self.errors if measured else self.ramp_errors)[f"{kind}: {reason}"] += 1
        if len(self.samples) < 20:
            self.samples.append({"kind": kind, "reason": reason, "path": path, "detail": detail})


ERRORLIST = re.compile(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', re.S)
TAGS = re.compile(r"<[^>]+>")


class User:
    def __init__(self, account: dict[str, str], args: argparse.Namespace, stats: Stats) -> None:
        self.account = account
        self.kind = account["kind"]
        self.args = args
        self.stats = stats
        self.client = Client(args.port, args.timeout)
        self.rng = random.Random(f"{args.seed}-{account['username']}")
        self.case_ids: dict[str, list[int]] = defaultdict(list)
        self.pages: dict[str, int] = defaultdict(lambda: 1)
        self.saves = 0

    async def get(self, kind: str, path: str, *, expect: int = 200) -> Response | None:
        return await self.call(kind, "GET", path, expect=expect)

    async def call(
        self,
        kind: str,
        method: str,
        path: str,
        *,
        expect: int = 200,
        form: list[tuple[str, str]] | None = None,
        referer: str = "",
    ) -> Response | None:
        start = time.monotonic()
        # logging in hashes the password (PBKDF2, on purpose slow): its own, longer timeout
        timeout = self.args.login_timeout if path.startswith("/accounts/login/") else None
        try:
            response = await self.client.request(method, path, form, referer, timeout)
        except TimeoutError:
            await self.client.close()
            self.stats.error(kind, "超时", time.monotonic(), path)
            return None
        except (OSError, ValueError, asyncio.IncompleteReadError) as exc:
            await self.client.close()
            self.stats.error(kind, f"连接错误 {type(exc).__name__}", time.monotonic(), path)
            return None
        end = time.monotonic()
        problem = ""
        if response.status != expect:
            problem = f"HTTP {response.status}"
        elif expect == 200 and 'name="password"' in response.text and "/accounts/" not in path:
            problem = "返回了登录页（会话丢失）"
        elif expect == 302 and response.location.startswith("/accounts/"):
            problem = f"跳转到 {response.location}"
        if problem:
            detail = response.headers.get("location", "") or _errors(response.text)
            self.stats.error(kind, problem, end, path, detail)
            return None
        self.stats.record(kind, (end - start) * 1000, end)
        return response

    async def run(self, start_at: float, logged_in: asyncio.Queue[bool]) -> None:
        await asyncio.sleep(max(0.0, start_at - time.monotonic()))
        ok = await self.login()
        logged_in.put_nowait(ok)
        if not ok:
            await self.client.close()
            return
        next_save = time.monotonic() + self.rng.uniform(*self.args.save_every)
        try:
            while self.stats.running():
                await asyncio.sleep(self.rng.uniform(*self.args.think))
                if not self.stats.running():
                    break
                if self.kind in REGISTER and time.monotonic() >= next_save:
                    await self.save()
                    next_save = time.monotonic() + self.rng.uniform(*self.args.save_every)
                else:
                    await self.browse()
        finally:
            await self.client.close()

    async def login(self) -> bool:
        page = await self.get("login_page", "/accounts/login/")
        if page is None:
            return False
        form = post_form(page.text, "username") or []
        fields = dict(form)
        fields.update(username=self.account["username"], password=self.account["password"])
        done = await self.call(
            "login", "POST", "/accounts/login/", expect=302, form=list(fields.items())
        )
        if done is None:
            return False
        return await self.get("home", done.location or "/") is not None

    def register(self) -> str:
        if self.kind in REGISTER:
            return self.kind
        return self.rng.choice(list(REGISTER))

    async def browse(self) -> None:
        roll = self.rng.random()
        dashboard_share = 0.4 if self.kind == "coordinator" else 0.2
        register = self.register()
        prefix = REGISTER[register][0]
        if roll < dashboard_share:
            await self.get("dashboard", "/metrics/dashboard/")
        elif roll < dashboard_share + (1 - dashboard_share) / 2 or not self.case_ids[register]:
            await self.list(register)
        else:
            pk = self.rng.choice(self.case_ids[register])
            await self.get("case", f"{prefix}{pk}/")

    async def list(self, register: str) -> None:
        prefix = REGISTER[register][0]
        page = self.rng.randint(1, self.pages[register])
        response = await self.get("list", prefix + (f"?page={page}" if page > 1 else ""))
        if response is None:
            return
        found = {int(m) for m in re.findall(rf'href="{re.escape(prefix)}(\d+)/"', response.text)}
        known = set(self.case_ids[register]) | found
        self.case_ids[register] = sorted(known)
        pages = [int(p) for p in re.findall(r"[?&]page=(\d+)", response.text)]
        if pages:
            self.pages[register] = max(self.pages[register], *pages)

    async def save(self) -> None:
        register = self.kind
        prefix, field_name = REGISTER[register]
        if not self.case_ids[register]:
            await self.list(register)
            if not self.case_ids[register]:
                return
        pk = self.rng.choice(self.case_ids[register])
        edit = f"{prefix}{pk}/edit/"
        page = await self.get("edit_form", edit)
        if page is None:
            return
        form = post_form(page.text, field_name)
        if form is None:
            self.stats.error("edit_form", f"没有 {field_name} 字段", time.monotonic(), edit)
            return
        self.saves += 1
        changed = []
        for name, value in form:
            if name == field_name:
                value = MARK.sub("", value) + f"（压测{self.saves % 10}）"
            changed.append((name, value))
        done = await self.call("save", "POST", edit, expect=302, form=changed, referer=edit)
        if done is not None:
            await self.get("case", done.location)


def _errors(page: str) -> str:
    found = [html.unescape(TAGS.sub(" ", m)).split() for m in ERRORLIST.findall(page)]
    text = " | ".join(" ".join(words) for words in found)
    if not text:
        title = re.search(r"<title>(.*?)</title>", page, re.S)
        text = html.unescape(title.group(1)).strip() if title else page[:200]
    return text[:300]


# --- measuring -------------------------------------------------------------------------------
def cpu_times() -> tuple[float, float]:
    """(busy, total) jiffies of all CPUs since boot (Linux /proc/stat)."""
    try:
        first = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    except OSError:
        return (0.0, 0.0)
    values = [float(v) for v in first]
    idle = values[3] + (values[4] if len(values) > 4 else 0.0)
    return (sum(values) - idle, sum(values))


def group_cpu_seconds(pgid: int) -> float:
    """CPU seconds used by the processes of process group ``pgid`` (the server and its
    workers, including workers that exited: their time is in the master's cutime/cstime)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # after the name: state ppid pgrp session tty tpgid flags minflt cminflt majflt
        # cmajflt utime stime cutime cstime
        if int(fields[2]) == pgid:
            total += float(fields[11]) + float(fields[12])
            if int(stat.parent.name) == pgid:
                total += float(fields[13]) + float(fields[14])
    return total / tick


def busiest_processes(count: int = 8) -> list[str]:
    try:
        out = subprocess.run(
            ["ps", "-eo", "pcpu,pid,comm", "--sort=-pcpu"], capture_output=True, text=True
        ).stdout
    except OSError:
        return []
    return [" ".join(line.split()) for line in out.splitlines()[1 : count + 1]]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def summarise(times: dict[str, list[float]]) -> dict[str, dict[str, float]]:
    out = {}
    for kind, values in sorted(times.items()):
        if values:
            out[kind] = {
                "count": len(values),
                "p50": round(percentile(values, 50), 1),
                "p95": round(percentile(values, 95), 1),
                "p99": round(percentile(values, 99), 1),
                "max": round(max(values), 1),
                "mean": round(statistics.fmean(values), 1),
            }
    return out


LOG_LINE = re.compile(r'"(GET|POST) (\S+) HTTP/[\d.]+" (\d{3}) \S+ (\d+)ms')


def server_times(log: Path, prefixes: dict[str, str]) -> dict[str, dict[str, float]]:
    """The server's own time per request kind, from gunicorn's access log (%(M)s)."""
    times: dict[str, list[float]] = defaultdict(list)
    for line in log.read_text("utf-8", "replace").splitlines():
        m = LOG_LINE.search(line)
        if not m:
            continue
        method, path, ms = m.group(1), m.group(2), float(m.group(4))
        times[classify(method, path, prefixes)].append(ms)
    return summarise(times)


def classify(method: str, path: str, prefixes: dict[str, str]) -> str:
    if path.startswith("/accounts/login/"):
        return "login" if method == "POST" else "login_page"
    if path.startswith("/metrics/dashboard/"):
        return "dashboard"
    for prefix in prefixes.values():
        if path == prefix:
            return "list"
        if path.startswith(prefix) and path.endswith("/edit/"):
            return "save" if method == "POST" else "edit_form"
        if path.startswith(prefix):
            return "case"
    return "home" if path == "/" else "other"


async def drive(
    accounts: list[dict[str, str]], args: argparse.Namespace, stats: Stats
) -> dict[str, Any]:
    now = time.monotonic()
    ramp = args.ramp if len(accounts) > 1 else 0.0
    users = [User(a, args, stats) for a in accounts]
    load: list[tuple[float, tuple[float, float, float]]] = []
    logged_in: asyncio.Queue[bool] = asyncio.Queue()
    server_cpu: list[float] = []

    async def sample_load() -> None:
        while stats.running():
            await asyncio.sleep(10)
            load.append((round(time.monotonic() - now, 1), os.getloadavg()))

    async def clock() -> tuple[float, float]:
        # the measured period starts once every user has logged in (or failed to)
        failed = 0
        for _ in users:
            failed += not await logged_in.get()
        stats.started = time.monotonic()
        stats.ended = stats.started + args.duration
        say(f"登录完成（{stats.started - now:.0f} 秒，失败 {failed}），开始计时")
        cpu_before, server_before = cpu_times(), group_cpu_seconds(args.server_pgid)
        await asyncio.sleep(args.duration)
        cpu_after, server_after = cpu_times(), group_cpu_seconds(args.server_pgid)
        server_cpu.append(server_after - server_before)
        return (cpu_after[0] - cpu_before[0], cpu_after[1] - cpu_before[1])

    sampler = asyncio.create_task(sample_load())
    timer = asyncio.create_task(clock())
    step = ramp / max(1, len(users) - 1)
    await asyncio.gather(*(u.run(now + i * step, logged_in) for i, u in enumerate(users)))
    busy, total = await timer
    sampler.cancel()
    return {
        "login_phase_s": round(stats.started - now, 1),
        "cpu_busy_percent": round(100 * busy / total, 1) if total else None,
        "server_cpu_s": round(server_cpu[0], 1) if server_cpu else None,
        "loadavg_samples": load,
        "saves": sum(u.saves for u in users),
    }


def say(text: str) -> None:
    print(text, flush=True)


def pair(text: str) -> tuple[float, float]:
    low, _, high = text.partition(",")
    return (float(low), float(high or low))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--duration", type=float, default=300, help="measured seconds")
    parser.add_argument("--ramp", type=float, default=100, help="seconds over which users log in")
    parser.add_argument("--login-timeout", type=float, default=120.0, help="seconds")
    parser.add_argument("--think", type=pair, default=(5.0, 15.0), help="seconds between pages")
    parser.add_argument("--save-every", type=pair, default=(10.0, 20.0), help="seconds")
    parser.add_argument("--timeout", type=float, default=30.0, help="per request, seconds")
    parser.add_argument("--port", type=int, default=18620)
    parser.add_argument("--workers", type=int, default=None, help="server processes")
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_LOAD_DATABASE_URL", DEFAULT_PG))
    parser.add_argument("--fresh", action="store_true", help="prepare the data again")
    parser.add_argument("--prepare-only", action="store_true", help="prepare the data, no run")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    data_dir = args.data_dir or ROOT / "var" / "bench" / f"load-{args.db}"
    out = args.out or RESULTS / f"load-{args.db}-u{args.users}-d{int(args.duration)}.json"

    accounts = prepare(args.db, data_dir, args.pg_url, args.users, args.fresh)
    if args.prepare_only:
        return
    log = data_dir / f"server-{int(time.time())}.log"
    load_before = os.getloadavg()
    busy_before = busiest_processes()
    say(f"负载（1/5/15 分钟）：{load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}")
    proc, argv = start_server(args.db, data_dir, args.pg_url, args.port, args.workers, log)
    say(f"服务器：{' '.join(Path(argv[0]).name if i == 0 else a for i, a in enumerate(argv))}")
    args.server_pgid = proc.pid
    stats = Stats()
    rusage = resource.getrusage(resource.RUSAGE_SELF)
    started = time.time()
    try:
        say(
            f"{len(accounts)} 个用户在 {args.ramp:.0f} 秒内依次登录，"
            f"然后计时 {args.duration:.0f} 秒……"
        )
        extra = asyncio.run(drive(accounts, args, stats))
    finally:
        stop_server(proc)
    after = resource.getrusage(resource.RUSAGE_SELF)
    load_after = os.getloadavg()
    measured = summarise(stats.times)
    total = sum(v["count"] for v in measured.values())
    result = {
        "db": args.db,
        "users": len(accounts),
        "duration_s": args.duration,
        "ramp_s": args.ramp,
        "think_s": args.think,
        "save_every_s": args.save_every,
        "started_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        "server": argv[1:],
        "machine": {
            "cpus": os.cpu_count(),
            "cpu": _cpu_model(),
            "python": platform.python_version(),
            "system": platform.platform(),
        },
        "loadavg_before": load_before,
        "loadavg_after": load_after,
        "busiest_processes_before": busy_before,
        "client_cpu_s": round(
            after.ru_utime + after.ru_stime - rusage.ru_utime - rusage.ru_stime, 1
        ),
        **extra,
        "requests": total,
        "requests_per_s": round(total / args.duration, 1),
        # the server's CPU per request: what a quiet machine of this many cores could serve
        "server_cpu_ms_per_request": round(1000 * extra["server_cpu_s"] / total, 1)
        if total and extra.get("server_cpu_s")
        else None,
        "errors": sum(stats.errors.values()),
        "error_kinds": dict(stats.errors),
        "ramp_errors": dict(stats.ramp_errors),
        "error_samples": stats.samples,
        "client_ms": measured,
        "ramp_client_ms": summarise(stats.ramp_times),
        "server_ms": server_times(log, {k: v[0] for k, v in REGISTER.items()}),
        "targets_p95_ms": TARGETS,
        "targets_met": {
            kind: measured.get(kind, {}).get("p95", float("inf")) <= limit
            for kind, limit in TARGETS.items()
        }
        | {"zero_errors": not stats.errors and not stats.ramp_errors},
        "server_log": str(log),
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    report(result)
    say(f"结果：{out}")


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def report(r: dict[str, Any]) -> None:
    say(f"\n{r['db']}：{r['users']} 个用户，计时 {r['duration_s']:.0f} 秒，"
        f"{r['requests']} 个请求（{r['requests_per_s']}/秒），保存 {r['saves']} 次，"
        f"错误 {r['errors']}（登录阶段 {sum(r['ramp_errors'].values())}）")  # fmt: skip
    say(f"{'kind':<12}{'count':>7}{'p50':>9}{'p95':>9}{'p99':>9}{'max':>9}  server p95")
    for kind, s in r["client_ms"].items():
        server = r["server_ms"].get(kind, {}).get("p95", "")
        say(f"{kind:<12}{s['count']:>7}{s['p50']:>9}{s['p95']:>9}{s['p99']:>9}{s['max']:>9}"
            f"  {server}")  # fmt: skip
    for kind, s in r["ramp_client_ms"].items():
        if kind in ("login", "login_page", "home"):
            say(f"(ramp) {kind:<10} n={s['count']} p50={s['p50']} p95={s['p95']} max={s['max']}")
    for kind, n in {**r["error_kinds"], **r["ramp_errors"]}.items():
        say(f"错误 {kind}：{n}")
    for sample in r["error_samples"][:5]:
        say(f"  例：{sample}")
    lb, la = r["loadavg_before"], r["loadavg_after"]
    say(f"负载 前 {lb[0]:.2f}/{lb[1]:.2f}/{lb[2]:.2f}  后 {la[0]:.2f}/{la[1]:.2f}/{la[2]:.2f}；"
        f"计时期间 CPU 忙 {r['cpu_busy_percent']}%（{r['machine']['cpus']} 核），"
        f"客户端 CPU {r['client_cpu_s']} 秒；服务器 CPU {r['server_cpu_s']} 秒，"
        f"每请求 {r['server_cpu_ms_per_request']} 毫秒")  # fmt: skip
    say(
        "目标："
        + "，".join(f"{k} {'达到' if v else '未达到'}" for k, v in r["targets_met"].items())
    )


if __name__ == "__main__":
    main()

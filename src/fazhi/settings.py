"""Django settings. Everything a deployment changes is read from the environment (see env.py)."""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path
from typing import Any

import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured

from fazhi.core.kit_apps import discover_apps
from fazhi.env import env_bool, env_int, env_list, env_path, env_str, parse_database_url

django_stubs_ext.monkeypatch()

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = env_path("FAZHI_DATA_DIR", PACKAGE_DIR.parent.parent / "var")
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    configured = env_str("FAZHI_SECRET_KEY", "")
    if configured:
        return configured
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        key_file.chmod(0o600)
    return key_file.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()


def _field_key() -> bytes:
    """128-bit SM4 key for personal data at rest: FAZHI_FIELD_KEY (32 hex digits) or a key file.

    Kept apart from SECRET_KEY so that rotating session secrets never makes stored personal
    data unreadable. Back up ``var/field_key`` with the database.
    """
    configured = env_str("FAZHI_FIELD_KEY", "")
    if not configured:
        key_file = DATA_DIR / "field_key"
        if not key_file.exists():
            key_file.write_text(secrets.token_hex(16), encoding="utf-8")
            key_file.chmod(0o600)
        configured = key_file.read_text(encoding="utf-8").strip()
    try:
        key = bytes.fromhex(configured)
    except ValueError:
        key = b""
    if len(key) != 16:
        raise ImproperlyConfigured("FAZHI_FIELD_KEY 必须是 32 位十六进制数（128 位 SM4 密钥）")
    return key


FIELD_ENCRYPTION_KEY = _field_key()

# 安全审计：审计链密钥. The audit chain is HMAC-SM3 keyed with this 256-bit key, held outside the
# database like the field key: FAZHI_AUDIT_KEY (64 hex digits) or the key file var/audit_key
# (created 0600). Whoever edits the database without it cannot recompute a valid chain. Back the
# file up apart from the database; losing it makes the existing chain unverifiable.
# FAZHI_TRUSTED_PROXIES: addresses (or networks) of reverse proxies whose X-Forwarded-For is
# believed for the audit log's 来源地址; default none (REMOTE_ADDR is the source).


def _audit_key() -> bytes:
    configured = env_str("FAZHI_AUDIT_KEY", "")
    if not configured:
        key_file = DATA_DIR / "audit_key"
        if not key_file.exists():
            key_file.write_text(secrets.token_hex(32), encoding="utf-8")
            key_file.chmod(0o600)
        configured = key_file.read_text(encoding="utf-8").strip()
    try:
        key = bytes.fromhex(configured)
    except ValueError:
        key = b""
    if len(key) != 32:
        raise ImproperlyConfigured("FAZHI_AUDIT_KEY 必须是 64 位十六进制数（256 位审计链密钥）")
    return key


AUDIT_CHAIN_KEY = _audit_key()
FAZHI_TRUSTED_PROXIES = env_list("FAZHI_TRUSTED_PROXIES", [])

# Deployment profile: "development" (default: the demo on a laptop, plain HTTP) or "production"
# (a server behind HTTPS: secure cookies, HSTS, SSL redirect, the OpenAPI page behind login;
# `fazhi check --deploy` is clean). Individual FAZHI_* security variables override the profile.
PROFILE = env_str("FAZHI_PROFILE", "development")
if PROFILE not in {"development", "production"}:
    raise ImproperlyConfigured(
        f"环境变量 FAZHI_PROFILE 的值 {PROFILE!r} 无效（应为 development 或 production）"
    )
PRODUCTION = PROFILE == "production"
DEBUG = env_bool("FAZHI_DEBUG", False)
ALLOWED_HOSTS = env_list("FAZHI_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])

# The apps: ``core`` (which holds the register-kit registry), then every package of fazhi with
# a ``kit.py``, ordered by that module's constant ``ORDER`` (read without importing it; see
# fazhi/core/kit_apps.py) — today orgs, accounts, metrics, reconsideration, litigation, plans,
# reports, portal, demo. FAZHI_EXTRA_APPS (comma-separated dotted names) appends more apps, e.g.
# a throw-away register app of the test suite; its kit.py is found like any other.
INSTALLED_APPS = [
    "fazhi.core.admin_site.FazhiAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",  # API 文档页（/api/v1/docs）用 django-ninja 自带的静态文件，不走 CDN
    "fazhi.core",
    "axes",  # 登录失败锁定 (身份鉴别, below)
    "django_otp",  # 管理员双因素 (身份鉴别, below)
    "django_otp.plugins.otp_totp",
    "django_tasks",  # 后台任务 (below)
    "django_tasks_db",
    *discover_apps(PACKAGE_DIR),
    *env_list("FAZHI_EXTRA_APPS", []),
]

MIDDLEWARE = [
    "fazhi.core.request_context.SourceAddressMiddleware",  # 来源地址 for the audit log
    "fazhi.core.input_guard.QueryGuardMiddleware",  # NUL in a query string: 400, not 500
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # static files (生产部署, below)
    "csp.middleware.CSPMiddleware",  # Content-Security-Policy (传输与安全响应头, below)
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified() (身份鉴别, below)
    "fazhi.orgs.middleware.ActorMiddleware",
    # 密码策略: a temporary or expired password must be changed before anything else
    "fazhi.accounts.password_middleware.PasswordPolicyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "fazhi.accounts.middleware.IdleTimeoutMiddleware",  # 空闲超时 (身份鉴别, below)
    "fazhi.accounts.middleware.AdminTotpMiddleware",  # 管理员双因素 (身份鉴别, below)
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # 登录失败锁定: last, turns a lockout into its page
]

ROOT_URLCONF = "fazhi.urls"
WSGI_APPLICATION = "fazhi.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "fazhi.core.context.navigation",
            ],
        },
    }
]


def _databases() -> dict[str, dict[str, Any]]:
    raw = env_str("DATABASE_URL", "")
    if not raw:
        return {
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": DATA_DIR / "fazhi.sqlite3",
                "OPTIONS": {
                    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                    "transaction_mode": "IMMEDIATE",
                    "timeout": 20,
                },
                "TEST": {"NAME": DATA_DIR / "test.sqlite3"},
            }
        }
    url = parse_database_url("DATABASE_URL", raw)
    return {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": url.name,
            "USER": url.user,
            "PASSWORD": url.password,
            "HOST": url.host,
            "PORT": url.port,
            # Persistent connections (issue 15, read speed): FAZHI_DB_CONN_MAX_AGE seconds,
            # default 60 in production (0 = a connection per request, the development
            # default), each checked before reuse (CONN_HEALTH_CHECKS) so a restarted
            # database costs no failed request.
            "CONN_MAX_AGE": env_int("FAZHI_DB_CONN_MAX_AGE", 60 if PRODUCTION else 0, minimum=0),
            "CONN_HEALTH_CHECKS": True,
        }
    }


DATABASES = _databases()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# 后台任务 (issue 15; fazhi/jobs/README.md): Excel imports run as background jobs of the
# django-tasks backport, with a progress page. FAZHI_TASKS_BACKEND: "database" (the default: the
# jobs wait in the database and `fazhi jobs_worker` runs them; `fazhi serve` starts one, no extra
# server), "rq" (Redis at FAZHI_REDIS_URL, default redis://127.0.0.1:6379/0; the same command runs
# an RQ worker; for several app servers) or "immediate" (inside the request; the test suite).
# FAZHI_JOB_STALE_SECONDS: a running job without a heartbeat for that long lost its worker and is
# marked failed (with 重试); FAZHI_JOB_HEARTBEAT_SECONDS: how often a running job reports.
# FAZHI_JOB_BATCH_PAUSE_MS: on SQLite a job pauses this long after each committed batch so that
# the users waiting for the write lock get it (SQLite's busy handler polls every 100 ms at most).
FAZHI_TASKS_BACKEND = env_str("FAZHI_TASKS_BACKEND", "database")
FAZHI_REDIS_URL = env_str("FAZHI_REDIS_URL", "redis://127.0.0.1:6379/0")
FAZHI_JOB_STALE_SECONDS = env_int("FAZHI_JOB_STALE_SECONDS", 300, minimum=10)
FAZHI_JOB_HEARTBEAT_SECONDS = env_int("FAZHI_JOB_HEARTBEAT_SECONDS", 5, minimum=1)
FAZHI_JOB_BATCH_PAUSE_MS = env_int("FAZHI_JOB_BATCH_PAUSE_MS", 150, minimum=0)
# FAZHI_EXPORT_JOB_ROWS: a register's Excel export of more rows than this is written by a
# background job (its result page offers the file); smaller ones download at once.
# FAZHI_JOB_FILE_DAYS: a finished job's stored file (an export, a failed import's upload) is
# deleted after this many days (`fazhi sweep_deadlines`, the worker's start, the job pages).
FAZHI_EXPORT_JOB_ROWS = env_int("FAZHI_EXPORT_JOB_ROWS", 2000, minimum=0)
FAZHI_JOB_FILE_DAYS = env_int("FAZHI_JOB_FILE_DAYS", 7, minimum=1)
_TASK_BACKENDS = {
    "database": "django_tasks_db.backend.DatabaseBackend",
    "rq": "django_tasks_rq.backend.RQBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
if FAZHI_TASKS_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"FAZHI_TASKS_BACKEND 应为 {'、'.join(_TASK_BACKENDS)} 之一，不能是“{FAZHI_TASKS_BACKEND}”"
    )
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[FAZHI_TASKS_BACKEND]}}
RQ_QUEUES = {"default": {"URL": FAZHI_REDIS_URL, "DEFAULT_TIMEOUT": 3600}}
if FAZHI_TASKS_BACKEND == "rq":
    INSTALLED_APPS.insert(INSTALLED_APPS.index("django_tasks_db") + 1, "django_rq")

# 密码策略与接口令牌 (issue 14; GB/T 22239-2019 level 3 身份鉴别; accounts/passwords.py and
# accounts/README.md): at least FAZHI_PASSWORD_MIN_LENGTH (10) characters with three of the four
# character classes, or a passphrase of 16+ characters and 3+ words; not the account's name; not
# one of its last FAZHI_PASSWORD_HISTORY (5) passwords. FAZHI_PASSWORD_MAX_AGE_DAYS: a password
# expires after that many days (0 = never, the default; 90 when the policy asks for expiry).
# FAZHI_TOKEN_DAYS: an API token expires that many days after it is issued (0 = never).
FAZHI_PASSWORD_MIN_LENGTH = env_int("FAZHI_PASSWORD_MIN_LENGTH", 10, minimum=8)
FAZHI_PASSWORD_HISTORY = env_int("FAZHI_PASSWORD_HISTORY", 5, minimum=0)
FAZHI_PASSWORD_MAX_AGE_DAYS = env_int("FAZHI_PASSWORD_MAX_AGE_DAYS", 0, minimum=0)
FAZHI_TOKEN_DAYS = env_int("FAZHI_TOKEN_DAYS", 180, minimum=0)
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": FAZHI_PASSWORD_MIN_LENGTH},
    },
    {
        "NAME": "fazhi.accounts.passwords.CharacterClassValidator",
        "OPTIONS": {"min_classes": 3, "passphrase_length": 16, "passphrase_words": 3},
    },
    {"NAME": "fazhi.accounts.passwords.AccountNameValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "fazhi.accounts.passwords.PasswordHistoryValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
SESSION_COOKIE_AGE = env_int("FAZHI_SESSION_SECONDS", 8 * 3600, minimum=300)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# 身份鉴别：登录失败锁定、空闲超时、管理员双因素 (GB/T 22239-2019 8.1.4.1; accounts/README.md
# “登录安全”). Lockout: django-axes, counting with fazhi.accounts.lockout's window rule —
# FAZHI_LOCKOUT_ATTEMPTS failed logins for one user name (existing or not), or
# FAZHI_LOCKOUT_ADDRESS_ATTEMPTS from one source address, within FAZHI_LOCKOUT_WINDOW_MINUTES lock
# that name / that address for FAZHI_LOCKOUT_MINUTES (then unlocked by itself; `fazhi unlock`
# unlocks early). Raise the address limit where many users share one NAT address.
FAZHI_LOCKOUT_ATTEMPTS = env_int("FAZHI_LOCKOUT_ATTEMPTS", 5, minimum=1)
FAZHI_LOCKOUT_ADDRESS_ATTEMPTS = env_int(
    "FAZHI_LOCKOUT_ADDRESS_ATTEMPTS", FAZHI_LOCKOUT_ATTEMPTS, minimum=1
)
FAZHI_LOCKOUT_WINDOW_MINUTES = env_int("FAZHI_LOCKOUT_WINDOW_MINUTES", 15, minimum=1)
FAZHI_LOCKOUT_MINUTES = env_int("FAZHI_LOCKOUT_MINUTES", 30, minimum=1)
AUTHENTICATION_BACKENDS = [
    "fazhi.accounts.lockout.LockoutBackend",  # axes' check first: a locked name/address fails
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "fazhi.accounts.lockout.WindowLockoutHandler"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each on its own, not the pair
AXES_FAILURE_LIMIT = FAZHI_LOCKOUT_ATTEMPTS  # the handler applies each parameter's own limit
AXES_COOLOFF_TIME = dt.timedelta(minutes=FAZHI_LOCKOUT_MINUTES)
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # tries while locked do not prolong it
AXES_RESET_ON_SUCCESS = False  # the handler forgets the name's failures (not the address's)
AXES_LOCKOUT_CALLABLE = "fazhi.accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "fazhi.accounts.lockout.client_address"  # FAZHI_TRUSTED_PROXIES
AXES_DISABLE_ACCESS_LOG = True  # logins and logouts are in the audit chain
AXES_ENABLE_ADMIN = False  # unlocking is `fazhi unlock` (audited), not a row deleted in /admin/
AXES_VERBOSE = False
# Idle sessions: signed out after FAZHI_IDLE_MINUTES without a request, and FAZHI_SESSION_SECONDS
# after signing in however active (fazhi.accounts.middleware.IdleTimeoutMiddleware).
FAZHI_IDLE_MINUTES = env_int("FAZHI_IDLE_MINUTES", 30, minimum=1)
# The last-request time is written to the session only once it is FAZHI_IDLE_STAMP_SECONDS (60)
# old — a session write per user per minute at most, not per request — so the idle limit holds
# to that granularity; a stamp-only save that finds the database busy is retried later instead of
# failing the page (fazhi/accounts/middleware.py). Less than the idle limit.
FAZHI_IDLE_STAMP_SECONDS = env_int("FAZHI_IDLE_STAMP_SECONDS", 60, minimum=1)
if FAZHI_IDLE_STAMP_SECONDS >= FAZHI_IDLE_MINUTES * 60:
    raise ImproperlyConfigured(
        f"环境变量 FAZHI_IDLE_STAMP_SECONDS（{FAZHI_IDLE_STAMP_SECONDS}）应小于空闲超时"
        f"（FAZHI_IDLE_MINUTES = {FAZHI_IDLE_MINUTES} 分钟）"
    )
# TOTP second factor for 系统管理员/安全管理员/审计管理员 (django-otp): "off"; "optional" (an
# administrator who bound an authenticator enters its code after the password; the production
# default: a first deployment cannot lock its administrators out); "required" (every
# administrator binds one at the first login and enters a code at every login).
FAZHI_ADMIN_TOTP = env_str("FAZHI_ADMIN_TOTP", "optional" if PRODUCTION else "off")
if FAZHI_ADMIN_TOTP not in {"off", "optional", "required"}:
    raise ImproperlyConfigured(
        f"环境变量 FAZHI_ADMIN_TOTP 的值 {FAZHI_ADMIN_TOTP!r} 无效"
        "（应为 off、optional 或 required）"
    )
OTP_TOTP_ISSUER = "法治政府建设综合管理平台"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
MEDIA_ROOT = DATA_DIR / "media"

# 生产部署 (issue 15; docs/DEPLOY.md). `fazhi serve` runs gunicorn with FAZHI_WEB_WORKERS worker
# processes (0, the default: 2 × CPU + 1, at most 8) of FAZHI_WEB_THREADS threads (4) each; a
# request running longer than FAZHI_WEB_TIMEOUT seconds (120) restarts its worker. Static files:
# whitenoise serves STATIC_ROOT (filled by `fazhi collectstatic`, which serve runs at start)
# compressed, with hashed names cached for ten years and other files FAZHI_STATIC_MAX_AGE seconds
# (3600). Uploaded and generated files go through Django's storage API: FAZHI_STORAGE=filesystem
# (MEDIA_ROOT, the default) or s3 (S3-compatible object storage such as MinIO through
# django-storages; needs boto3 and FAZHI_S3_BUCKET, FAZHI_S3_ENDPOINT_URL, FAZHI_S3_ACCESS_KEY,
# FAZHI_S3_SECRET_KEY; optional FAZHI_S3_REGION (us-east-1), FAZHI_S3_PREFIX (""),
# FAZHI_S3_VERIFY (on)). Cache: per process unless FAZHI_CACHE_URL names a shared Redis
# (redis://host:6379/1), which several app servers need. Sessions: see SESSION_ENGINE below.
FAZHI_WEB_WORKERS = env_int("FAZHI_WEB_WORKERS", 0, minimum=0)
FAZHI_WEB_THREADS = env_int("FAZHI_WEB_THREADS", 4, minimum=1)
FAZHI_WEB_TIMEOUT = env_int("FAZHI_WEB_TIMEOUT", 120, minimum=10)
FAZHI_STATIC_MAX_AGE = env_int("FAZHI_STATIC_MAX_AGE", 3600, minimum=0)
WHITENOISE_MAX_AGE = FAZHI_STATIC_MAX_AGE
WHITENOISE_KEEP_ONLY_HASHED_FILES = False  # templates may name a file the manifest lacks
# Pages link the hashed names (app.3a35b033f128.css, cached "forever") only where
# FAZHI_STATIC_HASHED is on: `fazhi serve` turns it on for its gunicorn processes (after its
# collectstatic). Off elsewhere (tests, runserver): plain names, whatever var/static holds.
FAZHI_STATIC_HASHED = env_bool("FAZHI_STATIC_HASHED", False)
WHITENOISE_ALLOW_ALL_ORIGINS = False  # no Access-Control-Allow-Origin: * on the intranet
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns about a missing directory
FAZHI_STORAGE = env_str("FAZHI_STORAGE", "filesystem")


def _default_storage() -> dict[str, Any]:
    if FAZHI_STORAGE == "filesystem":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if FAZHI_STORAGE != "s3":
        raise ImproperlyConfigured(
            f"环境变量 FAZHI_STORAGE 的值 {FAZHI_STORAGE!r} 无效（应为 filesystem 或 s3）"
        )
    import importlib.util

    if importlib.util.find_spec("boto3") is None:
        raise ImproperlyConfigured(
            "FAZHI_STORAGE=s3 需要 boto3：请安装（见 docs/DEPLOY.md “对象存储”）"
        )
    missing = [
        name for name in ("FAZHI_S3_BUCKET", "FAZHI_S3_ENDPOINT_URL") if not env_str(name, "")
    ]
    if missing:
        raise ImproperlyConfigured(f"FAZHI_STORAGE=s3 时必须设置环境变量 {'、'.join(missing)}")
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("FAZHI_S3_BUCKET", ""),
            "endpoint_url": env_str("FAZHI_S3_ENDPOINT_URL", ""),
            "access_key": env_str("FAZHI_S3_ACCESS_KEY", ""),
            "secret_key": env_str("FAZHI_S3_SECRET_KEY", ""),
            "region_name": env_str("FAZHI_S3_REGION", "us-east-1"),
            "location": env_str("FAZHI_S3_PREFIX", ""),
            "verify": env_bool("FAZHI_S3_VERIFY", True),
            "addressing_style": "path",  # MinIO and most intranet S3 servers
            "signature_version": "s3v4",
            "default_acl": None,
            "file_overwrite": False,
            "querystring_auth": True,  # never a public URL: downloads go through the views
        },
    }


STORAGES: dict[str, Any] = {
    "default": _default_storage(),
    "staticfiles": {"BACKEND": "fazhi.ops.staticfiles.StaticFilesStorage"},
}


def _caches() -> dict[str, Any]:
    url = env_str("FAZHI_CACHE_URL", "")
    if not url:
        return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(
            f"环境变量 FAZHI_CACHE_URL 的值 {url!r} 无效（应为 redis://主机:端口/库号）"
        )
    return {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}}


CACHES = _caches()

# Sessions (docs/DEPLOY.md “多台应用服务器”): in the database by default; with FAZHI_CACHE_URL (a
# Redis every app server shares) "cached_db" — read from the shared cache, written through to the
# database, so a logout or a change on one server is seen by all and a Redis restart logs nobody
# out. Never cached_db over the default local-memory cache: that cache is per process, and a
# process would go on reading its own stale copy of a session that another process (another
# gunicorn worker) changed or deleted at logout.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if env_str("FAZHI_CACHE_URL", "")
    else "django.contrib.sessions.backends.db"
)

# 传输与安全响应头 (docs/SECURITY.md). The production profile (HTTPS in front of the server) turns
# on HSTS, the HTTP→HTTPS redirect and Secure cookies; development (the demo over plain HTTP on
# 127.0.0.1) leaves them off. Each FAZHI_* variable below overrides the profile's default.
SECURE_HSTS_SECONDS = env_int("FAZHI_HSTS_SECONDS", 31_536_000 if PRODUCTION else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("FAZHI_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
# ``preload`` asks browsers' built-in lists to force HTTPS for the whole registrable domain
# (e.g. every *.example.gov.cn), an irrevocable decision for the domain's owner, and useless on an
# intranet name. Off by default, so Django's W021 ("preload not set") is silenced while it is off.
SECURE_HSTS_PRELOAD = env_bool("FAZHI_HSTS_PRELOAD", False)
SECURE_SSL_REDIRECT = env_bool("FAZHI_SSL_REDIRECT", PRODUCTION)
SESSION_COOKIE_SECURE = env_bool("FAZHI_COOKIE_SECURE", PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # no script of ours reads it (forms carry the token)
CSRF_TRUSTED_ORIGINS = env_list("FAZHI_CSRF_TRUSTED_ORIGINS", [])
# Behind a reverse proxy that terminates TLS and sets (overwrites) X-Forwarded-Proto: trust it.
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("FAZHI_BEHIND_TLS_PROXY", False) else None
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
# No inline script, no inline style, nothing framed: every script and style sheet is a file
# under /static/. django-csp 4 (csp.middleware.CSPMiddleware above).
CONTENT_SECURITY_POLICY: dict[str, Any] = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# 行政应诉: open a 败诉剖析 for the 依法治办 after every N losses in a government's subtree.
FAZHI_LOSS_REVIEW_EVERY = env_int("FAZHI_LOSS_REVIEW_EVERY", 5, minimum=1)

# Metric engine: read whole months from the monthly facts (the metrics app's facts.py). Off:
# the registers only (same figures, slower at province scale); the facts are still kept.
FAZHI_METRIC_FACTS = env_bool("FAZHI_METRIC_FACTS", True)

# Dashboard charts (issue 15, Apache ECharts): a bar chart over more than twice this many units
# shows the N highest and N lowest first, the rest behind “显示全部 … 个单位”.
FAZHI_DASHBOARD_CHART_TOP_N = env_int("FAZHI_DASHBOARD_CHART_TOP_N", 10, minimum=1)

# 工作计划: yellow light this many days before a task's due date; evidence file size limit.
FAZHI_PLAN_WARN_DAYS = env_int("FAZHI_PLAN_WARN_DAYS", 3, minimum=0)
FAZHI_EVIDENCE_MAX_MB = env_int("FAZHI_EVIDENCE_MAX_MB", 20, minimum=1)

# Register list pages: rows per page.
FAZHI_PAGE_SIZE = env_int("FAZHI_PAGE_SIZE", 20, minimum=1)

# Excel imports (issue 15, docs/EXCEL.md): records written per short transaction; the SQLite
# write lock is released between batches, a failure undoes the earlier batches.
FAZHI_IMPORT_BATCH = env_int("FAZHI_IMPORT_BATCH", 500, minimum=1)

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("FAZHI_LOG_LEVEL", "WARNING")},
}

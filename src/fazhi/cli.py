"""The `fazhi` console script: Django's management commands plus the platform's own."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line
    from django.db import OperationalError

    args = sys.argv[1:] if argv is None else argv
    try:
        execute_from_command_line(["fazhi", *args])
    except ImproperlyConfigured as exc:
        sys.stderr.write(f"错误：配置有误：{exc}\n")
        sys.exit(2)
    except OperationalError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        sys.stderr.write(f"错误：无法连接数据库（{first}）；请检查 DATABASE_URL\n")
        sys.exit(2)


if __name__ == "__main__":
    main()

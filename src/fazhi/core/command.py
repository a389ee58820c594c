"""Base class for `fazhi` commands: bad input gives one Chinese line and exit code 2."""

from __future__ import annotations

import json
import re
import sys
from typing import Any

from django.core.management.base import (
    BaseCommand,
    CommandError,
    CommandParser,
    handle_default_options,
)
from django.db import OperationalError, ProgrammingError, connections

_ARGPARSE = (
    (re.compile(r"the following arguments are required: (.+)"), "缺少参数：{0}"),
    (re.compile(r"unrecognized arguments: (.+)"), "无法识别的参数：{0}"),
    (
        re.compile(r"argument (\S+): invalid choice: (.+?) \(choose from (.+)\)"),
        "参数 {0} 的取值 {1} 无效，可选：{2}",
    ),
    (re.compile(r"argument (\S+): invalid (\w+) value: (.+)"), "参数 {0} 的取值 {2} 无效"),
    (re.compile(r"argument (\S+): expected one argument"), "参数 {0} 需要一个值"),
)


def _translate(message: str) -> str:
    message = message.removeprefix("Error: ")
    for pattern, template in _ARGPARSE:
        match = pattern.search(message)
        if match:
            return template.format(*match.groups())
    return message


def _missing_table(exc: Exception) -> bool:
    text = str(exc)
    return "no such table" in text or ("relation" in text and "does not exist" in text)


class UsageError(CommandError):
    """Bad input from the user: printed as one line, exit code 2."""

    def __init__(self, message: str) -> None:
        super().__init__(message, returncode=2)


class FazhiCommand(BaseCommand):
    """A command whose errors are one Chinese line on stderr with exit code 2."""

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.called_from_command_line = False  # parse errors raise CommandError, not exit
        return parser

    def run_from_argv(self, argv: list[str]) -> None:
        self._called_from_command_line = True
        parser = self.create_parser(argv[0], argv[1])
        try:
            options = parser.parse_args(argv[2:])
            cmd_options = vars(options)
            args = cmd_options.pop("args", ())
            handle_default_options(options)
            self.execute(*args, **cmd_options)
        except CommandError as exc:
            sys.stderr.write(f"错误：{_translate(str(exc))}\n")
            sys.exit(exc.returncode if exc.returncode > 2 else 2)
        except (OperationalError, ProgrammingError) as exc:
            if not _missing_table(exc):
                raise
            sys.stderr.write("错误：数据库尚未初始化，请先运行 fazhi migrate（或 make demo）\n")
            sys.exit(2)
        finally:
            connections.close_all()

    def emit_json(self, data: Any) -> None:
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))

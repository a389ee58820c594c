"""Which of ``fazhi``'s packages are installed apps, read from their ``kit.py`` files.

Used by ``settings.py`` before Django is set up, so it imports nothing but the standard
library and never imports an app: every package directory of ``fazhi`` (except ``core``, the
registry itself, always installed first) that has a ``kit.py`` is an app, and its module
constant ``ORDER = <int>`` (a literal, read with :mod:`ast`) places it; ties go by package
name. Each ``kit.py`` declares its kit with ``order=ORDER``, so the kits come out of
:func:`fazhi.core.kit.kits` in the same order as ``INSTALLED_APPS``.
"""

from __future__ import annotations

import ast
from pathlib import Path

KIT_MODULE = "kit.py"
REGISTRY_PACKAGE = "core"


class KitOrderError(Exception):
    """A ``kit.py`` without a literal integer ``ORDER`` (the message names the file)."""


def kit_order(path: Path) -> int:
    """The literal ``ORDER = <int>`` at the top level of the module at ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in tree.body:
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        if not any(isinstance(target, ast.Name) and target.id == "ORDER" for target in targets):
            continue
        try:
            order = ast.literal_eval(value)
        except ValueError:
            break
        if isinstance(order, int) and not isinstance(order, bool):
            return order
        break
    raise KitOrderError(f"{path} 应在模块顶层声明整数常量 ORDER（例如 ORDER = 40）")


def discover_apps(package_dir: Path, package: str = "fazhi") -> list[str]:
    """Dotted names of the apps under ``package_dir`` that have a ``kit.py``, in ``ORDER`` then
    name order (``core`` excluded: the settings list it first)."""
    found = []
    for kit in package_dir.glob(f"*/{KIT_MODULE}"):
        name = kit.parent.name
        if name == REGISTRY_PACKAGE or not (kit.parent / "__init__.py").exists():
            continue
        found.append((kit_order(kit), name))
    return [f"{package}.{name}" for _, name in sorted(found)]

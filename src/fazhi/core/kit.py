"""The register kit's registry: every domain app declares itself in its own ``kit.py``.

An app's ``fazhi/<app>/kit.py`` calls :func:`declare` with an :class:`AppKit` naming, as
``"module:attribute"`` strings (so declaring imports nothing heavy), what it adds to the
shared parts of the platform: its URLs and API router, navigation entries, home-page to-do
tiles, the daily deadline sweep, Excel import/export registers, its metric definitions
fixture, dashboard key figures, the sentences it adds to the annual report draft and its demo
seeders (county and city/province scale).

The shared parts (``fazhi/urls.py``, ``fazhi/api.py``, the navigation, the home page, the
Excel commands, ``fazhi sweep_deadlines``, ``fazhi seed``, the metric fixture loader, the
dashboard and the annual report drafter) loop over :func:`kits`; ``core`` itself imports no
domain app. Kits are discovered like ``admin.py`` modules (``autodiscover_modules("kit")``),
in ``order`` and then app label.

The same ``kit.py`` files also decide which apps are installed: ``settings.py`` installs every
package of ``fazhi`` that has one, ordered by its module constant ``ORDER`` (read without
importing, see :mod:`fazhi.core.kit_apps`); the kit passes ``order=ORDER`` so that both orders
agree.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import autodiscover_modules

from fazhi.orgs.roles import Cap


@dataclass(frozen=True)
class NavEntry:
    """A navigation link. ``url`` None: the module is not built yet (shown greyed out).
    ``order`` places it among all apps' entries (smaller first)."""

    label: str
    url: str | None
    cap: Cap | None = Cap.VIEW_RECORDS
    order: int = 100


@dataclass(frozen=True)
class AppKit:
    """What one app adds to the shared parts. Every hook is a ``"module:attribute"`` path
    resolved lazily with :func:`resolve`; empty means "none".

    * ``urls``: module with ``urlpatterns``, mounted at ``url_prefix`` (e.g. ``"litigation/"``);
      or ``"module:attribute"`` naming a :class:`fazhi.core.registers.Register` (or a sequence
      of them), whose ``urls()`` are mounted there (see :func:`url_patterns`).
    * ``api``: a ninja ``Router`` (or a zero-argument callable returning one), mounted at
      ``api_prefix`` (e.g. ``"/litigation"``) under ``/api/v1/``.
    * ``nav``: navigation entries.
    * ``home_tiles``: ``(actor, today) -> list[Tile]`` for the business home page.
    * ``sweep``: ``(today) -> str``, one idempotent part of ``fazhi sweep_deadlines``, returning
      a short Chinese summary (e.g. ``"视为受理 2 件"``).
    * ``excel``: register key → path of its ``ExcelRegister`` (``fazhi import/export KEY``).
    * ``metric_fixture``: path, relative to the app's package, of metric definitions.
    * ``dashboard_metrics``: metric codes shown on the leader dashboard, in order.
    * ``report_sentences``: path, relative to the app's package, of the JSON file of the
      sentences (``figure_sentences``, optionally ``part3_figures`` and ``targets``) that the
      annual report draft writes from the app's metrics (read with :func:`kit_json`; merged
      after the reports app's own rules, in kit order).
    * ``portal_prefix``, ``portal_urls``: public pages (no login) of the 门户网站: a module with
      ``urlpatterns``, mounted by the portal app at ``/portal/<portal_prefix>`` inside its
      ``portal`` URL namespace.
    * ``portal_nav``: links in the portal's header (``NavEntry``; ``cap`` is ignored, the
      portal is public; ``order`` places them among all apps' portal links).
    * ``report_part3``: ``(unit, year, codes) -> list[str]``: lines of the annual report's part
      三 (第一责任人职责) written from the app's records of ``unit``'s subtree in ``year`` (e.g.
      who gave a 述法 and when); ``codes`` are the frozen figures' metric codes, and a line may
      quote them as ``{{code}}`` (a line whose figures have no value is left out).
    * ``report_part2``: ``(unit, year, codes) -> list[str]``: sentences for the annual report's
      part 二 (存在的不足) from the app's records (e.g. the indicators that lost most points in
      the year's 考核, the 整改 items still open); each becomes a numbered item before the
      drafter's own (late tasks, missed targets).
    * ``audit_names``: audit action code → Chinese name, for the app's codes that neither a
      workflow transition nor the shared verbs explain (batch writes, bulk steps).
    * ``demo_county``: ``(CountyContext) -> int`` county filler (writes through services).
    * ``demo_scale``: city/province bulk seeder (see the demo app's ``scale`` module).
    """

    app: str
    order: int = 100
    url_prefix: str = ""
    urls: str = ""
    api_prefix: str = ""
    api: str = ""
    nav: tuple[NavEntry, ...] = ()
    home_tiles: str = ""
    sweep: str = ""
    excel: dict[str, str] = field(default_factory=dict)
    metric_fixture: str = ""
    dashboard_metrics: tuple[str, ...] = ()
    report_sentences: str = ""
    portal_prefix: str = ""
    portal_urls: str = ""
    portal_nav: tuple[NavEntry, ...] = ()
    report_part2: str = ""
    report_part3: str = ""
    audit_names: dict[str, str] = field(default_factory=dict)
    demo_county: str = ""
    demo_scale: str = ""

    def package_path(self) -> Path:
        return Path(apps.get_app_config(self.app).path)


@dataclass(frozen=True)
class Segment:
    """Part of a tile's line; ``css`` set: emphasised (``<b class="css">``)."""

    text: str
    css: str = ""


@dataclass(frozen=True)
class Tile:
    """A home-page tile: a link to ``url`` (None: greyed out, module not built yet) with a bold
    ``title`` and a one-line summary made of :class:`Segment`\\ s."""

    title: str
    url: str | None
    line: tuple[Segment, ...] = ()


class KitError(ImproperlyConfigured):
    """A kit names a hook that cannot be loaded (the message names the kit's target)."""


_KITS: dict[str, AppKit] = {}
_DISCOVERED: tuple[str, ...] | None = None


def declare(kit: AppKit) -> AppKit:
    """Register ``kit`` (called once, from the app's ``kit.py``); a second declaration of the
    same app replaces the first (module reloads in tests)."""
    _KITS[kit.app] = kit
    return kit


def kits() -> list[AppKit]:
    """Every declared kit of an installed app, in ``order`` then app label."""
    global _DISCOVERED
    installed = {config.label for config in apps.get_app_configs()}
    names = tuple(config.name for config in apps.get_app_configs())
    if names != _DISCOVERED:  # once per set of installed apps (the nav asks on every page)
        autodiscover_modules("kit")
        _DISCOVERED = names
    return sorted((k for k in _KITS.values() if k.app in installed), key=lambda k: (k.order, k.app))


def kit_for(app: str) -> AppKit:
    """The kit of the installed app labelled ``app``; :class:`KitError` if it has none."""
    for kit in kits():
        if kit.app == app:
            return kit
    raise KitError(f"应用 {app} 没有声明 kit（fazhi/{app}/kit.py）")


def resolve(target: str) -> Any:
    """The object named by ``"package.module:attribute"`` (or the module, with no attribute).

    Raises :class:`KitError` naming ``target`` if the module or the attribute does not exist
    (an import error inside an existing module propagates unchanged).
    """
    module_name, _, attribute = target.partition(":")
    if not module_name:
        raise KitError(f"无效的 kit 目标“{target}”：应为“模块:属性”")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        missing = exc.name or ""
        if not (module_name == missing or module_name.startswith(f"{missing}.")):
            raise
        raise KitError(f"kit 目标“{target}”：模块 {module_name} 不存在") from exc
    if not attribute:
        return module
    try:
        return getattr(module, attribute)
    except AttributeError:
        raise KitError(f"kit 目标“{target}”：模块 {module_name} 没有 {attribute}") from None


def url_patterns(kit: AppKit) -> Any:
    """What ``include()`` mounts at the kit's ``url_prefix``: the ``urls`` module as named, or,
    for a ``"module:attribute"`` target, the ``urls()`` of the register(s) it names (an app
    whose pages are its registers needs no ``urls.py``)."""
    if ":" not in kit.urls:
        return kit.urls
    found = resolve(kit.urls)
    registers = found if isinstance(found, list | tuple) else [found]
    if not all(callable(getattr(r, "urls", None)) for r in registers):
        raise KitError(f"kit 目标“{kit.urls}”应为台账（Register）或台账的列表")
    return [pattern for register in registers for pattern in register.urls()]


def hooks(name: str) -> list[tuple[AppKit, Callable[..., Any]]]:
    """``(kit, callable)`` for every kit that declares the hook ``name`` (a str field)."""
    found: list[tuple[AppKit, Callable[..., Any]]] = []
    for kit in kits():
        target = getattr(kit, name)
        if target:
            found.append((kit, resolve(target)))
    return found


def kit_json(kit: AppKit, relative: str) -> tuple[Path, dict[str, Any]]:
    """``(path, data)`` of the JSON object in the file at ``relative`` to ``kit``'s package (a
    data file a kit field names, e.g. ``report_sentences``). :class:`KitError` naming the app
    and the file when it is missing, is not valid JSON or does not hold an object."""
    path = kit.package_path() / relative
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise KitError(f"应用 {kit.app} 的 kit 文件 {path} 不存在") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise KitError(
            f"应用 {kit.app} 的 kit 文件 {path} 不是有效的 JSON："
            f"第 {exc.lineno} 行第 {exc.colno} 列，{exc.msg}"
        ) from None
    if not isinstance(data, dict):
        raise KitError(f"应用 {kit.app} 的 kit 文件 {path} 应为一个 JSON 对象")
    return path, data

"""密码策略 (GB/T 22239-2019 level 3, 8.1.4.1 身份鉴别 a: 口令具有复杂度要求并定期更换).

Three password validators for ``AUTH_PASSWORD_VALIDATORS`` (Chinese messages), next to
Django's ``MinimumLengthValidator`` (FAZHI_PASSWORD_MIN_LENGTH, default 10) and
``CommonPasswordValidator``:

* :class:`CharacterClassValidator`: at least three of four character classes — 大写字母
  A–Z, 小写字母 a–z, 数字 0–9, 其他字符 (symbols, spaces, 汉字 …) — **or** a passphrase
  (口令短语): at least 16 characters made of at least 3 different words of 2 or more
  characters each, the words separated by spaces or symbols (``Xiang jiang river 2025``,
  ``correct horse battery staple``). ``zzzzzzzzz`` fails both.
* :class:`AccountNameValidator`: neither equal to nor containing the username (3 characters
  or more) or the full name (2 or more), ignoring case.
* :class:`PasswordHistoryValidator`: not one of the account's last FAZHI_PASSWORD_HISTORY
  (default 5) passwords, compared with the stored hashes (:class:`PasswordHistory`, never the
  password). Its ``password_changed`` hook — which Django calls whenever ``set_password`` is
  followed by ``save``, including ``fazhi changepassword`` — records the new hash.

The newest history row is the current password: :func:`password_state` tells its age and
whether it is temporary; :class:`fazhi.accounts.password_middleware.PasswordPolicyMiddleware`
sends the account to 修改密码 until it is changed.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password, is_password_usable
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils import timezone

from fazhi.accounts.models import PasswordHistory

#: ``(name, characters)`` of three of the four character classes; everything else (symbols,
#: spaces, 汉字 …) is the fourth, 其他字符
CLASSES: tuple[tuple[str, str], ...] = (
    ("大写字母", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
    ("小写字母", "abcdefghijklmnopqrstuvwxyz"),
    ("数字", "0123456789"),
)


def character_classes(password: str) -> int:
    """How many of the four classes (upper, lower, digit, other) ``password`` uses."""
    used = {name for name, chars in CLASSES for c in password if c in chars}
    other = any(not any(c in chars for _, chars in CLASSES) for c in password)
    return len(used) + int(other)


def passphrase_words(password: str) -> set[str]:
    """The distinct words (2 characters or more, case ignored) of a passphrase: the runs of
    letters, digits and 汉字 between spaces and symbols."""
    return {w.casefold() for w in re.split(r"[\W_]+", password) if len(w) >= 2}


class CharacterClassValidator:
    """Three of the four character classes, or a passphrase (see the module doc)."""

    def __init__(
        self, min_classes: int = 3, passphrase_length: int = 16, passphrase_words: int = 3
    ):
        self.min_classes = min_classes
        self.passphrase_length = passphrase_length
        self.passphrase_words = passphrase_words

    def is_passphrase(self, password: str) -> bool:
        return (
            len(password) >= self.passphrase_length
            and len(passphrase_words(password)) >= self.passphrase_words
        )

    def validate(self, password: str, user: Any = None) -> None:
        if character_classes(password) >= self.min_classes or self.is_passphrase(password):
            return
        raise ValidationError(self.message(), code="password_too_simple")

    def message(self) -> str:
        return (
            f"密码过于简单：须包含大写字母、小写字母、数字、其他字符（符号、空格等）中的至少 "
            f"{self.min_classes} 类，或使用至少 {self.passphrase_length} 个字符、由至少 "
            f"{self.passphrase_words} 个不同的词组成（以空格或符号分隔）的口令短语"
        )

    def get_help_text(self) -> str:
        return self.message().removeprefix("密码过于简单：") + "。"


class AccountNameValidator:
    """Not the account's username or full name, nor containing either (case ignored)."""

    def __init__(self, min_username: int = 3, min_full_name: int = 2):
        self.min_username = min_username
        self.min_full_name = min_full_name

    def validate(self, password: str, user: Any = None) -> None:
        if user is None:
            return
        folded = password.casefold()
        username = str(user.get_username() or "").casefold()
        full_name = f"{user.last_name or ''}{user.first_name or ''}".strip().casefold()
        for name, label, shortest in (
            (username, "用户名", self.min_username),
            (full_name, "姓名", self.min_full_name),
        ):
            if name and (folded == name or (len(name) >= shortest and name in folded)):
                raise ValidationError(
                    f"密码不能是{label}，也不能包含{label}", code="password_contains_name"
                )

    def get_help_text(self) -> str:
        return "不能是或包含用户名、姓名。"


def history_length() -> int:
    return int(settings.FAZHI_PASSWORD_HISTORY)


def recent_hashes(user: User, count: int) -> list[str]:
    """The hashes of the account's ``count`` newest passwords, newest first (rows in the order
    they were written: a clock set back does not reorder them)."""
    if count <= 0 or user.pk is None:
        return []
    rows = PasswordHistory.objects.filter(user=user).order_by("-pk")
    return list(rows.values_list("password", flat=True)[:count])


class PasswordHistoryValidator:
    """Not one of the last FAZHI_PASSWORD_HISTORY passwords (the current one included)."""

    def validate(self, password: str, user: Any = None) -> None:
        count = history_length()
        if count <= 0 or user is None or user.pk is None:
            return
        hashes = recent_hashes(user, count)
        if user.password and user.password not in hashes:
            hashes.insert(0, user.password)  # set outside the services (e.g. bulk demo data)
        if any(is_password_usable(h) and check_password(password, h) for h in hashes):
            raise ValidationError(
                f"新密码不能与最近 {count} 次使用过的密码相同", code="password_reused"
            )

    def password_changed(self, password: str, user: Any = None) -> None:
        if user is not None and user.pk is not None:
            record_password(user)

    def get_help_text(self) -> str:
        return f"不能与最近 {history_length()} 次使用过的密码相同。"


def record_password(user: User, *, temporary: bool = False) -> PasswordHistory:
    """Keep the hash of the account's (new) current password; ``temporary``: it must be
    changed at the next login. Older rows beyond the history length are deleted."""
    row = PasswordHistory.objects.create(user=user, password=user.password, temporary=temporary)
    keep = max(history_length(), 1)
    old = PasswordHistory.objects.filter(user=user).order_by("-pk")[keep:]
    stale = list(old.values_list("pk", flat=True))
    if stale:
        PasswordHistory.objects.filter(pk__in=stale).delete()
    return row


def password_set(user: User, *, temporary: bool) -> None:
    """After the services saved a new password: make sure the newest history row is it (the
    validator's ``password_changed`` hook usually wrote it already; ``create_user`` does not
    call the hook) and mark whether it is temporary."""
    newest = PasswordHistory.objects.filter(user=user).order_by("-pk").first()
    if newest is None or newest.password != user.password:
        record_password(user, temporary=temporary)
    elif newest.temporary != temporary:
        PasswordHistory.objects.filter(pk=newest.pk).update(temporary=temporary)


@dataclass(frozen=True)
class PasswordState:
    """The current password of an account: when it was set (None: not known, e.g. an account
    made by ``createsuperuser``, then the account's opening time counts) and whether it is a
    temporary one."""

    changed_at: dt.datetime | None
    temporary: bool

    def expires_at(self) -> dt.datetime | None:
        days = int(settings.FAZHI_PASSWORD_MAX_AGE_DAYS)
        if days <= 0 or self.changed_at is None:
            return None
        return self.changed_at + dt.timedelta(days=days)

    def change_reason(self, now: dt.datetime | None = None) -> str:
        """Why the account must change its password before doing anything else ("" if not)."""
        if self.temporary:
            return "您正在使用临时密码，请先修改密码，然后才能继续使用本平台。"
        expires = self.expires_at()
        if expires is not None and expires <= (now or timezone.now()):
            days = settings.FAZHI_PASSWORD_MAX_AGE_DAYS
            return f"您的密码已使用超过 {days} 天，已过期，请先修改密码，然后才能继续使用本平台。"
        return ""


def password_state(user: User) -> PasswordState:
    """The account's :class:`PasswordState`, from its newest history row."""
    newest = PasswordHistory.objects.filter(user=user).order_by("-pk").first()
    if newest is None:
        return PasswordState(changed_at=user.date_joined, temporary=False)
    return PasswordState(changed_at=newest.created_at, temporary=newest.temporary)


#: letters and digits that cannot be mistaken for one another when read aloud or copied
UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ"
LOWER = "abcdefghijkmnpqrstuvwxyz"
DIGITS = "23456789"
TEMP_PASSWORD_LENGTH = 12


def temporary_password() -> str:
    """A random temporary password: at least 12 characters (and at least the minimum length),
    upper- and lower-case letters and digits all present, so that it passes the policy."""
    length = max(TEMP_PASSWORD_LENGTH, int(settings.FAZHI_PASSWORD_MIN_LENGTH))
    alphabet = UPPER + LOWER + DIGITS
    while True:
        raw = "".join(secrets.choice(alphabet) for _ in range(length))
        if all(any(c in part for c in raw) for part in (UPPER, LOWER, DIGITS)):
            return raw

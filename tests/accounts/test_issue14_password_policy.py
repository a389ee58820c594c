"""Issue 14 item 1 (身份鉴别 · 密码策略): at least 10 characters with three of the four
character classes, or a passphrase (16+ characters, 3+ different words); not the account's
name; not one of its last 5 passwords (hashes kept, never the password); Django's list of
common passwords; Chinese messages; applied wherever a person sets a password (own change,
the 系统管理员's reset and opening an account, ``fazhi changepassword``), while generated
temporary passwords pass it and the command line (demo and test accounts) may set any."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from tests.personas import PASSWORD, County

from fazhi.accounts import passwords, services
from fazhi.accounts.models import PasswordHistory
from fazhi.orgs.scoping import Actor

GOOD = "Xiang-jiang-2025"


def problems(password: str, user: User | None = None) -> str:
    return "；".join(services.password_problems(password, user))


# --- the rules -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("zzzzzzzzz", "密码太短，至少需要 10 个字符"),
        ("zzzzzzzzz", "密码过于简单"),
        ("zzzzzzzzzz", "密码过于简单：须包含大写字母、小写字母、数字、其他字符"),
        ("xiangjiang2025", "密码过于简单"),  # two classes
        ("XIANGJIANG-RIVER", "密码过于简单"),  # two classes; 16 characters but two words
        ("zzzz zzzz zzzz zzzz", "密码过于简单"),  # 19 characters but a single word
        ("Password1!", "这个密码太常见"),  # four classes, but on the list of common passwords
        ("Aa1" + "!" * 5, "密码太短"),
    ],
)
def test_weak_passwords_are_refused_in_chinese(password: str, expected: str) -> None:
    assert expected in problems(password)


@pytest.mark.parametrize(
    "password",
    [
        GOOD,
        "Xiangjiang2025",  # upper, lower, digit
        "xiangjiang-2025",  # lower, digit, symbol
        "湘江法治建设abc12",  # 汉字 count as 其他字符
        "correct horse battery staple",  # passphrase: lower and spaces only
        "法治 政府 建设 示范 创建 工作",  # passphrase of 汉字 words (16 characters)
    ],
)
def test_strong_passwords_and_passphrases_pass(password: str) -> None:
    assert problems(password) == ""


def test_the_rule_is_stated_in_chinese_on_the_page(county: County) -> None:
    page = county.client("clerk_a").get("/accounts/password/").content.decode()
    assert "至少 10 个字符" in page or "至少包含 10 个字符" in page
    assert "至少 3 类" in page and "口令短语" in page
    assert "不能是或包含用户名、姓名" in page and "最近 5 次" in page


def test_minimum_length_and_history_are_settings() -> None:
    validators = {
        type(v).__name__: v for v in password_validation.get_default_password_validators()
    }
    minimum = validators["MinimumLengthValidator"]
    assert getattr(minimum, "min_length", 0) == settings.FAZHI_PASSWORD_MIN_LENGTH
    assert settings.FAZHI_PASSWORD_MIN_LENGTH == 10 and settings.FAZHI_PASSWORD_HISTORY == 5
    assert "CommonPasswordValidator" in validators  # Django's list is kept


# --- not the account's name -----------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "label"),
    [
        ("clerk_a", "用户名"),
        ("CLERK_A-2025x", "用户名"),  # contains it, case ignored
        ("2025-Clerk_a!", "用户名"),
        ("白沙甲Pass2025", "姓名"),  # the full name 白沙甲
    ],
)
def test_a_password_may_not_be_or_contain_the_account_name(
    county: County, password: str, label: str
) -> None:
    assert f"密码不能是{label}，也不能包含{label}" in problems(password, county.users["clerk_a"])


@pytest.mark.django_db
def test_the_account_name_rule_applies_when_opening_an_account(county: County) -> None:
    client = county.client("sysadmin")
    page = client.post(
        "/accounts/users/new/",
        {
            "username": "zhangsan",
            "full_name": "张三",
            "unit": county.root.pk,
            "password": "Zhangsan-2025",
        },
    )
    assert "密码不能是用户名，也不能包含用户名" in page.content.decode()
    assert not User.objects.filter(username="zhangsan").exists()


# --- history ---------------------------------------------------------------------------------
@pytest.mark.django_db
def test_none_of_the_last_five_passwords_can_be_chosen_again(county: County) -> None:
    user = county.users["clerk_a"]
    used = [PASSWORD] + [f"Bai-sha-{n}-river" for n in range(1, 6)]
    for old, new in itertools.pairwise(used):
        services.user_password_change(user=user, old_password=old, new_password=new)
    current = used[-1]
    for reused in used[-5:-1]:  # the four before the current one
        with pytest.raises(ValidationError) as refused:
            services.user_password_change(user=user, old_password=current, new_password=reused)
        assert "新密码不能与最近 5 次使用过的密码相同" in str(refused.value)
    # the sixth-last (the persona's first password) may be used again
    services.user_password_change(user=user, old_password=current, new_password="Test-pass-2024")
    assert user.check_password("Test-pass-2024")


@pytest.mark.django_db
def test_the_history_keeps_hashes_never_passwords(county: County) -> None:
    user = county.users["clerk_a"]
    services.user_password_change(user=user, old_password=PASSWORD, new_password=GOOD)
    rows = list(PasswordHistory.objects.filter(user=user).values_list("password", flat=True))
    assert len(rows) == 2 and user.password in rows
    assert all("$" in h and GOOD not in h and PASSWORD not in h for h in rows)
    for n in range(8):
        previous = GOOD if n == 0 else f"Bai-sha-{n - 1}-river"
        services.user_password_change(
            user=user, old_password=previous, new_password=f"Bai-sha-{n}-river"
        )
    assert PasswordHistory.objects.filter(user=user).count() == 5  # pruned to the history


@pytest.mark.django_db
def test_the_administrator_cannot_reset_to_a_recent_or_weak_password(county: County) -> None:
    client = county.client("sysadmin")
    clerk = county.users["clerk_a"]
    for typed, message in ((PASSWORD, "最近 5 次"), ("zzzzzzzzz", "密码过于简单")):
        page = client.post(f"/accounts/users/{clerk.pk}/password/", {"password": typed})
        assert message in page.content.decode()
    clerk.refresh_from_db()
    assert clerk.check_password(PASSWORD)


# --- every place that sets a password --------------------------------------------------------
@pytest.mark.django_db
def test_own_change_refuses_zzzzzzzzz_in_chinese(county: County) -> None:
    page = county.client("clerk_a").post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "zzzzzzzzz", "new_password2": "zzzzzzzzz"},
    )
    text = page.content.decode()
    assert "密码太短，至少需要 10 个字符" in text and "密码过于简单" in text
    assert county.users["clerk_a"].check_password(PASSWORD)


@pytest.mark.django_db
def test_opening_an_account_refuses_a_weak_typed_password(county: County) -> None:
    page = county.client("sysadmin").post(
        "/accounts/users/new/",
        {"username": "lisi", "full_name": "李四", "unit": county.root.pk, "password": "zzzzzzzzz"},
    )
    assert "密码过于简单" in page.content.decode()
    assert not User.objects.filter(username="lisi").exists()


@pytest.mark.django_db
def test_changepassword_command_uses_the_policy(county: County, monkeypatch: Any) -> None:
    typed = iter(["zzzzzzzzz", "zzzzzzzzz"] * 3)
    monkeypatch.setattr(
        "django.contrib.auth.management.commands.changepassword.getpass.getpass",
        lambda prompt="": next(typed),
    )
    with pytest.raises(CommandError):
        call_command("changepassword", "clerk_a")
    assert county.users["clerk_a"].check_password(PASSWORD)
    good = iter([GOOD, GOOD])
    monkeypatch.setattr(
        "django.contrib.auth.management.commands.changepassword.getpass.getpass",
        lambda prompt="": next(good),
    )
    call_command("changepassword", "clerk_a")
    user = User.objects.get(username="clerk_a")
    assert user.check_password(GOOD)
    # the validator's hook kept the new hash (and the command line's password is not temporary)
    newest = PasswordHistory.objects.filter(user=user).order_by("-pk").first()
    assert newest is not None and newest.password == user.password and not newest.temporary


@pytest.mark.django_db
def test_generated_temporary_passwords_pass_the_policy(county: County) -> None:
    clerk = county.users["clerk_a"]
    for _ in range(200):
        raw = services.temporary_password(clerk)
        assert len(raw) >= 12 and problems(raw, clerk) == ""
        assert passwords.character_classes(raw) == 3


@pytest.mark.django_db
def test_the_command_line_still_sets_any_password_for_demo_and_test_accounts(
    county: County,
) -> None:
    cli = Actor.command_line()
    user = services.user_create(actor=cli, username="demo9", full_name="演示", password="zzzzzzzzz")
    assert user.check_password("zzzzzzzzz")
    assert not passwords.password_state(user).temporary

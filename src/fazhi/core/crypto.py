"""Personal data at rest: SM4-GCM encrypted model fields and a keyed blind index for lookups.

Values are stored as ``sm4:<base64(nonce | ciphertext | tag)>``; the key is
``settings.FIELD_ENCRYPTION_KEY`` (128 bits, see settings). The database never holds the plain
text, and an exact-match lookup (e.g. "this ID number already applied") uses
:func:`blind_index`, an SM3-HMAC of the normalised value, never the value itself.
"""

from __future__ import annotations

import base64
import hmac
import os
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.db import models

PREFIX = "sm4:"
_NONCE = 12
_TAG = 16


def encrypt(plain: str) -> str:
    """Encrypt ``plain`` (empty stays empty) with SM4-GCM and a fresh random nonce."""
    if plain == "":
        return ""
    nonce = os.urandom(_NONCE)
    enc = Cipher(algorithms.SM4(settings.FIELD_ENCRYPTION_KEY), modes.GCM(nonce)).encryptor()
    body = enc.update(plain.encode("utf-8")) + enc.finalize()
    return PREFIX + base64.b64encode(nonce + body + enc.tag).decode("ascii")


def decrypt(stored: str) -> str:
    """Decrypt a value made by :func:`encrypt`; raise ValueError if it was tampered with."""
    if not stored.startswith(PREFIX):
        return stored  # legacy plain value (never written by this code)
    raw = base64.b64decode(stored[len(PREFIX) :])
    nonce, body, tag = raw[:_NONCE], raw[_NONCE:-_TAG], raw[-_TAG:]
    dec = Cipher(algorithms.SM4(settings.FIELD_ENCRYPTION_KEY), modes.GCM(nonce, tag)).decryptor()
    try:
        return (dec.update(body) + dec.finalize()).decode("utf-8")
    except InvalidTag as exc:
        raise ValueError("加密字段校验失败：密钥不符或数据被篡改") from exc


def blind_index(value: str) -> str:
    """Keyed SM3 digest of the normalised value, for exact-match lookups of encrypted data."""
    normal = "".join(value.split()).upper()
    if not normal:
        return ""
    return hmac.new(settings.FIELD_ENCRYPTION_KEY, normal.encode("utf-8"), "sm3").hexdigest()


def phone_digits(value: str) -> str:
    """A phone number as it is indexed: separators (spaces, hyphens, brackets, +) dropped, so
    ``0731-8888 1234`` and ``073188881234`` find the same row."""
    return "".join(ch for ch in value if ch.isdigit())


class EncryptedTextField(models.TextField[str, str]):
    """A text field stored encrypted; Python code sees plain text. Not searchable or sortable."""

    description = "SM4 加密文本"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        return None if value is None else decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        return None if value is None else encrypt(str(value))

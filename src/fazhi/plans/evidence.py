"""Evidence files (佐证材料): what may be uploaded, checked by name, size and content."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

MAX_FILES = 10
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: extension → the bytes every such file starts with (None: plain text)
SIGNATURES: dict[str, tuple[bytes, ...] | None] = {
    ".pdf": (b"%PDF-",),
    ".ofd": (_ZIP,),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".docx": (_ZIP,),
    ".xlsx": (_ZIP,),
    ".pptx": (_ZIP,),
    ".doc": (_OLE,),
    ".xls": (_OLE,),
    ".txt": None,
}
ALLOWED_LABEL = "PDF、OFD、图片（PNG、JPG）、Word、Excel、PowerPoint、文本"


def max_bytes() -> int:
    return int(settings.FAZHI_EVIDENCE_MAX_MB) * 1024 * 1024


def check_uploads(files: Sequence[UploadedFile]) -> list[tuple[UploadedFile, str]]:
    """Each file with its SHA-256, or ValidationError naming the file and the reason."""
    if len(files) > MAX_FILES:
        raise ValidationError({"files": f"一次最多上传 {MAX_FILES} 个文件"})
    return [(upload, _check(upload)) for upload in files]


def _check(upload: UploadedFile) -> str:
    name = upload.name or "附件"
    suffix = PurePath(name).suffix.lower()
    if suffix not in SIGNATURES:
        raise ValidationError({"files": f"“{name}”：不支持的文件类型，只能上传 {ALLOWED_LABEL}"})
    size = upload.size or 0
    if size == 0:
        raise ValidationError({"files": f"“{name}”：文件为空"})
    if size > max_bytes():
        limit = settings.FAZHI_EVIDENCE_MAX_MB
        raise ValidationError({"files": f"“{name}”：文件超过 {limit} MB"})
    digest = hashlib.sha256()
    head = b""
    for chunk in upload.chunks():
        if not head:
            head = bytes(chunk[:16])
        digest.update(chunk)
    upload.seek(0)
    expected = SIGNATURES[suffix]
    if expected is None:
        if b"\x00" in head:
            raise ValidationError({"files": f"“{name}”：内容不是文本文件"})
    elif not any(head.startswith(sig) for sig in expected):
        raise ValidationError({"files": f"“{name}”：文件内容与扩展名 {suffix} 不符"})
    return digest.hexdigest()

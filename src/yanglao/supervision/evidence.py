"""Evidence files: images (JPEG, PNG, WebP) and PDF only, recognised by their first bytes (magic numbers),
not by their name or declared type; at most the ``evidence`` parameter's size."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import UploadedFile

from yanglao.supervision.rules import RuleError, parameter

SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"%PDF-", "application/pdf", "pdf"),
)


def sniff(head: bytes) -> tuple[str, str] | None:
    """(content type, suffix) of a file from its first bytes; None when it is not an image or a PDF."""
    for magic, kind, suffix in SIGNATURES:
        if head.startswith(magic):
            return kind, suffix
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", "webp"
    return None


def check(upload: UploadedFile[Any], on: dt.date) -> tuple[str, str]:
    """The file's (content type, suffix), or a :class:`RuleError` saying what is wrong with it."""
    limit = int(parameter("evidence", on)["max_bytes"])
    name = upload.name or "文件"
    if (upload.size or 0) > limit:
        raise RuleError(f"{name}：文件过大（{(upload.size or 0) / 1e6:.1f} MB，上限 {limit / 1e6:.0f} MB）")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    found = sniff(head)
    if found is None:
        raise RuleError(f"{name}：只接受照片（JPEG、PNG、WebP）或 PDF 文件")
    return found

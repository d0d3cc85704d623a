"""Uploaded evidence and documents: images (JPEG, PNG, WebP) and PDF only, recognised by their first
bytes (magic numbers), not by their name or declared type, and no larger than a limit. The one check
every upload of documents goes through (care-home applications, supervision evidence)."""

from __future__ import annotations

from typing import Protocol

SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"%PDF-", "application/pdf", "pdf"),
)


class Upload(Protocol):
    """What is read of an uploaded file (Django's ``UploadedFile`` is one)."""

    @property
    def name(self) -> str | None: ...

    @property
    def size(self) -> int | None: ...

    def seek(self, offset: int) -> object: ...

    def read(self, size: int = ...) -> bytes: ...


class UploadRefused(ValueError):
    """The file is not accepted; the message says why, in Chinese, naming the file."""


def sniff(head: bytes) -> tuple[str, str] | None:
    """(content type, suffix) of a file from its first bytes; None when it is not an image or a PDF."""
    for magic, kind, suffix in SIGNATURES:
        if head.startswith(magic):
            return kind, suffix
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", "webp"
    return None


def check_upload(upload: Upload, max_bytes: int) -> tuple[str, str]:
    """The file's (content type, suffix), or :class:`UploadRefused` saying what is wrong with it."""
    name = upload.name or "文件"
    size = upload.size or 0
    if size > max_bytes:
        raise UploadRefused(f"{name}：文件过大（{size / 1e6:.1f} MB，上限 {max_bytes / 1e6:.0f} MB）")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    found = sniff(head)
    if found is None:
        raise UploadRefused(f"{name}：只接受照片（JPEG、PNG、WebP）或 PDF 文件")
    return found

"""The one check of uploaded documents: images or PDF by their first bytes, within a size."""

from __future__ import annotations

import io

import pytest

from yanglao.core.uploads import UploadRefused, check_upload, sniff


class File(io.BytesIO):
    def __init__(self, data: bytes, name: str = "证明.pdf") -> None:
        super().__init__(data)
        self.name, self.size = name, len(data)


def test_images_and_pdf_are_known_by_their_first_bytes_not_their_name() -> None:
    assert check_upload(File(b"%PDF-1.7\n..."), 1000) == ("application/pdf", "pdf")
    assert check_upload(File(b"\x89PNG\r\n\x1a\n....", name="a.pdf"), 1000) == ("image/png", "png")
    assert sniff(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == ("image/webp", "webp")
    with pytest.raises(UploadRefused, match=r"证明\.pdf：只接受照片"):
        check_upload(File(b"MZ\x90\x00 an executable"), 1000)


def test_a_file_over_the_limit_is_refused_before_it_is_read() -> None:
    with pytest.raises(UploadRefused, match="文件过大"):
        check_upload(File(b"%PDF-" + b"x" * 2000), 1000)

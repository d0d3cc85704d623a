"""Evidence files: images (JPEG, PNG, WebP) and PDF only, recognised by their first bytes (magic numbers),
not by their name or declared type; at most the ``evidence`` parameter's size."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import UploadedFile

from yanglao.core.uploads import UploadRefused, check_upload, sniff
from yanglao.supervision.rules import RuleError, parameter

__all__ = ["check", "sniff"]


def check(upload: UploadedFile[Any], on: dt.date) -> tuple[str, str]:
    """The file's (content type, suffix), or a :class:`RuleError` saying what is wrong with it."""
    try:
        return check_upload(upload, int(parameter("evidence", on)["max_bytes"]))
    except UploadRefused as exc:
        raise RuleError(str(exc)) from None

"""Passwords of at least 8 characters from 3 of the 4 character classes (等保 2.0 level 3)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError


def character_classes(password: str) -> int:
    return sum(
        (
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        )
    )


class CharacterClassesValidator:
    def validate(self, password: str, user: Any = None) -> None:
        if character_classes(password) < 3:
            raise ValidationError(
                "密码须包含大写字母、小写字母、数字、符号四类中的至少三类。", code="password_too_simple"
            )

    def get_help_text(self) -> str:
        return "密码至少8位，并包含大写字母、小写字母、数字、符号中的至少三类。"

"""Serializers shared by every app's API."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import serializers

from .errors import InvalidInput


class ErrorSerializer(serializers.Serializer):
    """The one error shape of the API (see core.api.exception_handler)."""

    code = serializers.CharField(help_text="Stable machine code, e.g. `invalid`, `not_found`, `cannot_edit_venue`.")
    message = serializers.CharField(help_text="Translated message for people.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages per input field; empty when the error is not about one field.",
    )


class ConflictErrorSerializer(ErrorSerializer):
    """409: the record is not in a state that allows the step, or changed since the caller read it."""

    current_state = serializers.CharField(help_text="The record's state now, e.g. `awaiting_review`.")
    version = serializers.IntegerField(help_text="The record's version now; send it back as `version` to retry.")


class OffsetDateTimeField(serializers.DateTimeField):
    """ISO 8601 with its UTC offset (`2026-05-04T09:30:00+08:00`); a time without one is refused,
    because a phone that was offline cannot say which zone it meant."""

    def enforce_timezone(self, value):
        if timezone.is_naive(value):
            raise serializers.ValidationError(_("Give the time with its time zone offset, e.g. +08:00."))
        return super().enforce_timezone(value)


def flatten_errors(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF error detail as {"answers[0].result": [...]}: the field keys the services use."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            if isinstance(key, int):
                name = f"{prefix}[{key}]"
            elif prefix and key != "non_field_errors":
                name = f"{prefix}.{key}"
            else:
                name = prefix or str(key)
            for sub, msgs in flatten_errors(value, name).items():
                out.setdefault(sub, []).extend(msgs)
        return out
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            return {prefix or "non_field_errors": [str(item) for item in detail]} if detail else {}
        for i, item in enumerate(detail):
            if item:
                for sub, msgs in flatten_errors(item, f"{prefix}[{i}]").items():
                    out.setdefault(sub, []).extend(msgs)
        return out
    return {prefix or "non_field_errors": [str(detail)]}


def validated_or_invalid(serializer: serializers.Serializer) -> dict:
    """The validated data, or InvalidInput (400) with flattened field keys for nested input."""
    if not serializer.is_valid():
        raise InvalidInput(_("Some fields are not valid."), fields=flatten_errors(serializer.errors))
    return serializer.validated_data

"""Serializers shared by every app's API."""

from __future__ import annotations

from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    """The one error shape of the API (see core.api.exception_handler)."""

    code = serializers.CharField(help_text="Stable machine code, e.g. `invalid`, `not_found`, `cannot_edit_venue`.")
    message = serializers.CharField(help_text="Translated message for people.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages per input field; empty when the error is not about one field.",
    )

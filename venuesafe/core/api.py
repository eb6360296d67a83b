"""One error shape for the whole API: {"code", "message", "fields"}."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import DomainError, validation_error_fields


def _flatten(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        out: dict[str, list[str]] = {}
        for key, value in detail.items():
            if isinstance(value, dict):
                for sub, msgs in _flatten(value).items():
                    out[f"{key}.{sub}"] = msgs
            elif isinstance(value, list):
                out[key] = [str(v) for v in value]
            else:
                out[key] = [str(value)]
        return out
    if isinstance(detail, list):
        return {"non_field_errors": [str(v) for v in detail]}
    return {"non_field_errors": [str(detail)]}


def error_response(
    code: str, message: str, fields: dict | None = None, http_status: int = 400, extra: dict | None = None
) -> Response:
    body = {"code": code, "message": str(message), "fields": fields or {}}
    body.update(extra or {})
    return Response(body, status=http_status)


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        return error_response(exc.code, exc.message, exc.fields, exc.status, exc.extra)
    if isinstance(exc, DjangoValidationError):
        return error_response("invalid", _("Some fields are not valid."), validation_error_fields(exc))
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        message = _("Some fields are not valid.")
        if list(fields) == ["non_field_errors"]:
            message = fields["non_field_errors"][0]
        response.data = {"code": "invalid", "message": message, "fields": fields}
    elif isinstance(exc, exceptions.APIException):
        detail = exc.detail
        code = detail.code if hasattr(detail, "code") else exc.default_code
        if response.status_code == status.HTTP_404_NOT_FOUND:
            code = "not_found"
        response.data = {"code": str(code), "message": str(detail), "fields": {}}
    return response

"""Domain errors carry a stable machine code; the API and the pages render them."""

from __future__ import annotations

from django.utils.functional import Promise


class DomainError(Exception):
    """A refused operation. `code` is stable; `message` is translated for people."""

    code = "domain_error"
    status = 400

    def __init__(
        self, message: str | Promise, *, code: str | None = None, fields: dict | None = None, extra: dict | None = None
    ):
        super().__init__(str(message))
        self.message = message
        if code:
            self.code = code
        self.fields = fields or {}
        # Further machine-readable facts for the API body, e.g. the current state on a conflict.
        self.extra = extra or {}


class InvalidInput(DomainError):
    code = "invalid"


class NotAllowed(DomainError):
    code = "permission_denied"
    status = 403


class OutOfScope(DomainError):
    """Answered as 404 so nobody learns what exists outside their scope."""

    code = "not_found"
    status = 404


class StateConflict(DomainError):
    """The record is not in a state that allows the step (or changed since the caller read it)."""

    code = "state_conflict"
    status = 409


def validation_error_fields(exc) -> dict[str, list[str]]:
    """Flatten a Django ValidationError into {field: [messages]}."""
    if hasattr(exc, "error_dict"):
        return {field: [str(m) for e in errors for m in e.messages] for field, errors in exc.error_dict.items()}
    return {"non_field_errors": [str(m) for m in exc.messages]}

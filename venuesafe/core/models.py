from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import clock


class IdempotencyKey(models.Model):
    """A client's `Idempotency-Key` for one create call, so that a retry returns the first result.

    Generic: any endpoint that creates one object records (user, key) → (endpoint, status, object id).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(_("idempotency key"), max_length=255)
    endpoint = models.CharField(_("endpoint"), max_length=100)
    response_status = models.PositiveSmallIntegerField(_("response status"))
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"), default=clock.now)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="uniq_idempotency_user_key")]

    def __str__(self) -> str:
        return f"{self.endpoint} {self.key}"

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from venuesafe.core.validators import validate_mobile


class Role(models.TextChoices):
    DISTRICT_ADMIN = "district_admin", _("District administrator")
    STREET_OFFICE = "street_office", _("Street safety office")
    COMMUNITY_STAFF = "community_staff", _("Community staff")
    GRID_WORKER = "grid_worker", _("Grid worker")
    INSPECTOR = "inspector", _("Safety inspector")
    MERCHANT = "merchant", _("Merchant")
    DEPARTMENT_VIEWER = "department_viewer", _("Department viewer")


# Roles that see everything in their org subtree and may register and edit venues there.
TERRITORIAL_STAFF_ROLES = frozenset(
    {Role.DISTRICT_ADMIN, Role.STREET_OFFICE, Role.COMMUNITY_STAFF, Role.GRID_WORKER, Role.INSPECTOR}
)


class User(AbstractUser):
    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    mobile = models.CharField(
        _("mobile number"), max_length=11, unique=True, null=True, blank=True, validators=[validate_mobile]
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username


class RoleAssignment(models.Model):
    """A role held at one org unit (and, for department viewers, for one department)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    org_unit = models.ForeignKey(
        "org.OrgUnit", on_delete=models.PROTECT, related_name="role_assignments", verbose_name=_("org unit")
    )
    department = models.ForeignKey(
        "org.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="role_assignments",
        verbose_name=_("department"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "org_unit", "department"], name="uniq_role_assignment"),
            models.CheckConstraint(
                condition=~models.Q(role="department_viewer") | models.Q(department__isnull=False),
                name="department_viewer_has_department",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.org_unit}"

"""Who may see what. Every scoped read in the system starts from `user_scope`."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Q

from venuesafe.org.models import OrgUnit

from .models import TERRITORIAL_STAFF_ROLES, Role, RoleAssignment, User


@dataclass
class UserScope:
    user: User
    assignments: list[RoleAssignment] = field(default_factory=list)

    @property
    def is_superuser(self) -> bool:
        return bool(self.user.is_superuser)

    @cached_property
    def roles(self) -> set[str]:
        return {a.role for a in self.assignments}

    @cached_property
    def staff_paths(self) -> list[str]:
        """Org paths under which the user is territorial staff (may edit venues)."""
        return [a.org_unit.path for a in self.assignments if a.role in TERRITORIAL_STAFF_ROLES]

    @cached_property
    def department_grants(self) -> list[tuple[str, list[int]]]:
        """(org path, category ids) for each department-viewer role: the line's categories and sub-types."""
        from venuesafe.venues.models import VenueCategory

        grants = []
        for a in self.assignments:
            if a.role != Role.DEPARTMENT_VIEWER:
                continue
            ids = list(
                VenueCategory.objects.filter(
                    Q(department_links__department_id=a.department_id)
                    | Q(parent__department_links__department_id=a.department_id)
                )
                .values_list("pk", flat=True)
                .distinct()
            )
            grants.append((a.org_unit.path, ids))
        return grants

    @property
    def is_merchant(self) -> bool:
        return Role.MERCHANT in self.roles

    @property
    def is_district_admin(self) -> bool:
        return self.is_superuser or Role.DISTRICT_ADMIN in self.roles

    def has_role(self, *roles: str) -> bool:
        return self.is_superuser or bool(self.roles.intersection(roles))

    def venue_filter(self) -> Q:
        """The venues this user may see, as one Q. Empty scope matches nothing."""
        if self.is_superuser:
            return Q()
        q = Q(pk__in=[])
        for path in self.staff_paths:
            q |= Q(org_path__startswith=path)
        for path, category_ids in self.department_grants:
            q |= Q(org_path__startswith=path, category_id__in=category_ids)
        if self.is_merchant:
            from venuesafe.venues.models import VenueMerchant

            q |= Q(pk__in=VenueMerchant.objects.filter(user_id=self.user.pk).values("venue_id"))
        return q

    def area_filter(self) -> Q:
        """Records that copy their venue's `org_path`, `category_id` and `venue_id` (inspections,
        hazards, self-checks): visible exactly when their venue is."""
        if self.is_superuser:
            return Q()
        q = Q(pk__in=[])
        for path in self.staff_paths:
            q |= Q(org_path__startswith=path)
        for path, category_ids in self.department_grants:
            q |= Q(org_path__startswith=path, category_id__in=category_ids)
        if self.is_merchant:
            from venuesafe.venues.models import VenueMerchant

            q |= Q(venue_id__in=VenueMerchant.objects.filter(user_id=self.user.pk).values("venue_id"))
        return q

    def venue_edit_filter(self) -> Q:
        """The venues this user may change: territorial staff within their subtree."""
        if self.is_superuser:
            return Q()
        q = Q(pk__in=[])
        for path in self.staff_paths:
            q |= Q(org_path__startswith=path)
        return q

    def can_edit_under(self, unit: OrgUnit) -> bool:
        return self.is_superuser or any(unit.path.startswith(p) for p in self.staff_paths)

    def org_unit_filter(self) -> Q:
        if self.is_superuser:
            return Q()
        q = Q(pk__in=[])
        for a in self.assignments:
            if a.role != Role.MERCHANT:
                q |= Q(path__startswith=a.org_unit.path)
        return q


def user_scope(*, user: User) -> UserScope:
    if not getattr(user, "is_authenticated", False):
        return UserScope(user=user, assignments=[])
    cached = getattr(user, "_venuesafe_scope", None)
    if cached is not None:
        return cached
    assignments = list(
        RoleAssignment.objects.filter(user=user, is_active=True).select_related("org_unit", "department")
    )
    scope = UserScope(user=user, assignments=assignments)
    user._venuesafe_scope = scope
    return scope


def org_units_visible(*, user: User):
    scope = user_scope(user=user)
    return OrgUnit.objects.filter(scope.org_unit_filter()).select_related("parent").order_by("path")


def editable_org_units(*, user: User, levels: tuple[str, ...]):
    scope = user_scope(user=user)
    q = Q() if scope.is_superuser else Q(pk__in=[])
    for path in scope.staff_paths:
        q |= Q(path__startswith=path)
    return OrgUnit.objects.filter(q, level__in=levels, is_active=True).order_by("path")


def home_url_name(*, user: User) -> str:
    """Where a user starts: merchants at their self-check, patrol staff at today's tasks, the
    offices at the dispatch board, department viewers at the archive."""
    scope = user_scope(user=user)
    if scope.is_superuser or scope.has_role(Role.DISTRICT_ADMIN, Role.STREET_OFFICE, Role.COMMUNITY_STAFF):
        return "hazards:board"
    if scope.has_role(Role.INSPECTOR, Role.GRID_WORKER):
        return "inspections:today"
    if scope.is_merchant:
        return "selfchecks:home"
    return "venues:list"

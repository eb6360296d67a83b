"""Org units the user may see (their subtrees), read-only."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics

from venuesafe.accounts.selectors import org_units_visible

from .models import OrgLevel, OrgUnit
from .serializers import OrgUnitOutputSerializer


class OrgUnitFilter(django_filters.FilterSet):
    level = django_filters.ChoiceFilter(choices=OrgLevel.choices)
    parent = django_filters.NumberFilter(field_name="parent_id", help_text="Id of the parent unit.")

    class Meta:
        model = OrgUnit
        fields = ["level", "parent"]


class _OrgUnitScoped:
    serializer_class = OrgUnitOutputSerializer

    def get_queryset(self):
        return org_units_visible(user=self.request.user)


@extend_schema_view(get=extend_schema(operation_id="org_units_list", summary="Org units in the user's scope"))
class OrgUnitListApi(_OrgUnitScoped, generics.ListAPIView):
    filterset_class = OrgUnitFilter


@extend_schema_view(get=extend_schema(operation_id="org_units_retrieve", summary="One org unit (404 out of scope)"))
class OrgUnitDetailApi(_OrgUnitScoped, generics.RetrieveAPIView):
    filter_backends = ()

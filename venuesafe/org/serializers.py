from __future__ import annotations

from rest_framework import serializers

from .models import OrgUnit


class OrgUnitOutputSerializer(serializers.ModelSerializer):
    level_label = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = OrgUnit
        fields = ["id", "name", "code", "level", "level_label", "parent", "path", "is_active"]
        read_only_fields = fields

from __future__ import annotations

from rest_framework import serializers


class TokenInputSerializer(serializers.Serializer):
    username = serializers.CharField(help_text="Username or mainland China mobile number.")
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False, write_only=True)


class TokenOutputSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send as `Authorization: Token <token>`.")


class OrgUnitBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    level = serializers.CharField()


class DepartmentBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class RoleOutputSerializer(serializers.Serializer):
    role = serializers.CharField()
    role_label = serializers.CharField(source="get_role_display")
    org_unit = OrgUnitBriefSerializer()
    department = DepartmentBriefSerializer(allow_null=True)


class MeOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    full_name = serializers.CharField()
    mobile = serializers.CharField(allow_null=True)
    roles = RoleOutputSerializer(many=True)

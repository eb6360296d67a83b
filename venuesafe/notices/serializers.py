"""Notice (inbox) API shapes."""

from __future__ import annotations

from rest_framework import serializers

from .models import Notice


class NoticeOutputSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    is_read = serializers.SerializerMethodField()
    hazard = serializers.PrimaryKeyRelatedField(read_only=True, help_text="Id of the hazard it is about, if any.")

    class Meta:
        model = Notice
        fields = ["id", "kind", "kind_label", "title", "body", "url", "hazard", "created_at", "read_at", "is_read"]
        read_only_fields = fields

    def get_is_read(self, obj) -> bool:
        return obj.read_at is not None


class NoticeListQuerySerializer(serializers.Serializer):
    unread = serializers.BooleanField(
        required=False, allow_null=True, help_text="true: only unread notices; false: only read ones."
    )


class UnreadCountSerializer(serializers.Serializer):
    unread = serializers.IntegerField(help_text="Unread notices in the user's inbox.")


class MarkedCountSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="Notices marked read by this call.")

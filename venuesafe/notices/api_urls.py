from django.urls import path

from . import api

urlpatterns = [
    path("notices/", api.NoticeListApi.as_view(), name="api-notice-list"),
    path("notices/read-all/", api.NoticeReadAllApi.as_view(), name="api-notice-read-all"),
    path("notices/unread-count/", api.NoticeUnreadCountApi.as_view(), name="api-notice-unread-count"),
    path("notices/<int:pk>/read/", api.NoticeReadApi.as_view(), name="api-notice-read"),
]

from django.urls import path

from . import api

urlpatterns = [
    path("hazard-types/", api.HazardTypeListApi.as_view(), name="api-hazard-type-list"),
    path("hazards/", api.HazardListApi.as_view(), name="api-hazard-list"),
    path("hazards/figures/", api.HazardFiguresApi.as_view(), name="api-hazard-figures"),
    path("hazards/<int:pk>/", api.HazardDetailApi.as_view(), name="api-hazard-detail"),
    path("hazards/<int:pk>/events/", api.HazardEventsApi.as_view(), name="api-hazard-events"),
    # One endpoint per transition; the names end in the segment of serializers.ACTION_ENDPOINTS.
    path("hazards/<int:pk>/dispatch/", api.HazardDispatchApi.as_view(), name="api-hazard-dispatch"),
    path("hazards/<int:pk>/redispatch/", api.HazardRedispatchApi.as_view(), name="api-hazard-redispatch"),
    path("hazards/<int:pk>/acknowledge/", api.HazardAcknowledgeApi.as_view(), name="api-hazard-acknowledge"),
    path("hazards/<int:pk>/proof/", api.HazardProofApi.as_view(), name="api-hazard-proof"),
    path("hazards/<int:pk>/review-pass/", api.HazardReviewPassApi.as_view(), name="api-hazard-review-pass"),
    path("hazards/<int:pk>/review-fail/", api.HazardReviewFailApi.as_view(), name="api-hazard-review-fail"),
    path("hazards/<int:pk>/reopen/", api.HazardReopenApi.as_view(), name="api-hazard-reopen"),
    path(
        "hazards/<int:pk>/extend-deadline/",
        api.HazardExtendDeadlineApi.as_view(),
        name="api-hazard-extend-deadline",
    ),
    path("hazards/<int:pk>/withdraw/", api.HazardWithdrawApi.as_view(), name="api-hazard-withdraw"),
]

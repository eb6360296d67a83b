"""One code per venue: the QR link /q/<token>/ and the door plate PDFs under /venues/.

Included at the site root (like the inspection pages) because it spans both prefixes.
"""

from django.urls import path

from . import views_qr

app_name = "qr"
urlpatterns = [
    path("q/<slug:token>/", views_qr.qr_open, name="open"),
    path("venues/<int:pk>/door-plate.pdf", views_qr.door_plate, name="door_plate"),
    path("venues/door-plates.pdf", views_qr.door_plates, name="door_plates"),
]

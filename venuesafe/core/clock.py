"""The one place the code reads the time, so tests can move it (time-machine)."""

import datetime as dt

from django.utils import timezone


def now() -> dt.datetime:
    return timezone.now()


def local_today() -> dt.date:
    return timezone.localdate(now())

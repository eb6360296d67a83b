from django.contrib.auth.backends import ModelBackend
from django.db.models import Q

from venuesafe.core.validators import normalize_mobile

from .models import User


class UsernameOrMobileBackend(ModelBackend):
    """Log in with either the username or the mobile number, and the password."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        login = username.strip()
        # A username may equal another account's mobile number: try the username's owner first, then the mobile's.
        users = sorted(
            User.objects.filter(Q(username=login) | Q(mobile=normalize_mobile(login)))[:2],
            key=lambda u: u.username != login,
        )
        if not users:
            User().set_password(password)  # same work as a real check, against timing probes
            return None
        for user in users:
            if user.check_password(password) and self.user_can_authenticate(user):
                return user
        return None

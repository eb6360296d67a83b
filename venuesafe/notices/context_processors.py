from django.utils.functional import SimpleLazyObject

from .selectors import unread_count


def unread_notices(request):
    """The unread count for the navigation badge; counted only when a template shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notices": SimpleLazyObject(lambda: unread_count(user=user))}

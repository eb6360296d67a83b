from .selectors import user_scope


def current_roles(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = user_scope(user=user)
    return {"user_scope": scope, "user_roles": scope.roles}

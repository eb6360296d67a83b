"""Log in for API clients (token), log out, and who am I."""

from __future__ import annotations

from django.contrib.auth import authenticate, logout, user_logged_in
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.authentication import SessionAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from venuesafe.core.errors import DomainError
from venuesafe.core.serializers import ErrorSerializer

from .selectors import user_scope
from .serializers import MeOutputSerializer, TokenInputSerializer, TokenOutputSerializer


class LockedOut(DomainError):
    code = "locked_out"
    status = 429


class TokenObtainApi(APIView):
    authentication_classes = ()
    permission_classes = (AllowAny,)

    @extend_schema(
        operation_id="auth_token_create",
        summary="Get an API token",
        description=(
            "Log in with a username or mobile number and the password. Repeated failures lock the "
            "login out for a while (`locked_out`, HTTP 429)."
        ),
        request=TokenInputSerializer,
        responses={
            200: TokenOutputSerializer,
            400: OpenApiResponse(ErrorSerializer, description="Wrong credentials (`invalid_credentials`)."),
            429: OpenApiResponse(ErrorSerializer, description="Locked out after repeated failures (`locked_out`)."),
        },
        auth=[],
    )
    def post(self, request):
        data = TokenInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # Through authenticate() so that django-axes counts failures and locks out.
        user = authenticate(
            request=request, username=data.validated_data["username"], password=data.validated_data["password"]
        )
        if getattr(request, "axes_locked_out", False):
            raise LockedOut(_("Too many failed logins. Try again later."))
        if user is None:
            raise DomainError(_("Wrong username, mobile number or password."), code="invalid_credentials")
        user_logged_in.send(sender=user.__class__, request=request, user=user)
        token, _created = Token.objects.get_or_create(user=user)
        return Response(TokenOutputSerializer({"token": token.key}).data)


class LogoutApi(APIView):
    @extend_schema(
        operation_id="auth_logout",
        summary="Log out",
        description="Deletes the user's API token and ends the session, if any.",
        request=None,
        responses={204: None},
    )
    def post(self, request):
        Token.objects.filter(user=request.user).delete()
        if isinstance(request.successful_authenticator, SessionAuthentication):
            logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeApi(APIView):
    @extend_schema(operation_id="me_retrieve", summary="The current user and their roles", responses=MeOutputSerializer)
    def get(self, request):
        scope = user_scope(user=request.user)
        user = request.user
        data = {
            "id": user.pk,
            "username": user.username,
            "full_name": user.full_name,
            "mobile": user.mobile,
            "roles": scope.assignments,
        }
        return Response(MeOutputSerializer(data).data)

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from venuesafe.core.errors import DomainError
from venuesafe.venues.services import BindingLockedOut, merchant_bind, merchant_signup

from .forms import BindVenueForm, LoginForm, MerchantSignupForm
from .selectors import home_url_name


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return redirect(home_url_name(user=request.user))


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """POST only (Django's LogoutView refuses GET)."""


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change_form.html"
    success_url = reverse_lazy("accounts:password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


# --- merchants: bind a venue with a one-time code, or sign up with it ---------------------------

BACKEND = "venuesafe.accounts.backends.UsernameOrMobileBackend"


def _client_address(request: HttpRequest) -> str | None:
    # Counts wrong codes per address (venues.services lockout); behind a proxy, the proxy sets it.
    return request.META.get("REMOTE_ADDR") or None


def _show_refusal(form, exc: DomainError) -> None:
    if exc.fields:
        for name, msgs in exc.fields.items():
            form.add_error(name if name in form.fields else None, [str(m) for m in msgs])
    else:
        form.add_error(None, str(exc.message))


@login_required
def bind_venue(request: HttpRequest) -> HttpResponse:
    """A logged-in account binds one more venue with the code its grid worker handed over."""
    form = BindVenueForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            link = merchant_bind(user=request.user, code=form.cleaned_data["code"], address=_client_address(request))
        except BindingLockedOut as exc:
            form.add_error(None, str(exc.message))
            status = exc.status
        except DomainError as exc:
            _show_refusal(form, exc)
            status = 400
        else:
            messages.success(request, _("Bound: you now hold “%(name)s”.") % {"name": link.venue.sign_name})
            return redirect("selfchecks:home")
    elif request.method == "POST":
        status = 400
    return render(request, "accounts/bind.html", {"form": form}, status=status)


def merchant_signup_view(request: HttpRequest) -> HttpResponse:
    """A merchant without an account creates one with the code; then it is logged in."""
    if request.user.is_authenticated:
        return redirect("accounts:bind")
    form = MerchantSignupForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            link = merchant_signup(
                code=data["code"],
                mobile=data["mobile"],
                full_name=data["full_name"],
                password=data["password"],
                address=_client_address(request),
            )
        except BindingLockedOut as exc:
            form.add_error(None, str(exc.message))
            status = exc.status
        except DomainError as exc:
            _show_refusal(form, exc)
            status = 400
        else:
            login(request, link.user, backend=BACKEND)
            messages.success(request, _("Welcome. Your account holds “%(name)s”.") % {"name": link.venue.sign_name})
            return redirect("selfchecks:home")
    elif request.method == "POST":
        status = 400
    return render(request, "accounts/merchant_signup.html", {"form": form}, status=status)

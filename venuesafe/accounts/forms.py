from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    """Username or mobile number, and password. Passes the request on to authenticate (django-axes needs it)."""

    username = forms.CharField(
        label=_("Username or mobile number"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username", "autocapitalize": "none"}),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The username / mobile number or the password is wrong."),
    }


# --- merchants: bind a venue with a one-time code, or sign up with it ---------------------------

_CODE_WIDGET_ATTRS = {
    "autocomplete": "one-time-code",
    "autocapitalize": "characters",
    "spellcheck": "false",
    "inputmode": "text",
    "class": "code-input",
}


def _code_field() -> forms.CharField:
    return forms.CharField(
        label=_("Binding code"),
        max_length=32,
        help_text=_("8 letters and digits, from your grid worker (printed or shown on their phone)."),
        widget=forms.TextInput(attrs=_CODE_WIDGET_ATTRS),
    )


class BindVenueForm(forms.Form):
    """The code the grid worker handed over; venues.services.merchant_bind checks it."""

    code = _code_field()


class MerchantSignupForm(forms.Form):
    """A new merchant account; venues.services.merchant_signup validates mobile, name and password."""

    mobile = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        help_text=_("You log in with it."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    full_name = forms.CharField(
        label=_("Your name"), max_length=50, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    password = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("Password again"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    code = _code_field()

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password2") and data["password"] != data["password2"]:
            self.add_error("password2", _("The two passwords differ."))
        return data

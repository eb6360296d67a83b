from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def percent(value, digits: int = 1) -> str:
    """0.875 -> "87.5 %"."""
    try:
        return f"{number_format(round(float(value) * 100, int(digits)), int(digits))} %"
    except (TypeError, ValueError):
        return ""

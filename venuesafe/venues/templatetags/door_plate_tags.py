"""{% door_plates_form %}: the venue list's "door plates for a community" form, for staff with communities in scope."""

from django import template

from venuesafe.venues.qr import door_plate_communities

register = template.Library()


@register.inclusion_tag("venues/_door_plates_form.html", takes_context=True)
def door_plates_form(context) -> dict:
    user = context["request"].user
    return {"communities": list(door_plate_communities(user=user).select_related(None).only("pk", "name"))}

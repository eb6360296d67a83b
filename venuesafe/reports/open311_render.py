"""Open311 GeoReport v2 output: one Python structure, rendered as the spec's XML or JSON.

The JSON is the spec's "Spark convention" mapping of the XML: a list of wrapped items in XML
(`<services><service>…`) is a JSON array, a nested list (`<attributes><attribute>…`) is an
array under its wrapper's name, and leaf values keep their JSON types (true/false, numbers,
null). Element names live here only, in `ROOTS` and `LIST_ITEMS`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET  # only builds XML here, never parses it
from collections.abc import Mapping, Sequence

from django.http import HttpResponse
from django.utils import timezone

FORMATS = ("xml", "json")
CONTENT_TYPES = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}

# Root element and, for list roots, the element wrapping each item.
ROOTS: dict[str, str | None] = {
    "discovery": None,
    "services": "service",
    "service_definition": None,
    "service_requests": "request",
    "errors": "error",
}
# Nested lists: wrapper element -> item element.
LIST_ITEMS = {
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
}

# Characters XML 1.0 cannot carry at all (a pasted control character must not break the document).
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def w3c_datetime(value: dt.datetime | None) -> str | None:
    """W3C datetime with the local offset, e.g. 2026-05-01T09:30:00+08:00 (the spec wants a zone)."""
    if value is None:
        return None
    return timezone.localtime(value).isoformat(timespec="seconds")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return w3c_datetime(value) or ""
    return _XML_INVALID.sub("", str(value))


def _json_value(value):
    if isinstance(value, dt.datetime):
        return w3c_datetime(value)
    if isinstance(value, Mapping):
        return {key: _json_value(v) for key, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_value(v) for v in value]
    return value


def _append(parent: ET.Element, tag: str, value) -> None:
    element = ET.SubElement(parent, tag)
    if isinstance(value, Mapping):
        for key, child in value.items():
            _append(element, key, child)
    elif isinstance(value, (list, tuple)):
        item_tag = LIST_ITEMS[tag]
        for item in value:
            _append(element, item_tag, item)
    else:
        element.text = _text(value)


def to_xml(root: str, data) -> bytes:
    element = ET.Element(root)
    item_tag = ROOTS[root]
    if item_tag is not None:
        for item in data:
            _append(element, item_tag, item)
    else:
        for key, value in data.items():
            _append(element, key, value)
    # The spec asks for the declaration with encoding="utf-8", double-quoted as in its examples.
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(element, encoding="utf-8", xml_declaration=False)


def to_json(data) -> bytes:
    return json.dumps(_json_value(data), ensure_ascii=False).encode("utf-8")


def render(root: str, data: Mapping | Sequence, fmt: str, *, status: int = 200) -> HttpResponse:
    body = to_xml(root, data) if fmt == "xml" else to_json(data)
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])


def render_errors(errors: Sequence[tuple[int | str, str]], fmt: str, *, status: int) -> HttpResponse:
    """The spec's error list: [{code, description}], the HTTP status being 400, 403 or 404."""
    data = [{"code": code, "description": str(description)} for code, description in errors]
    return render("errors", data, fmt if fmt in FORMATS else "xml", status=status)

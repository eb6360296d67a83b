"""Element names of Open311 GeoReport v2, written out from the spec (wiki.open311.org/GeoReport_v2
and /Service_Discovery), so the tests check the output against the spec and not against the code."""

DISCOVERY = ["changeset", "contact", "key_service", "endpoints"]
ENDPOINT = ["specification", "url", "changeset", "type", "formats"]

# GET Service List: <services><service>…
SERVICE = ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"]
SERVICE_TYPES = {"realtime", "batch", "blackbox"}

# GET Service Definition: <service_definition><service_code/><attributes><attribute>…<values><value>
SERVICE_DEFINITION = ["service_code", "attributes"]
ATTRIBUTE = ["variable", "code", "datatype", "required", "datatype_description", "order", "description", "values"]
ATTRIBUTE_VALUE = ["key", "name"]
DATATYPES = {"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"}

# POST Service Request: <service_requests><request> with service_request_id (no token: type realtime).
POST_RESPONSE = ["service_request_id", "service_notice", "account_id"]

# GET Service Requests and GET Service Request: <service_requests><request>…
REQUEST = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]
STATUSES = {"open", "closed"}

# Errors: <errors><error><code/><description/></error></errors>
ERROR = ["code", "description"]

# W3C datetime with a zone: Z or ±hh:mm.
W3C_DATETIME = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"

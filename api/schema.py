"""What the OpenAPI schema says about authentication and errors."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension

PROBLEM_STATUSES = {
    "400": "The request is malformed or a field is invalid.",
    "401": "No valid token (missing, unknown, revoked, or its account is deactivated).",
    "403": "The token's holder may not do this (the lifecycle refused, with the reason in `detail`).",
    "404": "Nothing here that you may see.",
    "405": "This method is not allowed here.",
    "406": "Only JSON is offered.",
    "409": "The article changed since the version you sent (`expected_version_id`, `base_version_id`).",
    "415": "Only application/json bodies are accepted.",
}

PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details.",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"pointer": {"type": "string"}, "detail": {"type": "string"}, "code": {"type": "string"}},
            },
        },
    },
    "required": ["type", "title", "status"],
}


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.auth.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token, made on the desk page 'API tokens'.",
        }


def add_problem_responses(result, generator, request, public):
    """Document problem+json for every error status an operation can answer."""
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            responses = operation.setdefault("responses", {})
            statuses = dict(PROBLEM_STATUSES)
            if method == "get":
                statuses.pop("409")
                statuses.pop("415")
            for status, description in statuses.items():
                responses.setdefault(
                    status,
                    {
                        "description": description,
                        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
                    },
                )
    return result

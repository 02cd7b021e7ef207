"""RFC 9457 problem details for every error under /api/."""

from http import HTTPStatus

from django.core.exceptions import ObjectDoesNotExist
from django.http import JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from articles.lifecycle import TransitionNotAllowed
from articles.services import StaleVersion

PROBLEM_TYPE = "application/problem+json"


def problem_body(request_path, status_code, title, detail=None, **extra):
    body = {"type": "about:blank", "title": title, "status": status_code, "instance": request_path}
    if detail:
        body["detail"] = str(detail)
    body.update(extra)
    return body


def _pointers(detail, prefix=""):
    """Flatten DRF's nested validation errors into JSON pointers."""
    if isinstance(detail, dict):
        for name, value in detail.items():
            yield from _pointers(value, f"{prefix}/{name}" if name != "non_field_errors" else prefix)
    elif isinstance(detail, list):
        for index, value in enumerate(detail):
            if isinstance(value, (dict, list)):
                yield from _pointers(value, f"{prefix}/{index}")
            else:
                yield from _pointers(value, prefix)
    else:
        yield {"pointer": prefix or "/", "detail": str(detail), "code": getattr(detail, "code", "invalid")}


def problem_exception_handler(exc, context):
    # A refusal with itemised problems (each citation problem) lists them beside its summary.
    problems = {"problems": list(exc.problems)} if getattr(exc, "problems", ()) else {}
    if isinstance(exc, StaleVersion):
        exc = exceptions.APIException(exc.message)
        exc.status_code = status.HTTP_409_CONFLICT
    elif isinstance(exc, TransitionNotAllowed):
        exc = exceptions.PermissionDenied(str(exc))
    elif isinstance(exc, ObjectDoesNotExist):
        exc = exceptions.NotFound("Nothing here with this id.")
    response = exception_handler(exc, context)
    if response is None:
        return None
    request = context["request"]
    status_code = response.status_code
    if isinstance(exc, exceptions.ValidationError):
        body = problem_body(
            request.path,
            status_code,
            "Validation failed",
            "Some fields are invalid.",
            errors=list(_pointers(exc.detail)),
        )
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else None
        body = problem_body(request.path, status_code, _title(status_code), detail, **problems)
    headers = {name: value for name, value in response.items() if name.lower() != "content-type"}
    return Response(body, status=status_code, headers=headers, content_type=PROBLEM_TYPE)


def _title(status_code):
    return HTTPStatus(status_code).phrase


def problem_response(request, status_code, title, detail=None):
    """A problem+json answer for a plain Django view (404 and 500 handlers)."""
    return JsonResponse(
        problem_body(request.path, status_code, title, detail), status=status_code, content_type=PROBLEM_TYPE
    )

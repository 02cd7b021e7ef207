"""Django's own 404 and 500 answers, as problem details under /api/ and as pages elsewhere."""

from django.views import defaults

from api.problem import problem_response


def _is_api(request):
    return request.path.startswith("/api/")


def page_not_found(request, exception):
    if _is_api(request):
        return problem_response(request, 404, "Not Found", "Nothing here.")
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _is_api(request):
        return problem_response(request, 500, "Internal Server Error")
    return defaults.server_error(request)

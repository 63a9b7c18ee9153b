"""One JSON error shape everywhere under /api/: {"code", "message", "field_errors"}.

`exception_handler` shapes what DRF views raise; `ApiErrorMiddleware` catches the rest (no
route, an exception outside DRF, Django's own HTML error pages) so that /api/ never answers
with an HTML page or a stack trace.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import Resolver404, resolve
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from alwaysevents.exceptions import DomainError
from alwaysevents.input_checks import printable

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"

DEFAULT_CODES = {
    400: "invalid",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "throttled",
    500: "server_error",
}
DEFAULT_MESSAGES = {
    400: "The request is not valid.",
    401: "Send a valid API token: Authorization: Bearer <token>.",
    403: "You do not have permission to do this.",
    404: "Not found.",
    405: "This method is not allowed here.",
    413: "The request is too large.",
    429: "Too many requests. Wait and try again.",
    500: "Something went wrong on our side. It has been logged; try again later.",
}


def error_body(
    status_code: int,
    message: str | None = None,
    *,
    code: str | None = None,
    field_errors: dict[str, list[str]] | None = None,
) -> dict[str, Any]:
    """The error shape. Messages may quote the request (a field's name, a bad choice), so
    they are cleaned: a lone surrogate sent in JSON would make the response unencodable."""
    return {
        "code": code or DEFAULT_CODES.get(status_code, "error"),
        "message": printable(message or DEFAULT_MESSAGES.get(status_code, "The request failed.")),
        "field_errors": {
            printable(name): [printable(m) for m in messages]
            for name, messages in (field_errors or {}).items()
        },
    }


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = DEFAULT_MESSAGES[413]
    default_code = "payload_too_large"


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested validation detail as {"field" or "rows.3.period": [messages]}."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = "non_field_errors" if key == "non_field_errors" and not prefix else str(key)
            out.update(_flatten(value, f"{prefix}.{name}" if prefix else name))
    elif (
        isinstance(detail, list) and detail and all(not isinstance(v, dict | list) for v in detail)
    ):
        out[prefix or "non_field_errors"] = [str(v) for v in detail]
    elif isinstance(detail, list):
        for index, value in enumerate(detail):
            if value:
                out.update(_flatten(value, f"{prefix}.{index}" if prefix else str(index)))
    else:
        out[prefix or "non_field_errors"] = [str(detail)]
    return out


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, then our shape. Domain errors are 400 naming the field."""
    if isinstance(exc, DomainError):
        field_errors = {exc.field: [exc.message]} if exc.field else {}
        return Response(error_body(400, exc.message, field_errors=field_errors), status=400)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a real server error: ApiErrorMiddleware answers (and it is logged)
    detail = getattr(exc, "detail", None)
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(detail)
        messages = fields.get("non_field_errors") or []
        message = messages[0] if messages and len(fields) == 1 else None
        response.data = error_body(
            400,
            message or "Some fields are not valid: see field_errors.",
            field_errors=fields,
        )
        return response
    code = getattr(detail, "code", None) if detail is not None else None
    if isinstance(exc, Http404 | exceptions.NotFound):
        code, message = "not_found", DEFAULT_MESSAGES[404]
    elif isinstance(exc, PermissionDenied):
        message = str(exc) or DEFAULT_MESSAGES[403]
    else:
        message = str(detail) if detail is not None else None
    wait = getattr(exc, "wait", None)
    if isinstance(exc, exceptions.Throttled) and wait is not None:
        message = f"Too many requests. Try again in {int(wait) + 1} seconds."
    response.data = error_body(response.status_code, message, code=str(code) if code else None)
    return response


class ApiErrorMiddleware:
    """Under /api/: turn any non-JSON error response, and any unhandled exception, into JSON."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith(API_PREFIX):
            urlconf = getattr(request, "urlconf", None)
            try:
                resolve(request.path_info, urlconf)
            except Resolver404:
                message = None
                if not request.path_info.endswith("/"):
                    try:
                        resolve(request.path_info + "/", urlconf)
                        message = f"Not found. Paths end with a slash: {request.path_info}/"
                    except Resolver404:
                        pass
                return JsonResponse(error_body(404, message), status=404)
        response = self.get_response(request)
        if not request.path_info.startswith(API_PREFIX) or response.status_code < 400:
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        replaced = JsonResponse(error_body(response.status_code), status=response.status_code)
        for header in ("Retry-After", "WWW-Authenticate", "Allow"):
            if header in response:
                replaced[header] = response[header]
        return replaced

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not request.path_info.startswith(API_PREFIX):
            return None
        if isinstance(exception, Http404):
            return JsonResponse(error_body(404), status=404)
        if isinstance(exception, PermissionDenied):
            return JsonResponse(error_body(403, str(exception) or None), status=403)
        logger.exception("API error on %s %s", request.method, request.path, exc_info=exception)
        return JsonResponse(error_body(500), status=500)


def json_error(status_code: int, message: str | None = None, **kwargs: Any) -> HttpResponse:
    return HttpResponse(
        json.dumps(error_body(status_code, message, **kwargs)),
        status=status_code,
        content_type="application/json",
    )

"""/api/docs/: the schema as a plain, accessible page (no script, nothing from a CDN)."""

from __future__ import annotations

import functools
import json
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.utils.decorators import method_decorator
from django.views.generic import TemplateView
from drf_spectacular.generators import SchemaGenerator

METHODS = ("get", "post", "put", "patch", "delete")


@functools.cache
def schema() -> dict[str, Any]:
    return SchemaGenerator().get_schema(request=None, public=True)


def _type(spec: dict[str, Any]) -> str:
    if "$ref" in spec:
        return spec["$ref"].rsplit("/", 1)[-1]
    if "allOf" in spec:
        return " and ".join(_type(s) for s in spec["allOf"])
    if "oneOf" in spec:
        return " or ".join(_type(s) for s in spec["oneOf"])
    kind = spec.get("type", "object")
    if kind == "array":
        return f"list of {_type(spec.get('items', {}))}"
    if "enum" in spec:
        return "one of: " + ", ".join(str(v) for v in spec["enum"] if v not in ("", None))
    fmt = spec.get("format")
    return f"{kind} ({fmt})" if fmt else str(kind)


def _ref(content: dict[str, Any] | None) -> str:
    if not content:
        return ""
    media: dict[str, Any] = content.get("application/json") or next(iter(content.values()), {})
    return _type(media.get("schema", {})) if media else ""


def _examples(content: dict[str, Any] | None) -> list[str]:
    media = (content or {}).get("application/json", {})
    return [
        json.dumps(example.get("value"), indent=2) for example in media.get("examples", {}).values()
    ]


def operations() -> list[dict[str, Any]]:
    out = []
    for path, item in schema()["paths"].items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            out.append(
                {
                    "anchor": op.get("operationId", f"{method}-{path}"),
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "parameters": [
                        {
                            "name": p["name"],
                            "where": p["in"],
                            "type": _type(p.get("schema", {})),
                            "required": p.get("required", False),
                            "description": p.get("description", ""),
                        }
                        for p in op.get("parameters", [])
                    ],
                    "request": _ref(op.get("requestBody", {}).get("content")),
                    "examples": _examples(op.get("requestBody", {}).get("content")),
                    "responses": [
                        (code, resp.get("description", ""), _ref(resp.get("content")))
                        for code, resp in op.get("responses", {}).items()
                    ],
                }
            )
    return out


def components() -> list[dict[str, Any]]:
    out = []
    for name, spec in sorted(schema().get("components", {}).get("schemas", {}).items()):
        required = set(spec.get("required", []))
        out.append(
            {
                "name": name,
                "description": spec.get("description", ""),
                "fields": [
                    {
                        "name": field,
                        "type": _type(sub),
                        "required": field in required,
                        "read_only": sub.get("readOnly", False),
                        "nullable": sub.get("nullable", False),
                        "description": sub.get("description", ""),
                    }
                    for field, sub in spec.get("properties", {}).items()
                ],
                "enum": spec.get("enum"),
            }
        )
    return out


@method_decorator(login_not_required, name="dispatch")
class ApiDocsView(TemplateView):
    """Public: it describes the API and shows no data."""

    template_name = "api/docs.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            operations=operations(),
            components=components(),
            info=schema()["info"],
            rate_limit=settings.API_RATE_LIMIT,
            max_rows=settings.API_BULK_MAX_ROWS,
            max_bytes=settings.API_MAX_BODY_BYTES,
        )
        return context

"""The OpenAPI 3.1 document of the API, generated from the route table and request models,
and a page that renders it without anything from the internet."""
from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import Any

from .models import query_parameters
from .routes import ROUTES, Route

_PARAM = re.compile(r"<(?:[a-z]+:)?([a-z_]+)>")

PROBLEM = {
    "type": "object",
    "description": "RFC 9457 problem details",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object", "required": ["field", "message"], "properties": {
            "field": {"type": "string"}, "message": {"type": "string"}}}},
    },
}

_ERRORS = {
    "400": "Malformed JSON", "401": "No or bad token", "403": "Role not allowed", "404": "Unknown id or path",
    "409": "Illegal state change", "413": "Body over 1 MiB", "414": "Request line over 8 KiB",
    "415": "Not application/json", "431": "A header over 8 KiB, or all headers over 64 KiB",
    "422": "Invalid fields", "429": "Rate limited (see Retry-After)", "503": "A service or the broker unavailable",
    "504": "A service did not answer in time",
}


def _operation(name: str, route: Route, schemas: dict[str, Any]) -> dict[str, Any]:
    path_params = _PARAM.findall(route.path)
    parameters = [{"name": p, "in": "path", "required": True, "schema": {"type": "string"}} for p in path_params]
    if route.query is not None:
        parameters += [{"name": q, "in": "query", "required": False, "schema": schema,
                        "description": schema.get("description", q)}
                       for q, schema in query_parameters(route.query).items()]
    parameters.append({"name": "X-Request-ID", "in": "header", "required": False, "schema": {"type": "string"},
                       "description": "correlation id; created when absent and returned on the response"})
    operation: dict[str, Any] = {
        "operationId": name, "summary": route.summary, "tags": [route.tag], "parameters": parameters,
        "responses": {str(route.status): {"description": "OK", "content": {
            route.content_type: {"schema": {"type": "object"} if route.content_type == "application/json"
                                 else {"type": "string"}}}}},
    }
    if route.roles:
        operation["security"] = [{"bearer": []}]
        operation["description"] = f"Roles: {', '.join(sorted(route.roles))} (an admin may call it too)."
    if route.body is not None:
        schema = route.body.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(schema.pop("$defs", {}))
        schemas[route.body.__name__] = schema
        operation["requestBody"] = {"required": True, "content": {"application/json": {
            "schema": {"$ref": f"#/components/schemas/{route.body.__name__}"}}}}
    # any route can meet any of them: a bad token is a 401 even where anyone may call
    for status in sorted(_ERRORS):
        operation["responses"][status] = {"description": _ERRORS[status], "content": {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
    return operation


def _links(created: Route) -> dict[str, Any]:
    """OpenAPI links from a create route to every route below the path it creates under, with
    the new id: clients (and schemathesis' stateful tests) can follow them."""
    links = {}
    for name, route in ROUTES.items():
        if route.path.startswith(created.path + "/<"):
            [param, *_] = _PARAM.findall(route.path[len(created.path):])
            links[name] = {"operationId": name, "parameters": {param: "$response.body#/id"}}
    return links


@cache
def document() -> dict[str, Any]:
    schemas: dict[str, Any] = {"Problem": PROBLEM}
    paths: dict[str, Any] = {}
    for name, route in ROUTES.items():
        path = _PARAM.sub(r"{\1}", route.path)
        operation = _operation(name, route, schemas)
        if route.method == "POST" and route.status == 201 and (links := _links(route)):
            operation["responses"]["201"]["links"] = links
        paths.setdefault(path, {})[route.method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": "WijkWijzer API", "version": "1",
                 "description": "The HTTP API of the WijkWijzer platform (shared/spec/api.md)."},
        "paths": paths,
        "components": {"schemas": schemas, "securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}},
    }


@cache
def asset(name: str) -> str:
    """A file of the docs page (static/): docs.html, and the script and stylesheet it loads
    from the gateway, so the page needs nothing from the internet and no inline code."""
    return resources.files(__package__).joinpath("static", name).read_text(encoding="utf-8")

"""The OpenAPI 3.1 document of the API, generated from the route table, the request models and
the answers' models, and a page that renders it without anything from the internet.

The services' answers are described by their own models (the contract belongs to the
producer); the gateway imports no service, so their JSON Schemas are generated into
responses/*.json (`python -m wijkwijzer.responses`, docs/development.md) and read from there.
"""
from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from typing import Any

from pydantic import BaseModel
from wijkwijzer import taxonomy
from wijkwijzer.responses import REF_TEMPLATE

from . import models
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


# what the gateway answers itself, or passes on from the shared taxonomy
OWN_ANSWERS = (models.Health, models.Readiness, taxonomy.Taxonomy)
OPENAPI_DOCUMENT = {"type": "object", "description": "an OpenAPI 3.1 document",
                    "required": ["openapi", "info", "paths"]}


def _add(schemas: dict[str, Any], name: str, schema: dict[str, Any]) -> None:
    """One schema under components/schemas; two different ones by the same name are a mistake."""
    if schemas.setdefault(name, schema) != schema:
        raise ValueError(f"two different schemas are called {name!r}")


def _add_model(schemas: dict[str, Any], model: type[BaseModel], mode: str = "validation") -> None:
    schema = model.model_json_schema(ref_template=REF_TEMPLATE, mode=mode)
    for name, nested in schema.pop("$defs", {}).items():
        _add(schemas, name, nested)
    _add(schemas, model.__name__, schema)


def answer_schemas() -> dict[str, Any]:
    """The schemas of every answer: the services' (from responses/) and the gateway's own."""
    schemas: dict[str, Any] = {}
    for file in sorted(resources.files(__package__).joinpath("responses").iterdir(), key=lambda f: f.name):
        if file.name.endswith(".json"):
            for name, schema in json.loads(file.read_text("utf-8")).items():
                _add(schemas, name, schema)
    for model in OWN_ANSWERS:
        _add_model(schemas, model, "serialization")
    return schemas


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _success(route: Route, schemas: dict[str, Any]) -> dict[str, Any]:
    if route.content_type != "application/json":   # the docs page and its files, iCalendar
        return {"type": "string"}
    if route.response is None:
        return OPENAPI_DOCUMENT
    if route.response not in schemas:
        raise KeyError(f"no schema {route.response!r} for {route.method} {route.path}: "
                       "regenerate responses/ (docs/development.md)")
    return _ref(route.response)


def _operation(name: str, route: Route, schemas: dict[str, Any]) -> dict[str, Any]:
    path_params = _PARAM.findall(route.path)
    parameters = [{"name": p, "in": "path", "required": True, "schema": {"type": "string"}} for p in path_params]
    if route.query is not None:
        parameters += [{"name": q, "in": "query", "required": False, "schema": schema,
                        "description": schema.get("description", q)}
                       for q, schema in query_parameters(route.query).items()]
    parameters.append({"name": "X-Request-ID", "in": "header", "required": False, "schema": {"type": "string"},
                       "description": "correlation id; created when absent and returned on the response"})
    content = {route.content_type: {"schema": _success(route, schemas)}}
    for other in route.also:   # by Accept: text in another format (CSV)
        content[other] = {"schema": {"type": "string"}}
    operation: dict[str, Any] = {
        "operationId": name, "summary": route.summary, "tags": [route.tag], "parameters": parameters,
        "responses": {str(route.status): {"description": "OK", "content": content}},
    }
    if route.public_read:   # caching.py: a strong ETag, and If-None-Match answered with 304
        operation["responses"]["304"] = {"description": "Not modified: the ETag in If-None-Match is current"}
    if route.roles:
        operation["security"] = [{"bearer": []}]
        operation["description"] = f"Roles: {', '.join(sorted(route.roles))} (an admin may call it too)."
    if route.body is not None:
        _add_model(schemas, route.body)
        operation["requestBody"] = {"required": True, "content": {"application/json": {
            "schema": _ref(route.body.__name__)}}}
    # any route can meet any of them: a bad token is a 401 even where anyone may call
    for status in sorted(_ERRORS):
        operation["responses"][status] = {"description": _ERRORS[status], "content": {
            "application/problem+json": {"schema": _ref("Problem")}}}
    if name == "readyz":   # not ready: the same report, naming what is not
        operation["responses"]["503"]["content"]["application/json"] = {"schema": _ref(route.response)}
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
    schemas: dict[str, Any] = {"Problem": PROBLEM, **answer_schemas()}
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

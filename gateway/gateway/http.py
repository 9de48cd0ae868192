"""nameko's HTTP entrypoint adapted to the API conventions of api.md.

- `X-Request-ID` is taken from the request (or created), put into nameko's
  context data as the correlation id, so every RPC and event downstream
  carries it, and returned on the response;
- every error, including unknown routes and wrong methods, is problem+json;
- a body over MAX_BODY_BYTES is refused from its Content-Length, before it is read;
- every response carries the security headers of security_headers.py, and the server's
  own refusals before the app (headers over 8 KiB: 431) are problems too (protocol.py);
- every answer is counted and timed by route name (routes.py; "unmatched" for a path no route
  has, "preflight" for CORS preflights) and status, in the gateway's metrics (wijkwijzer.metrics),
  so the label values stay as few as the routes.
"""
from __future__ import annotations

import json
import logging
import re
import socket
import time
import uuid
from functools import partial
from typing import Any, get_origin

from eventlet.event import Event
from nameko.web.handlers import HttpRequestHandler
from nameko.web.server import WebServer, WsgiApp
from pydantic import BaseModel, ValidationError
from werkzeug.exceptions import HTTPException
from werkzeug.routing import BaseConverter, Map
from werkzeug.wrappers import Request, Response
from wijkwijzer import metrics
from wijkwijzer.errors import EXPECTED
from wijkwijzer.extensions import sibling
from wijkwijzer.logs import CONTEXT_KEY, set_correlation_id

from . import proxies
from .auth import Authenticator, principal, unauthorised
from .caching import CachePolicy
from .limits import WriteLimiter
from .problems import Problem, from_exception, validation_problem
from .protocol import ApiProtocol
from .routes import ROUTES, allows
from .security_headers import harden

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024
MAX_DEPTH = 16  # no request body of ours nests deeper; deeper ones are abuse
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def request_id_of(request: Request) -> str:
    given = request.headers.get("X-Request-ID", "")
    return given if _REQUEST_ID.match(given) else uuid.uuid4().hex


class ApiWsgiApp(WsgiApp):
    def __init__(self, server):
        super().__init__(server)
        config = server.container.config
        origins = config.get("CORS_ALLOWED_ORIGINS") or ""
        self.allowed_origins = {o.strip().rstrip("/") for o in str(origins).split(",") if o.strip()}
        self.cache_policy = CachePolicy(int(config.get("CACHE_MAX_AGE_S", 30)), int(config.get("CACHE_STALE_S", 60)))
        self.trusted_proxies = proxies.networks(config.get("TRUSTED_PROXIES"))
        self.metrics = metrics.of(server.container)

    def __call__(self, environ, start_response):
        arrived = time.monotonic()
        environ["REMOTE_ADDR"] = proxies.client_address(environ.get("REMOTE_ADDR", ""),
                                                        environ.get("HTTP_X_FORWARDED_FOR"), self.trusted_proxies)
        request = Request(environ, shallow=True)
        origin = request.headers.get("Origin")
        if request.method == "OPTIONS" and request.headers.get("Access-Control-Request-Method"):
            response, request.route_name = self.preflight(origin), "preflight"
        else:
            response = self.dispatch(request)
        self.metrics.http_request(getattr(request, "route_name", "unmatched"), response.status_code,
                                  time.monotonic() - arrived)
        response = self.cache_policy.apply(request, getattr(request, "route", None), response)
        if origin in self.allowed_origins:
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Access-Control-Expose-Headers"] = "X-Request-ID, Location, Retry-After"
            response.vary.add("Origin")
        return harden(response)(environ, start_response)

    def dispatch(self, request: Request) -> Response:
        try:
            if (request.content_length or 0) > MAX_BODY_BYTES:
                raise Problem(413, "Payload too large", f"the body may be at most {MAX_BODY_BYTES} bytes")
            for name in request.args:
                check_keys({name: None}, "query")
            provider, values = self.url_map.bind_to_environ(request.environ).match()
            request.path_values = values
            return provider.handle_request(request)
        except (Problem, HTTPException) as exc:
            return from_exception(exc).response(request_id_of(request))

    def preflight(self, origin: str | None) -> Response:
        """CORS preflight: allowed only for the origins in CORS_ALLOWED_ORIGINS."""
        if origin not in self.allowed_origins:
            return Problem(403, "Forbidden", "this origin may not call the API from a browser").response()
        return Response(status=204, headers={
            "Access-Control-Allow-Methods": "GET, POST, PUT, PATCH, DELETE",
            "Access-Control-Allow-Headers": "Authorization, Content-Type, Idempotency-Key, X-Request-ID",
            "Access-Control-Max-Age": "600",
        })


class Segment(BaseConverter):
    """A path parameter is one segment without dots: ids and slugs have none, so
    `/activities/<id>.ics` and `/activities/<id>` never match the same path (and a 405's `Allow`
    names only the methods of the route the path is)."""

    regex = "[^/.]+"


class ApiServer(WebServer):
    def make_url_map(self) -> Map:
        url_map = Map(converters={"default": Segment})
        for provider in self._providers:
            rule = provider.get_url_rule()
            rule.endpoint = provider
            url_map.add(rule)
        return url_map

    def context_data_from_headers(self, request: Request) -> dict:
        return {CONTEXT_KEY: request_id_of(request)}

    def get_wsgi_app(self):
        return ApiWsgiApp(self)

    def get_wsgi_server(self, sock, wsgi_app, protocol=ApiProtocol, debug=False):
        # eventlet writes a response's headers and body separately; with Nagle's algorithm on, the
        # body then waits for the client's delayed ACK of the headers (40 ms) on every request of
        # a keep-alive connection. Connections accepted from this socket inherit the option.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        # the server's own refusals (headers too large, ...) are problems too
        return super().get_wsgi_server(sock, wsgi_app, protocol=protocol, debug=debug)


class ApiRoute(HttpRequestHandler):
    server = ApiServer()

    def __init__(self, name: str, **kwargs):
        self.route, self.route_name = ROUTES[name], name
        # client mistakes and service answers are expected: logged as warnings, not errors
        kwargs.setdefault("expected_exceptions", (Problem, *EXPECTED))
        super().__init__(self.route.method, self.route.path, **kwargs)

    def setup(self) -> None:
        super().setup()
        self.authenticator = sibling(self.container, Authenticator, "the API routes")
        self.write_limiter = sibling(self.container, WriteLimiter, "the API routes")

    def admit(self, request: Request) -> None:
        """Who calls (`request.caller`, None when anonymous), whether they have writes left,
        and whether the route table lets them in. The token is checked once for both."""
        try:
            request.caller, refused = principal(request.headers.get("Authorization"),
                                                self.authenticator.verifier), None
        except Problem as bad_token:
            request.caller, refused = None, bad_token
        self.write_limiter.check(request, request.caller)  # bad tokens count too, by address
        if refused is not None:
            raise refused
        if not allows(self.route, request.caller and request.caller.roles):
            if request.caller is None:
                raise unauthorised("this route needs a signed-in user")
            raise Problem(403, "Forbidden", f"this route needs the {' or '.join(sorted(self.route.roles))} role")

    def handle_request(self, request: Request) -> Response:
        request.shallow = False
        request.route = self.route   # for the caching headers (caching.py)
        request.route_name = self.route_name   # for the metrics
        context_data = self.server.context_data_from_headers(request)
        request_id = context_data[CONTEXT_KEY]
        set_correlation_id(request_id)  # this greenlet serves the request: its log lines carry the id
        try:
            self.admit(request)
            args, kwargs = self.get_entrypoint_parameters(request)
            self.check_signature(args, kwargs)
            event = Event()
            self.container.spawn_worker(self, args, kwargs, context_data=context_data,
                                        handle_result=partial(self.handle_result, event))
            response = self.response_from_result(event.wait())
        except Exception as exc:  # noqa: BLE001 (every failure becomes a problem response)
            response = from_exception(exc).response(request_id)
        response.headers["X-Request-ID"] = request_id
        log.info("%s %s %d", request.method, request.path, response.status_code)
        set_correlation_id(None)
        return response

    def response_from_result(self, result: Any) -> Response:
        if isinstance(result, Response):
            return result
        status, body = result if isinstance(result, tuple) else (200, result)
        if isinstance(body, str) and self.route.content_type.startswith("text/"):   # iCalendar, from a service
            return Response(body, status=status, content_type=f"{self.route.content_type}; charset=utf-8")
        return json_response(body, status)


route = ApiRoute.decorator


def json_response(body: Any, status: int = 200, headers: dict | None = None) -> Response:
    return Response(json.dumps(body, ensure_ascii=False, default=str), status=status,
                    headers=headers, content_type="application/json; charset=utf-8")


def json_body(request: Request, model: type[BaseModel], optional: bool = False) -> BaseModel:
    """The request body validated by `model`: 415, 400 or 422 when it is not acceptable.
    An `optional` body may be left out altogether (all its fields have defaults)."""
    if optional and request.content_length in (None, 0) and "chunked" not in \
            request.headers.get("Transfer-Encoding", "").lower():
        return model()
    if request.mimetype != "application/json":
        raise Problem(415, "Unsupported media type", "send the body as application/json")
    # read at most one byte past the limit: a chunked body has no Content-Length to refuse
    # early, and werkzeug's stream reads it as empty, so take the server's (dechunking) input
    stream = request.stream if request.content_length is not None else request.environ["wsgi.input"]
    raw = stream.read(MAX_BODY_BYTES + 1)
    if len(raw) > MAX_BODY_BYTES:
        raise Problem(413, "Payload too large", f"the body may be at most {MAX_BODY_BYTES} bytes")
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise Problem(400, "Malformed JSON", f"the body is not valid JSON: {exc}") from None
    except RecursionError:
        raise Problem(400, "Malformed JSON", "the body nests too deeply") from None
    check_keys(data)
    if not isinstance(data, dict):
        raise Problem(422, "Invalid fields", "the body must be a JSON object",
                      [{"field": "body", "message": "expected an object"}])
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise validation_problem(exc) from None


def check_keys(value: Any, path: str = "body", depth: int = 0) -> None:
    """Refuse MongoDB operators and dotted paths anywhere in client data, and deep nesting.

    Keys starting with `$` or containing `.` would be operators or paths to MongoDB
    if a service ever passed them on; they never reach a service.
    """
    if depth > MAX_DEPTH:
        raise Problem(422, "Invalid fields", f"nested deeper than {MAX_DEPTH} levels",
                      [{"field": path, "message": "nested too deeply"}])
    if isinstance(value, dict):
        for key, item in value.items():
            if key.startswith("$") or "." in key or "\x00" in key:
                raise Problem(422, "Invalid fields", "field names may not start with $ or contain . or NUL",
                              [{"field": f"{path}.{key}", "message": "not an allowed field name"}])
            check_keys(item, f"{path}.{key}", depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            check_keys(item, f"{path}[{index}]", depth + 1)


def query(request: Request, model: type[BaseModel]) -> BaseModel:
    """The query string validated by `model` (422 when it is not acceptable). A parameter the
    model takes as a list may be repeated; any other may appear once."""
    data: dict[str, Any] = {}
    for name in request.args:
        values = request.args.getlist(name)
        field = model.model_fields.get(name)
        repeatable = field is not None and get_origin(field.annotation) is list
        data[name] = values if repeatable or len(values) > 1 else values[0]
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise validation_problem(exc) from None

"""HTTP caching of the API's answers (RFC 9110 conditional requests, RFC 9111 caching).

- A public read (a route marked `public_read` in routes.py) asked without a token or cookie:
  a strong `ETag` (a hash of the body), `Cache-Control: public, max-age=…,
  stale-while-revalidate=…`, and 304 Not Modified when `If-None-Match` names the same body.
  The front door (nginx, deploy/nginx/) and browsers keep it that long; search results are
  a read model anyway, current within a second or so.
- Anything asked with a token or a cookie, anything personal, every write and every error:
  `Cache-Control: private, no-store`: no shared cache keeps it, and no browser either.
- `Vary: Authorization` on every answer, since the same URL answers differently per caller.
"""
from __future__ import annotations

from dataclasses import dataclass

from werkzeug.wrappers import Request, Response

from .routes import Route

PERSONAL = "private, no-store"


@dataclass(frozen=True)
class CachePolicy:
    max_age_s: int
    stale_s: int

    def apply(self, request: Request, route: Route | None, response: Response) -> Response:
        """`response` with its caching headers; a 304 in its place when the client has it already."""
        response.vary.add("Authorization")
        public = (route is not None and route.public_read and request.method in ("GET", "HEAD")
                  and response.status_code == 200 and "Authorization" not in request.headers
                  and "Cookie" not in request.headers)
        if not public:
            response.headers["Cache-Control"] = PERSONAL
            return response
        response.headers["Cache-Control"] = (f"public, max-age={self.max_age_s}, "
                                             f"stale-while-revalidate={self.stale_s}")
        response.add_etag()   # strong: a hash of exactly these bytes
        return response.make_conditional(request)

"""Headers that make browsers treat every answer of the API as data: nothing in it runs,
is sniffed into another type, is framed by another site, or leaks the address it came from.

Set on every response in one place: the WSGI app (http.ApiWsgiApp), after routing, so JSON,
problems, the docs page, the router's 404 and 405 and CORS preflights all get them; and on
the refusals the HTTP server sends before the app is reached (protocol.py).

- Content-Security-Policy: `default-src 'none'` for everything but HTML (a JSON or text
  answer opened in a browser can load and run nothing); the docs page loads its script and
  stylesheet from the gateway and fetches the OpenAPI document from it, with no inline code
  (static/docs.js, static/docs.css), and the unsubscribe page posts its one form back to the
  gateway (`form-action 'self'`). `frame-ancestors 'none'` on both.
- X-Frame-Options: DENY, for browsers that predate `frame-ancestors`.
- X-Content-Type-Options: nosniff.
- Referrer-Policy: no-referrer. Nothing the API serves links anywhere a Referer would help,
  and the URLs of its pages may carry ids and tokens (unsubscribe, registrations) that must
  not travel to another site; strict-origin-when-cross-origin would still send the origin.
"""
from __future__ import annotations

from werkzeug.wrappers import Response

API_POLICY = "default-src 'none'; frame-ancestors 'none'"
PAGE_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
               "img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
COMMON = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer"}


def for_type(mimetype: str | None) -> dict[str, str]:
    """The security headers of a response with this media type."""
    policy = PAGE_POLICY if mimetype == "text/html" else API_POLICY
    return {"Content-Security-Policy": policy, **COMMON}


def harden(response: Response) -> Response:
    """Set them, over whatever a route set: this is the one place that decides them."""
    for name, value in for_type(response.mimetype).items():
        response.headers[name] = value
    return response

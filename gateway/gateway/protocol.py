"""The HTTP server's own refusals as problem+json, like every other answer of the API.

eventlet's wsgi server refuses some requests before the WSGI app sees them, with an empty
body: a header line of `MAX_HEADER_LINE` (8 KiB) or more and a header section over
`MAX_TOTAL_HEADER_SIZE` (64 KiB) as "400 Header Line Too Long" / "Headers Too Large", a
request line over the server's `url_length_limit` (8 KiB) as 414, and a Content-Length that
is not a number or comes with Transfer-Encoding as 400; http.server below it answers a
malformed request line, an HTTP version it does not speak and over 100 headers with an HTML
page. ApiProtocol answers each with a problem (431 for the headers, per RFC 6585) carrying
the security headers, and closes the connection, as eventlet does.
"""
from __future__ import annotations

import logging
import re
from http import HTTPStatus

from eventlet import wsgi
from nameko.web.server import HttpOnlyProtocol

from .problems import Problem
from .security_headers import harden

log = logging.getLogger(__name__)

TITLES = {400: "Bad request", 414: "URI too long", 431: "Request header fields too large",
          505: "HTTP version not supported"}
HEADERS_TOO_LARGE = (f"a header may be at most {wsgi.MAX_HEADER_LINE // 1024} KiB (name and value), "
                     f"all headers together {wsgi.MAX_TOTAL_HEADER_SIZE // 1024} KiB")
DRAIN_BYTES = 1024 * 1024   # read at most this much of the refused headers before closing
_LENGTH = re.compile(r"[0-9]+")


class ApiProtocol(HttpOnlyProtocol):
    def _read_request_line(self):
        # eventlet's method, wrapped: it answers a line at its limit with a bare 414 itself
        line = super()._read_request_line()
        if len(line) >= self.server.url_length_limit:
            self.refuse(Problem(414, TITLES[414], f"the request line (method, path and query) may be at most "
                                                  f"{self.server.url_length_limit // 1024} KiB"))
            return ""   # eventlet then closes the connection
        return line

    def parse_request(self) -> bool:
        try:
            if not super().parse_request():
                return False
        except (wsgi.HeaderLineTooLong, wsgi.HeadersTooLarge):
            self.refuse(Problem(431, TITLES[431], HEADERS_TOO_LARGE))
            return False
        length, coding = self.headers.get("Content-Length"), self.headers.get("Transfer-Encoding")
        if length is not None and not _LENGTH.fullmatch(length.strip()):
            self.refuse(Problem(400, TITLES[400], "Content-Length must be a number of bytes"), drain=False)
            return False
        if length is not None and coding is not None:
            self.refuse(Problem(400, TITLES[400], "send Content-Length or Transfer-Encoding, not both"),
                        drain=False)
            return False
        return True

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """http.server's refusals while it parses the request line and headers."""
        if code == HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE:   # over 100 headers
            problem = Problem(431, TITLES[431], "a request may have at most 100 headers")
        else:
            phrase = HTTPStatus(code).phrase
            problem = Problem(code, TITLES.get(code, phrase), message or phrase)
        self.refuse(problem)

    def refuse(self, problem: Problem, drain: bool = True) -> None:
        """Send `problem` and close the connection. With `drain`, read what is left of the
        headers (the request stopped in them) before it closes: closing with unread bytes
        makes the close a reset, which may lose the answer on its way."""
        log.info("refused before routing: %d %s", problem.status, problem.detail)
        response = harden(problem.response())
        status = HTTPStatus(response.status_code)
        head = [f"HTTP/1.1 {status.value} {status.phrase}", *(f"{k}: {v}" for k, v in response.headers.items()),
                "Connection: close"]
        body = b"" if getattr(self, "command", None) == "HEAD" else response.get_data()
        self.wfile.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)
        self.wfile.flush()
        self.close_connection = True
        if not drain:
            return
        source = getattr(self.rfile, "fp", self.rfile)   # past eventlet's header-size check
        left = DRAIN_BYTES
        while left > 0:
            line = source.readline(min(left, 65536))
            if line in (b"", b"\r\n", b"\n"):
                return
            left -= len(line)

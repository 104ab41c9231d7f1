"""The web app's door: an access token where it listens beyond this machine, CSRF tokens, strict headers.

- **Token.** Listening on a non-loopback address needs one; then every request
  must carry it: ``?token=`` once (it is set as an HttpOnly, SameSite=Strict
  cookie and the address bar is cleaned), the cookie, or ``Authorization:
  Bearer``. Compared in constant time.
- **CSRF.** Every POST (what changes state: ingest, upload, starting a check)
  must send the form field ``csrf`` equal to the ``factdesk_csrf`` cookie the
  pages set (double submit; the cookie is SameSite=Strict).
- **Headers.** A Content-Security-Policy that allows scripts and styles only
  from the app's own static files (no inline script, so nothing in an article
  can run), no framing, no referrer, no MIME sniffing.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from collections.abc import Awaitable, Callable
from urllib.parse import parse_qsl, urlencode

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

TOKEN_COOKIE = "factdesk_token"
CSRF_COOKIE = "factdesk_csrf"
POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
          "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
HEADERS = {
    "Content-Security-Policy": POLICY, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY", "Cache-Control": "no-store",
}


def loopback(host: str) -> bool:
    """Whether ``host`` is reachable only from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def new_token() -> str:
    return secrets.token_urlsafe(24)


def _same(given: str | None, expected: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


def csrf_token(request: Request) -> str:
    """The page's CSRF token: the cookie's, or a new one the response will set."""
    token = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "new_csrf", None)
    if token is None:
        token = request.state.new_csrf = secrets.token_urlsafe(24)
    return str(token)


async def check_csrf(request: Request) -> bool:
    form = await request.form()
    return _same(str(form.get("csrf", "")), request.cookies.get(CSRF_COOKIE, "\0"))


def guard(token: str | None) -> Callable[[Request, Callable[[Request], Awaitable[Response]]], Awaitable[Response]]:
    """The middleware: the token where one is set, then the headers (and a new CSRF cookie) on every answer."""

    async def middleware(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        if token is not None and not request.url.path.startswith("/static/"):
            given = request.query_params.get("token")
            if _same(given, token):
                query = urlencode([(k, v) for k, v in parse_qsl(request.url.query) if k != "token"])
                response: Response = RedirectResponse(request.url.path + (f"?{query}" if query else ""), 303)
                response.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="strict")
                return _headed(response)
            header = request.headers.get("authorization", "")
            bearer = header[7:] if header.lower().startswith("bearer ") else None
            if not (_same(request.cookies.get(TOKEN_COOKIE), token) or _same(bearer, token)):
                return _headed(PlainTextResponse("This desk needs its access token: open the link factdesk serve "
                                                 "printed, or send Authorization: Bearer TOKEN.", 401))
        response = await call_next(request)
        new = getattr(request.state, "new_csrf", None)
        if new is not None:
            response.set_cookie(CSRF_COOKIE, new, httponly=True, samesite="strict")
        return _headed(response)

    return middleware


def _headed(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response

"""A shared Chroma server that may be down, restart or fail: one plain error, and bounded retries.

Every call factdesk makes to the server is idempotent: upserts of content-derived
ids, an update of a completion flag, deletes by article, reads. So a call that
meets a refused or reset connection, a timeout, a dropped response or an HTTP
5xx is tried again a few times with a short back-off (a server restarting
comes back), and then ends the command with :class:`StoreUnavailableError`
(its own exit code) naming the URL and what to do, never an internal error.

chromadb's HTTP client waits forever by default; its session gets timeouts here.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

import httpx

from ..errors import StoreUnavailableError

T = TypeVar("T")
#: Tries of one call before giving up, and the first wait between them (doubled each time): 0.5 + 1 + 2 s.
ATTEMPTS = 4
FIRST_WAIT = 0.5
CONNECT_TIMEOUT = 5.0
#: A large upsert or a query on a busy server may take a while; a hung one must not hold a command forever.
READ_TIMEOUT = 120.0


class ServerFault(Exception):
    """An HTTP 5xx from the server (or a proxy in front of it)."""

    def __init__(self, status: int) -> None:
        super().__init__(f"HTTP {status}")


def _raise_on_5xx(response: httpx.Response) -> None:
    if response.status_code >= 500:
        raise ServerFault(response.status_code)


def harden(client: Any) -> None:
    """Give the client's HTTP session timeouts and turn its 5xx answers into :class:`ServerFault`."""
    session = getattr(getattr(client, "_server", None), "_session", None)
    if isinstance(session, httpx.Client):
        session.timeout = httpx.Timeout(READ_TIMEOUT, connect=CONNECT_TIMEOUT)
        session.event_hooks["response"] = [*session.event_hooks["response"], _raise_on_5xx]


def reason(exc: BaseException) -> str | None:
    """Why the server is unavailable, in a few words, or None when ``exc`` is some other failure."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ServerFault):
            return f"it answered {current}"
        if isinstance(current, httpx.TimeoutException):
            return "it did not answer in time"
        if isinstance(current, httpx.ConnectError | ConnectionRefusedError):
            return "connection refused"
        if isinstance(current, httpx.RemoteProtocolError | httpx.ReadError | httpx.WriteError | ConnectionError):
            return "the connection was lost"
        if isinstance(current, httpx.TransportError):
            return type(current).__name__
        if "could not connect to a chroma server" in str(current).lower():
            return "connection refused"
        current = current.__cause__ or current.__context__
    return None


def call(url: str, work: Callable[[], T], sleep: Callable[[float], None] = time.sleep) -> T:
    """``work()``, tried again while the server is unavailable, then :class:`StoreUnavailableError`."""
    for attempt in range(ATTEMPTS):
        try:
            return work()
        except Exception as exc:
            why = reason(exc)
            if why is None:
                raise
            if attempt == ATTEMPTS - 1:
                raise StoreUnavailableError(url, why) from None
            sleep(FIRST_WAIT * 2**attempt)
    raise AssertionError("unreachable")


class Guarded:
    """A Chroma collection whose every method call goes through :func:`call`."""

    def __init__(self, inner: Any, url: str) -> None:
        self._inner = inner
        self._url = url

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._inner, name)
        if not callable(attribute):
            return attribute

        def guarded(*args: Any, **kwargs: Any) -> Any:
            return call(self._url, lambda: attribute(*args, **kwargs))

        return guarded

"""Bounded retries of transient endpoint failures: timeouts, refused connections, 429 and 5xx.

A 429 or 503 with Retry-After waits what the server asks, capped; otherwise
exponential backoff with jitter. The total wait of one request never exceeds
``max_wait`` seconds, so a dead endpoint fails in a time the user can know.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable

import httpx
from tenacity import RetryCallState, Retrying, retry_if_exception_type, retry_if_result
from tenacity.wait import wait_random_exponential

RETRY_STATUS = {408, 409, 429, 500, 502, 503, 504}
TRANSIENT = (httpx.TimeoutException, httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError)


def retry_after(response: httpx.Response) -> float | None:
    """Seconds from a Retry-After header (delta or HTTP date), or None."""
    value = response.headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value) if value else None
        return max(0.0, parsed.timestamp() - time.time()) if parsed else None


class RetryTransport(httpx.BaseTransport):
    def __init__(
        self,
        inner: httpx.BaseTransport,
        retries: int,
        max_wait: float,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self.inner = inner
        self.retries = retries
        self.max_wait = max_wait
        self.sleep = sleep or time.sleep
        self.waited = 0.0
        self.exhausted = False
        self._backoff = wait_random_exponential(multiplier=1, max=20)

    def _wait(self, state: RetryCallState) -> float:
        outcome = state.outcome
        asked = None
        if outcome is not None and not outcome.failed:
            asked = retry_after(outcome.result())
        delay = asked if asked is not None else self._backoff(state)
        if self.waited >= self.max_wait:
            self.exhausted = True
        delay = min(delay, max(0.0, self.max_wait - self.waited))
        self.waited += delay
        return delay

    def _stop(self, state: RetryCallState) -> bool:
        return state.attempt_number > self.retries or self.exhausted

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.waited = 0.0
        self.exhausted = False
        streamed = b'"stream":true' in request.read().replace(b" ", b"")

        def attempt() -> httpx.Response:
            response = self.inner.handle_request(request)
            if streamed and response.is_success:
                # A stream is shown as it arrives, so only its start can be retried: a break later is an error.
                return response
            # Read the (small, JSON) body here, so a connection that breaks mid-body is retried too.
            response.read()
            return response

        retrying = Retrying(
            stop=self._stop,
            wait=self._wait,
            retry=retry_if_exception_type(TRANSIENT)
            | retry_if_result(lambda r: r.status_code in RETRY_STATUS),
            sleep=self.sleep,
            retry_error_callback=lambda state: state.outcome.result() if state.outcome else None,
            reraise=True,
        )
        result: httpx.Response = retrying(attempt)
        return result

    def close(self) -> None:
        self.inner.close()

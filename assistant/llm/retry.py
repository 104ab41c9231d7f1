"""Bounded retries of transient endpoint failures: timeouts, refused connections, 429 and 5xx.

A 429 or 503 with Retry-After waits what the server asks, capped; otherwise
exponential backoff with jitter. The total wait of one request never exceeds
``max_wait`` seconds, so a dead endpoint fails in a time the user can know.
"""

from __future__ import annotations

import email.utils
import threading
import time
from collections.abc import Callable

import httpx
from tenacity import RetryCallState, Retrying, retry_if_exception_type, retry_if_result
from tenacity.wait import wait_random_exponential

from .dialects import response_refuses_format

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


class _Budget:
    """One request's waiting so far: the cap is per request, whatever other threads do."""

    def __init__(self) -> None:
        self.waited = 0.0
        self.exhausted = False


class RetryTransport(httpx.BaseTransport):
    """Retries transient failures of the inner transport; safe to share between threads.

    A Retry-After from the server holds back every thread's next new request
    too, so a pool of concurrent claims slows down together instead of each
    thread spending its retries on the same rate limit.
    """

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
        self._backoff = wait_random_exponential(multiplier=1, max=20)
        self._lock = threading.Lock()
        self._resume_at = 0.0  # time.monotonic() before which no new request is sent

    def _wait(self, budget: _Budget, state: RetryCallState) -> float:
        outcome = state.outcome
        asked = None
        if outcome is not None and not outcome.failed:
            asked = retry_after(outcome.result())
        delay = asked if asked is not None else self._backoff(state)
        if budget.waited >= self.max_wait:
            budget.exhausted = True
        delay = min(delay, max(0.0, self.max_wait - budget.waited))
        budget.waited += delay
        if asked is not None:
            with self._lock:
                self._resume_at = max(self._resume_at, time.monotonic() + delay)
        return delay

    def _hold(self, budget: _Budget) -> None:
        """Before a request's first attempt: wait out a Retry-After another thread was given (within the cap)."""
        with self._lock:
            pause = self._resume_at - time.monotonic()
        pause = min(pause, self.max_wait - budget.waited)
        if pause > 0:
            budget.waited += pause
            self.sleep(pause)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        budget = _Budget()
        streamed = b'"stream":true' in request.read().replace(b" ", b"")
        self._hold(budget)

        def attempt() -> httpx.Response:
            response = self.inner.handle_request(request)
            if streamed and response.is_success:
                # A stream is shown as it arrives, so only its start can be retried: a break later is an error.
                return response
            # Read the (small, JSON) body here, so a connection that breaks mid-body is retried too.
            response.read()
            return response

        retrying = Retrying(
            stop=lambda state: state.attempt_number > self.retries or budget.exhausted,
            wait=lambda state: self._wait(budget, state),
            retry=retry_if_exception_type(TRANSIENT)
            # A 500 that says the structured-output dialect is not supported will say so again: not retried.
            | retry_if_result(lambda r: r.status_code in RETRY_STATUS and not response_refuses_format(r)),
            sleep=self.sleep,
            retry_error_callback=lambda state: state.outcome.result() if state.outcome else None,
            reraise=True,
        )
        result: httpx.Response = retrying(attempt)
        return result

    def close(self) -> None:
        self.inner.close()

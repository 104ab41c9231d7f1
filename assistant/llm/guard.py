"""The switch that refuses real model requests (the tests set it; their child processes inherit it).

With ``FACTDESK_ALLOW_MODEL_REQUESTS=0`` the embedded model is never loaded
and no endpoint but loopback is called. Replay and injected fakes still work.
"""

from __future__ import annotations

import os

import httpx

from ..errors import ConfigError
from ..settings import Settings

ALLOW_MODEL_REQUESTS = "FACTDESK_ALLOW_MODEL_REQUESTS"
LOOPBACK = ("127.0.0.1", "::1", "localhost")


def model_requests_allowed() -> bool:
    return os.environ.get(ALLOW_MODEL_REQUESTS, "1") != "0"


def refuse_embedded() -> None:
    """A ConfigError when requests are blocked: the embedded model must not be loaded."""
    if not model_requests_allowed():
        raise ConfigError(f"model requests are blocked ({ALLOW_MODEL_REQUESTS}=0): the embedded model is not loaded")


def refuse_model_requests(settings: Settings) -> None:
    """A ConfigError when model requests are blocked and these settings would reach a real model."""
    if model_requests_allowed():
        return
    if settings.embedded:
        refuse_embedded()
    host = httpx.URL(settings.base_url or "").host
    if host not in LOOPBACK:
        raise ConfigError(f"model requests are blocked ({ALLOW_MODEL_REQUESTS}=0): {host or 'the endpoint'} "
                          "is not called")

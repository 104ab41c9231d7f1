"""The LLM seam: every model call goes through :class:`LLM`, whose HTTP transport can record and replay."""

from .client import LLM
from .usage import Usage

__all__ = ["LLM", "Usage"]

"""Counting what model calls cost: calls, tokens, seconds."""

from __future__ import annotations

from pydantic import BaseModel


class Usage(BaseModel):
    """Totals for one command; in replay ``seconds`` is the recorded model time."""

    calls: int = 0
    replayed: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0

    def add(self, body: dict[str, object], seconds: float, replayed: bool) -> None:
        usage = body.get("usage")
        self.calls += 1
        self.replayed += int(replayed)
        self.seconds += seconds
        if isinstance(usage, dict):
            self.prompt_tokens += int(usage.get("prompt_tokens") or 0)
            self.completion_tokens += int(usage.get("completion_tokens") or 0)

    def since(self, before: Usage) -> Usage:
        """The part of this total spent after ``before`` was copied."""
        return Usage(
            calls=self.calls - before.calls,
            replayed=self.replayed - before.replayed,
            prompt_tokens=self.prompt_tokens - before.prompt_tokens,
            completion_tokens=self.completion_tokens - before.completion_tokens,
            seconds=round(self.seconds - before.seconds, 3),
        )

"""Counting what model calls cost: calls, tokens, seconds."""

from __future__ import annotations

from pydantic import BaseModel


class Usage(BaseModel):
    """Totals for one command; in replay ``seconds`` is the recorded model time.

    A call answered from the cache (live mode, an identical request answered
    before) counts in ``calls`` and ``cached`` but adds no tokens or seconds:
    nothing was spent on it.

    ``prompt_tokens`` counts whole prompts; ``cached_prompt_tokens`` is the part
    the endpoint did not evaluate again because it reused a cached prefix
    (OpenAI's ``prompt_tokens_details.cached_tokens``; the embedded model
    reports llama.cpp's reuse the same way), so the evaluated prompt tokens
    are the difference.
    """

    calls: int = 0
    replayed: int = 0
    cached: int = 0
    prompt_tokens: int = 0
    cached_prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0

    @property
    def evaluated_prompt_tokens(self) -> int:
        return self.prompt_tokens - self.cached_prompt_tokens

    def add(self, body: dict[str, object], seconds: float, replayed: bool, cached: bool = False) -> None:
        usage = body.get("usage")
        self.calls += 1
        self.replayed += int(replayed)
        self.cached += int(cached)
        if cached:
            return
        self.seconds += seconds
        if isinstance(usage, dict):
            self.prompt_tokens += int(usage.get("prompt_tokens") or 0)
            details = usage.get("prompt_tokens_details")
            if isinstance(details, dict):
                self.cached_prompt_tokens += int(details.get("cached_tokens") or 0)
            self.completion_tokens += int(usage.get("completion_tokens") or 0)

    def since(self, before: Usage) -> Usage:
        """The part of this total spent after ``before`` was copied."""
        return Usage(
            calls=self.calls - before.calls,
            replayed=self.replayed - before.replayed,
            cached=self.cached - before.cached,
            prompt_tokens=self.prompt_tokens - before.prompt_tokens,
            cached_prompt_tokens=self.cached_prompt_tokens - before.cached_prompt_tokens,
            completion_tokens=self.completion_tokens - before.completion_tokens,
            seconds=round(self.seconds - before.seconds, 3),
        )

    def plus(self, other: Usage) -> Usage:
        """The sum of two totals."""
        return Usage(
            calls=self.calls + other.calls,
            replayed=self.replayed + other.replayed,
            cached=self.cached + other.cached,
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            cached_prompt_tokens=self.cached_prompt_tokens + other.cached_prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
            seconds=round(self.seconds + other.seconds, 3),
        )

"""Typed settings: one object, read from ``FACTDESK_*`` environment variables.

Every field's description is its documentation; README's settings table is
checked against this list by a test, so the two cannot drift.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

EMBEDDED_MODEL = "qwen2.5-coder-1.5b-instruct-q4_k_m"

RecordMode = Literal["live", "record", "replay"]
StructuredMode = Literal["auto", "json_schema", "json_object", "tools", "json"]
JudgeName = Literal["classifier", "llm"]
JudgeScoring = Literal["auto", "logprobs", "stated"]
Explain = Literal["auto", "on", "off"]


def _default_threads() -> int:
    # Measured on 2 cores: a verify took 64 s with 2 threads and 113 s with 1.
    # factdesk never embeds while the LLM runs, so all cores go to the LLM; on a
    # machine busy with other work, FACTDESK_THREADS=1 avoids llama.cpp's slowdown.
    return max(1, os.cpu_count() or 1)


class Settings(BaseSettings):
    """All of factdesk's settings; environment variables use the FACTDESK_ prefix."""

    model_config = SettingsConfigDict(env_prefix="FACTDESK_", extra="ignore", populate_by_name=True)

    home: Path = Field(
        default_factory=lambda: Path(platformdirs.user_data_dir("factdesk")),
        description="Data directory: the article store, the vector index, the model cache and logs.",
    )
    base_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("FACTDESK_BASE_URL", "OPENAI_BASE_URL"),
        description="OpenAI-compatible endpoint (OpenAI, Ollama, vLLM, llama.cpp server). Unset: the embedded model.",
    )
    api_key: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("FACTDESK_API_KEY", "OPENAI_API_KEY"),
        description="API key for the endpoint; never logged or recorded.",
    )
    model: str = Field(
        default=EMBEDDED_MODEL,
        description="Model name sent to the endpoint; the embedded model accepts only its own name.",
    )
    structured_mode: StructuredMode = Field(
        default="auto",
        description="How structured output is requested: auto (found per endpoint and remembered), json_schema, "
        "json_object (llama.cpp's, with the schema), tools or json (the schema in the prompt).",
    )
    temperature: float = Field(default=0.0, ge=0.0, le=2.0, description="Sampling temperature.")
    timeout: float = Field(default=300.0, gt=0, description="Seconds before one LLM request times out.")
    max_retries: int = Field(
        default=3, ge=0, le=10, description="Retries of one request on timeouts, 429 and 5xx answers."
    )
    max_retry_wait: float = Field(
        default=60.0, ge=0, description="Upper bound in seconds on all retry waits of one request together."
    )
    max_reasks: int = Field(
        default=2, ge=0, le=5, description="Re-asks when the model's output fails validation."
    )
    threads: int = Field(
        default_factory=_default_threads, ge=1, description="CPU threads for the embedded LLM."
    )
    gguf: Path | None = Field(
        default=None,
        description="A local GGUF file to run in-process instead of the bundled model (no checksum; your file).",
    )
    context: int = Field(default=4096, ge=512, description="Context window of the embedded LLM, in tokens.")
    embed_threads: int = Field(default=1, ge=1, description="CPU threads for the embedding model.")
    classifier_threads: int = Field(
        default_factory=_default_threads, ge=1,
        description="CPU threads for the stance classifier (a verify's 70 windows: 0.80 s with 1, 0.55 s with 2).",
    )
    record_mode: RecordMode = Field(
        default="live",
        description="LLM seam mode: live, record (live and save) or replay (saved responses only, never the network).",
    )
    recordings: Path | None = Field(
        default=None, description="Folder of recorded LLM responses. Default: HOME/recordings."
    )
    chunk_chars: int = Field(default=600, ge=100, description="Target size of a chunk, in characters.")
    max_file_mb: int = Field(
        default=20, ge=1, description="Largest input file read, in MB; a larger one is refused before it is read."
    )
    judge: JudgeName = Field(
        default="classifier",
        description="Who judges each source's stance: classifier (the bundled trained model, no LLM call) or llm.",
    )
    details: bool = Field(
        default=True,
        description="The classifier's stances are weighed against the details reader's comparison of claim and "
        "source (numbers, dates, names, negation, plans against events, direction, roles); off only to measure what "
        "it adds.",
    )
    judge_scoring: JudgeScoring = Field(
        default="auto",
        description="How the LLM judge is scored: logprobs (the probability of its one-letter answer, cited by "
        "sentence number), stated (the stance and confidence it writes), or auto (logprobs where the endpoint "
        "returns them; the embedded model does not).",
    )
    explain: Explain = Field(
        default="auto",
        description="After a verdict, the LLM explains it in a few sentences from the cited ones (one streamed call, "
        "counted apart from the verdict's): on, off, or auto (on when `verify` or the chat prints to a terminal "
        "and an endpoint is set with FACTDESK_BASE_URL; off for the embedded model, whose explanations are weak). "
        "Never for --format claimreview or --file.",
    )
    sources: int = Field(
        default=4, ge=1, le=12, description="How many distinct articles a verification reads evidence from."
    )
    sentences: int = Field(
        default=3, ge=1, le=8, description="Evidence sentences taken from each article for a judgement."
    )
    review_author: str = Field(
        default="factdesk", description="The organisation named as author of ClaimReview output (--format claimreview)."
    )
    review_url: str | None = Field(
        default=None,
        description="Where the reviews will be published: ClaimReview url = this + #claim-N. Unset: a urn.",
    )
    chroma_url: str | None = Field(
        default=None,
        description="A Chroma server (chroma run) holding the shared store: chunks and article texts. Unset: local.",
    )
    cache: bool = Field(
        default=True,
        description="In live mode, answer a request already answered (same model, prompt, evidence) from HOME/cache.",
    )
    serve_token: SecretStr | None = Field(
        default=None,
        description="The access token `factdesk serve` requires of every request (at least 16 characters); needed "
        "to listen beyond this machine. `--token` overrides it.",
    )
    concurrency: int = Field(
        default=4, ge=1, le=64,
        description="Claims verified at once by check and verify --file (the embedded model still runs one at a time).",
    )

    @property
    def recordings_dir(self) -> Path:
        return self.recordings or self.home / "recordings"

    @property
    def cache_dir(self) -> Path:
        return self.home / "cache"

    @property
    def embedded(self) -> bool:
        return self.base_url is None

    def explains(self, for_a_person: bool) -> bool:
        """Whether a verdict shown is followed by the LLM's explanation (``explain``; ``auto`` asks for a person at a
        terminal and an endpoint that writes explanations worth reading, not the embedded 1.5B)."""
        return self.explain == "on" or (self.explain == "auto" and for_a_person and not self.embedded)


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment, with explicit overrides (CLI flags) on top."""
    return Settings(**{k: v for k, v in overrides.items() if v is not None})  # type: ignore[arg-type]

"""The exceptions factdesk raises on purpose, and the exit code each maps to.

Every one carries a message written for the person at the terminal; the CLI
prints it on one line and exits with ``exit_code``. Anything else escaping is
a bug and is shown as one line too (full traceback with ``--debug``).

    FactdeskError                 exit 1
    ├── UserInputError            exit 2  a path, file, claim or option the user gave is unusable
    │   └── LoadError             exit 2  one input file could not be read as an article
    ├── ConfigError               exit 3  settings or installation are wrong (e.g. model package missing)
    ├── ModelError                exit 4  the LLM endpoint failed or kept returning invalid output
    │   ├── InvalidOutputError    exit 4  the answer stayed invalid or cut off after bounded re-asks
    │   ├── RecordingMissingError exit 5  replay mode found no recording for a request
    │   └── RecordingMissingCasesError exit 5  eval cases whose recordings are missing or stale
    └── StoreError                exit 6  the data directory cannot be opened, is locked or corrupt
        └── StoreUnavailableError exit 7  the shared Chroma server is down, went away or keeps failing
"""

from __future__ import annotations


class FactdeskError(Exception):
    """Base class: a failure with a message meant for the user."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UserInputError(FactdeskError):
    exit_code = 2


class LoadError(UserInputError):
    """One file or record could not become an article; ingest of a folder skips it."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class ConfigError(FactdeskError):
    exit_code = 3


class ModelError(FactdeskError):
    exit_code = 4


class InvalidOutputError(ModelError):
    """The endpoint answered, but not usably; one source's judgement can be skipped on this."""


class RecordingMissingError(ModelError):
    exit_code = 5

    def __init__(self, request_hash: str, recordings_dir: str) -> None:
        super().__init__(
            f"no recorded response for request {request_hash} in {recordings_dir}; "
            "re-record with FACTDESK_RECORD_MODE=record (this calls the model live)"
        )
        self.request_hash = request_hash


class RecordingMissingCasesError(ModelError):
    exit_code = 5

    def __init__(self, cases: list[str]) -> None:
        super().__init__(
            f"{len(cases)} case(s) have no recorded answers ({', '.join(cases[:5])}"
            f"{', ...' if len(cases) > 5 else ''}): a prompt, schema or case changed; "
            "re-record with factdesk eval --record (calls the model)"
        )
        self.cases = cases


class StoreError(FactdeskError):
    exit_code = 6


class StoreUnavailableError(StoreError):
    """The shared store's server cannot be reached or keeps failing: nothing is wrong with the data itself."""

    exit_code = 7

    def __init__(self, url: str, reason: str) -> None:
        port = url.rsplit(":", 1)[-1].strip("/") if url.count(":") > 1 else "8000"
        super().__init__(
            f"the Chroma server {url} cannot be reached ({reason}): start it (chroma run --path DIR --port "
            f"{port}) or check FACTDESK_CHROMA_URL, then run the command again"
        )
        self.url = url

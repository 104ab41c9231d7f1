"""Checks run as jobs: one at a time (one embedded model), queued, kept, never started twice.

A job is named by what it checks (the article's id and the setting), so the
same article sent twice, or a page reloaded, finds the job already there;
closing the tab does not stop it. Its work goes through the same resumable
run as ``factdesk check`` (``FACTDESK_HOME/checks``), so a server restarted
mid-check resumes it instead of starting over.
"""

from __future__ import annotations

import hashlib
import queue
import threading
from dataclasses import dataclass
from typing import Literal

from ..claims.check import CheckReport, check_all
from ..corpus.article import Article
from ..corpus.store import Store
from ..errors import FactdeskError
from ..llm import LLM
from ..settings import Settings

State = Literal["queued", "running", "done", "failed"]


@dataclass
class Job:
    id: str
    article: Article
    state: State = "queued"
    done: int = 0
    total: int = 0
    report: CheckReport | None = None
    error: str = ""


class Jobs:
    """The queue of check jobs and the one worker thread that runs them."""

    def __init__(self, store: Store, llm: LLM, settings: Settings) -> None:
        self.store, self.llm, self.settings = store, llm, settings
        self._jobs: dict[str, Job] = {}
        self._order: list[str] = []
        self._queue: queue.Queue[Job] = queue.Queue()
        self._lock = threading.Lock()
        self._worker = threading.Thread(target=self._work, name="factdesk-checks", daemon=True)
        self._worker.start()

    def submit(self, article: Article) -> Job:
        """The job checking ``article``: the existing one if it was sent before (and did not fail)."""
        key = hashlib.sha256(f"{article.id}:{self.settings.model}:{self.settings.judge}".encode()).hexdigest()[:16]
        with self._lock:
            job = self._jobs.get(key)
            if job is not None and job.state != "failed":
                return job
            job = self._jobs[key] = Job(key, article)
            self._order.append(key)
        self._queue.put(job)
        return job

    def get(self, job_id: str) -> Job | None:
        return self._jobs.get(job_id)

    def place(self, job: Job) -> int:
        """How many jobs run or wait before this one (0: it is running or finished)."""
        if job.state != "queued":
            return 0
        with self._lock:
            ahead = self._order[: self._order.index(job.id)]
        return sum(1 for key in ahead if self._jobs[key].state in ("queued", "running"))

    def _work(self) -> None:
        while True:
            job = self._queue.get()
            job.state = "running"

            def progress(done: int, total: int, job: Job = job) -> None:
                job.done, job.total = done, total

            try:
                reports = check_all([job.article], self.store, self.llm, self.settings, progress=progress)
                job.report = next(iter(reports))
                job.state = "done"
            except FactdeskError as exc:
                job.error, job.state = exc.message, "failed"
            except Exception as exc:  # one line on the page; the server keeps serving
                job.error, job.state = f"the check stopped: {type(exc).__name__}", "failed"

"""The web app: verify, check, ask and the corpus as pages, on the same library as the command line.

Every page is rendered on the server (Jinja2, autoescaped: article text and
model output are data, never markup), so a finished result reads with scripts
blocked; the one script (``static/app.js``, no inline script anywhere) only
streams an answer as it is written. Long work (a check) is a job
(:mod:`.jobs`); the embedded model's calls are serialised by its own lock.
"""

from __future__ import annotations

import asyncio
import json
import queue
import re
import tempfile
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import (
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..claims.check import URGENCY
from ..corpus.article import Article
from ..corpus.chunking import sentences
from ..corpus.loaders import MB, load
from ..corpus.store import Store
from ..errors import FactdeskError, UserInputError
from ..llm import LLM
from ..report.differences import agreed_kinds, detail_lines
from ..report.html import LABELS, segments
from ..settings import Settings
from ..untrusted import checkable_claim, clean_claim, visible_text
from . import security
from .jobs import Jobs

HERE = Path(__file__).parent
UPLOADS = (".txt", ".md", ".markdown", ".html", ".htm", ".pdf")
MAX_PASTE_CHARS = 200_000
EXPIRED = "This form has expired: reload the page and send it again."


class Desk:
    """What every request shares: the settings, the store, one LLM (one embedded model) and the job queue."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.store = Store(settings)
        self.llm = LLM(settings)
        self.jobs = Jobs(self.store, self.llm, settings)
        self.templates = Environment(loader=FileSystemLoader(HERE / "templates"),
                                     autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)
        self.templates.globals.update(labels=LABELS, detail_lines=detail_lines, agreed_kinds=agreed_kinds)

    def page(self, request: Request, name: str, status: int = 200, **values: Any) -> HTMLResponse:
        html = self.templates.get_template(name).render(request=request, csrf=security.csrf_token(request), **values)
        return HTMLResponse(html, status_code=status)


def _desk(request: Request) -> Desk:
    return request.app.state.desk  # type: ignore[no-any-return]


async def home(request: Request) -> Response:
    return RedirectResponse("/verify", 303)


async def verify_page(request: Request) -> Response:
    from ..verify.verifier import verify

    desk = _desk(request)
    claim = request.query_params.get("claim", "").strip()
    if not claim:
        return desk.page(request, "verify.html", claim="", verdict=None)
    claim = checkable_claim(claim)
    verdict = await run_in_threadpool(verify, claim, desk.store, desk.llm, desk.settings)
    return desk.page(request, "verify.html", claim=claim, verdict=verdict)


async def check_page(request: Request) -> Response:
    desk = _desk(request)
    if request.method == "POST":
        if not await security.check_csrf(request):
            return desk.page(request, "error.html", 403, message=EXPIRED)
        article = await _article_from_form(request, desk)
        job = desk.jobs.submit(article)
        return RedirectResponse(f"/jobs/{job.id}", 303)
    return desk.page(request, "check.html", stored=desk.store.articles())


async def _article_from_form(request: Request, desk: Desk) -> Article:
    form = await request.form()
    limit = desk.settings.max_file_mb * MB
    upload = form.get("file")
    if upload is not None and not isinstance(upload, str) and upload.filename:
        data = await _received(upload, UPLOADS, desk.settings)
        with tempfile.TemporaryDirectory() as folder:
            path = _saved(Path(folder), upload.filename, data)
            article = _one(await run_in_threadpool(load, str(path), limit), upload.filename)
            return article.model_copy(update={"source": path.name})
    text = str(form.get("text", "")).strip()
    if text:
        if len(text) > MAX_PASTE_CHARS:
            raise UserInputError(f"the pasted text is over {MAX_PASTE_CHARS:,} characters: upload it as a file")
        title = visible_text(text.splitlines()[0])[:120]
        return Article.create(text, title=title, outlet="Pasted text", source="pasted")
    url = str(form.get("url", "")).strip()
    if url:
        if not url.startswith(("http://", "https://")):
            raise UserInputError(f"{url}: give an http:// or https:// address")
        return _one(await run_in_threadpool(load, url, limit), url)
    stored = str(form.get("article", "")).strip()
    if stored:
        matches = desk.store.find(stored)
        if len(matches) != 1:
            raise UserInputError(f"{stored}: {'no' if not matches else len(matches)} stored article(s) match")
        return desk.store.article(matches[0])
    raise UserInputError("paste a text, upload a file, or give a URL or a stored article")


async def _received(upload: Any, allowed: tuple[str, ...], settings: Settings) -> bytes:
    """An uploaded file's bytes, refused in one line when its type is not read or it is over the size limit."""
    if Path(upload.filename).suffix.lower() not in allowed:
        raise UserInputError(f"{upload.filename}: factdesk reads {', '.join(allowed)} files")
    limit = settings.max_file_mb * MB
    data: bytes = await upload.read(limit + 1)
    if len(data) > limit:
        raise UserInputError(f"{upload.filename} is over {settings.max_file_mb} MB (FACTDESK_MAX_FILE_MB)")
    return data


def _saved(folder: Path, filename: str, data: bytes) -> Path:
    """The upload written under its own name (which a text file's title may come from), made safe for a path."""
    name = re.sub(r"[^A-Za-z0-9._ -]+", "_", Path(filename).name).strip(" .") or "upload"
    path = folder / name[-120:]
    path.write_bytes(data)
    return path


def _one(loaded: Any, what: str) -> Article:
    if loaded.failures and not loaded.articles:
        raise UserInputError(f"{what}: {loaded.failures[0].reason}")
    if not loaded.articles:
        raise UserInputError(f"{what}: no article text found")
    return loaded.articles[0]  # type: ignore[no-any-return]


async def job_page(request: Request) -> Response:
    desk = _desk(request)
    job = desk.jobs.get(request.path_params["job"])
    if job is None:
        return desk.page(request, "error.html", 404, message="No such check: it may have been started on another run "
                                                             "of the server. Start it again from Check.")
    if job.report is None:
        return desk.page(request, "job.html", job=job, place=desk.jobs.place(job), report=None)
    order = request.query_params.get("sort", "text")
    numbered = list(enumerate(job.report.checks, start=1))
    if order == "worth":
        numbered.sort(key=lambda item: -item[1].claim.checkworthiness)
    elif order == "disputed":
        numbered.sort(key=lambda item: (URGENCY.get(item[1].verdict.label, 9) if item[1].verdict else 9,
                                        -item[1].claim.checkworthiness))
    return desk.page(request, "job.html", job=job, place=0, report=job.report, order=order, numbered=numbered,
                     segments=segments(job.article, job.report.checks))


async def job_download(request: Request) -> Response:
    from ..report.claimreview import check_reviews
    from ..report.terminal import check_markdown

    desk = _desk(request)
    job = desk.jobs.get(request.path_params["job"])
    if job is None or job.report is None:
        return PlainTextResponse("This check has no result yet.", 404)
    kind = request.path_params["kind"]
    headers = {"Content-Disposition": f'attachment; filename="factdesk-check-{job.id}.{kind.split(".")[-1]}"'}
    if kind == "md":
        return PlainTextResponse(check_markdown(job.report), headers=headers, media_type="text/markdown")
    if kind == "json":
        return Response(job.report.model_dump_json(indent=2), headers=headers, media_type="application/json")
    if kind == "claimreview.json":
        return JSONResponse(check_reviews(job.report, desk.settings), headers=headers)
    return PlainTextResponse("Downloads: md, json, claimreview.json.", 404)


async def job_status(request: Request) -> Response:
    job = _desk(request).jobs.get(request.path_params["job"])
    if job is None:
        return JSONResponse({"state": "missing"}, 404)
    return JSONResponse({"state": job.state, "done": job.done, "total": job.total, "error": job.error,
                         "place": _desk(request).jobs.place(job)})


async def ask_page(request: Request) -> Response:
    from ..answer.answer import answer

    desk = _desk(request)
    question = request.query_params.get("q", "").strip()
    if not question:
        return desk.page(request, "ask.html", question="", result=None)
    question = clean_claim(question, "question")
    result = await run_in_threadpool(answer, question, desk.store, desk.llm, desk.settings)
    return desk.page(request, "ask.html", question=question, result=result)


async def ask_stream(request: Request) -> Response:
    """The answer as server-sent events: ``text`` pieces as written, then ``done`` with the rendered sources."""
    from ..answer.answer import answer

    desk = _desk(request)
    question = clean_claim(request.query_params.get("q", ""), "question")
    pieces: queue.Queue[tuple[str, str]] = queue.Queue()

    def run() -> None:
        try:
            result = answer(question, desk.store, desk.llm, desk.settings, on_text=lambda p: pieces.put(("text", p)))
            html = desk.templates.get_template("answer_parts.html").render(result=result)
            pieces.put(("done", html))
        except FactdeskError as exc:
            pieces.put(("failed", exc.message))
        except Exception as exc:  # one line on the page, never a traceback
            pieces.put(("failed", f"the answer stopped: {type(exc).__name__}"))

    threading.Thread(target=run, daemon=True).start()

    async def events() -> AsyncIterator[str]:
        while True:
            kind, data = await asyncio.to_thread(pieces.get)
            yield f"event: {kind}\ndata: {json.dumps(data)}\n\n"
            if kind != "text":
                return

    return StreamingResponse(events(), media_type="text/event-stream")


async def corpus_page(request: Request) -> Response:
    from ..corpus.ingest import ingest

    desk = _desk(request)
    message = ""
    if request.method == "POST":
        if not await security.check_csrf(request):
            return desk.page(request, "error.html", 403, message=EXPIRED)
        form = await request.form()
        upload = form.get("file")
        if upload is None or isinstance(upload, str) or not upload.filename:
            raise UserInputError("choose a file to add to the corpus")
        data = await _received(upload, (*UPLOADS, ".jsonl"), desk.settings)
        with tempfile.TemporaryDirectory() as folder:
            path = _saved(Path(folder), upload.filename, data)
            summary = await run_in_threadpool(ingest, [str(path)], desk.store)
        if summary.failures and not summary.added and not summary.unchanged:
            raise UserInputError(f"{upload.filename}: {summary.failures[0].reason}")
        message = f"{upload.filename}: {summary.added} article(s) added, {summary.unchanged} already stored."
    query = request.query_params.get("q", "").strip().lower()
    articles = [a for a in desk.store.articles()
                if not query or query in f"{a.title} {a.outlet} {a.text}".lower()]
    return desk.page(request, "corpus.html", articles=articles, query=query, message=message)


async def article_page(request: Request) -> Response:
    desk = _desk(request)
    matches = desk.store.find(request.path_params["article"])
    if len(matches) != 1:
        return desk.page(request, "error.html", 404, message="No such article in the corpus.")
    article = desk.store.article(matches[0])
    spans = sentences(article.text)
    return desk.page(request, "article.html", article=article,
                     parts=[(s.start, article.text[s.start : s.end]) for s in spans])


async def failed(request: Request, exc: Exception) -> Response:
    desk = _desk(request)
    if isinstance(exc, FactdeskError):
        status = 400 if isinstance(exc, UserInputError) else 503
        return desk.page(request, "error.html", status, message=exc.message)
    return desk.page(request, "error.html", 500, message=f"Something went wrong ({type(exc).__name__}); the rest "
                                                         "of the desk still works.")


def create_app(settings: Settings, token: str | None = None) -> Starlette:
    """The app for ``settings``; with ``token``, every request must carry it (see :mod:`.security`)."""
    routes = [
        Route("/", home), Route("/verify", verify_page), Route("/check", check_page, methods=["GET", "POST"]),
        Route("/jobs/{job}", job_page), Route("/jobs/{job}/status", job_status),
        Route("/jobs/{job}/report.{kind:path}", job_download),
        Route("/ask", ask_page), Route("/ask/stream", ask_stream),
        Route("/corpus", corpus_page, methods=["GET", "POST"]), Route("/articles/{article}", article_page),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    app = Starlette(routes=routes, middleware=[Middleware(BaseHTTPMiddleware, dispatch=security.guard(token))],
                    exception_handlers={Exception: failed, FactdeskError: failed})
    app.state.desk = Desk(settings)
    return app

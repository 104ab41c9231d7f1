"""Checking many articles in one run: every article reported once, and a stopped run resumes without redoing work.

Extraction is replaced by a fixed one here (it is tested against a scripted model in test_extract.py); the
verification is the real classifier's, against articles of the fictional corpus in corpus/.
"""

import json
from pathlib import Path

import pytest

import assistant.claims.check as check_module
from assistant.claims.check import check_all, resolve_articles
from assistant.claims.extract import Claim, candidates
from assistant.claims.journal import ArticleJournal
from assistant.corpus.article import Article
from assistant.corpus.store import Store
from assistant.llm import LLM
from assistant.settings import Settings
from tests.conftest import CORPUS, run_cli

# Fictional: the towns, outlets and people are invented.
DRAFTS = {
    "lindenmoor.txt": "The Lindenmoor water plant cost 12 million euros. It will supply about 40,000 residents. "
                      "Mayor Ilse Varga opened it on Monday.",
    "qamishli.txt": "The first detainees were moved from a prison in Qamishli. About 150 men were driven to the "
                    "border. Rights groups asked for monitors.",
}


def fixed_extraction(llm: LLM, article: Article, concurrency: int = 1) -> list[Claim]:
    """Every full sentence as a factual claim, most check-worthy first in the text."""
    spans = candidates(article.text)
    return [
        Claim(text=article.text[s.start : s.end], article_id=article.id, start=s.start, end=s.end,
              source_sentence=article.text[s.start : s.end], type="event", kind="fact",
              checkworthiness=round(1 - i / 10, 2))
        for i, s in enumerate(spans)
    ]


@pytest.fixture
def drafts(isolated: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
           monkeypatch: pytest.MonkeyPatch) -> list[str]:
    assert run_cli(["ingest", str(CORPUS)], capsys)[0] == 0
    monkeypatch.setattr(check_module, "extract", fixed_extraction)
    paths = []
    for name, text in DRAFTS.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    return paths


class Stop(Exception):
    """A kill in the middle of a verification."""


def test_a_stopped_run_resumes_without_verifying_a_claim_twice(
    drafts: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings()
    store = Store(settings)
    articles = resolve_articles(drafts, store)
    verified: list[str] = []
    stopped: list[str] = []
    real_verify = check_module.verify

    def counting(claim: str, *args: object, **kwargs: object) -> object:
        if len(verified) == 4 and not stopped:
            stopped.append(claim)
            raise Stop  # the fifth verification never finishes: the second article is cut midway
        verified.append(claim)
        return real_verify(claim, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(check_module, "verify", counting)
    llm = LLM(settings)
    first = []
    with pytest.raises(Stop):
        for report in check_all(articles, store, llm, settings, concurrency=1):
            first.append(report)
    assert len(first) == 1 and len(verified) == 4

    again = list(check_all(articles, store, llm, settings, concurrency=1))
    assert [r.article_id for r in again] == [a.id for a in articles]
    assert again[0].resumed and not again[1].resumed
    assert len(verified) == 6 and len(set(verified)) == 6  # each of the six claims verified once
    assert again[0].model_dump(exclude={"resumed"}) == first[0].model_dump(exclude={"resumed"})
    assert all(c.verdict is not None for r in again for c in r.checks)

    fresh = list(check_all(articles, store, llm, settings, concurrency=1, fresh=True))
    assert not any(r.resumed for r in fresh) and len(verified) == 12


def test_a_line_cut_off_by_a_kill_is_done_again(tmp_path: Path) -> None:
    journal = ArticleJournal(tmp_path / "a.jsonl")
    claim = Claim(text="Fictional claim.", article_id="a", start=0, end=16, source_sentence="Fictional claim.",
                  type="event", kind="fact", checkworthiness=0.5)
    journal.keep_claims([claim])
    with open(journal.path, "a", encoding="utf-8") as handle:
        handle.write('{"claim": 0, "verdict": {"claim": "Fictio')
    read = ArticleJournal(journal.path)
    assert read.claims == [claim] and read.verdicts == {} and read.report is None


def test_several_targets_print_one_json_line_per_article_and_a_combined_report(
    drafts: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(["check", *drafts, drafts[0], "--json"], capsys)
    assert code == 0, err
    lines = [json.loads(line) for line in out.splitlines()]
    assert len(lines) == 2  # a target named twice is checked once
    assert [r["title"] or r["article_id"] for r in lines]
    code, out, _ = run_cli(["check", *drafts], capsys)
    assert code == 0
    assert "2 articles checked" in out and "2 kept from an earlier run" in out
    code, out, _ = run_cli(["check", *drafts, "--format", "markdown"], capsys)
    assert out.startswith("# Fact-check of 2 articles") and out.count("\n## Fact-check") == 2
    code, out, _ = run_cli(["check", *drafts, "--format", "html"], capsys)
    assert out.count("<article id=") == 2 and 'id="a2-claim-1"' in out


def test_an_unknown_target_is_one_line_and_exit_2(drafts: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(["check", drafts[0], "no-such-file-or-id"], capsys)
    assert code == 2
    assert "no-such-file-or-id: no such file, and no stored article has that id" in err

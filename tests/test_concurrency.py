"""Claims verified side by side: results in input order, usage per claim, the embedded model one call at a time,
a rate limit seen by one thread holding back the others, and a batch verify that survives bad lines."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from assistant.errors import UserInputError
from assistant.llm import LLM
from assistant.llm.embedded import EmbeddedTransport
from assistant.llm.retry import RetryTransport
from assistant.settings import Settings
from assistant.verify.batch import in_order, read_claims
from tests.conftest import CORPUS, run_cli
from tests.test_chroma_server import comparable
from tests.test_e2e import HEADLINE
from tests.test_recorder import Capital, completion, settings

# These tests drive the LLM judge's path (its endpoint, its recordings); the classifier's path is tested in
# test_e2e, test_classifier and test_sentence_check.
pytestmark = pytest.mark.usefixtures("llm_judge")


def test_results_come_back_in_input_order_with_failures_in_place() -> None:
    barrier = threading.Barrier(4, timeout=10)  # passes only if four items really run at once

    def work(n: int) -> int:
        if n < 4:
            barrier.wait()
        time.sleep(0.01 * (7 - n))
        if n == 5:
            raise UserInputError("five is bad")
        return n * n

    results = list(in_order(list(range(7)), work, concurrency=4))
    assert [item for item, _ in results] == list(range(7))
    assert [r for _, r in results if not isinstance(r, UserInputError)] == [0, 1, 4, 9, 16, 36]
    assert isinstance(results[5][1], UserInputError)


def test_closing_early_cancels_what_has_not_started() -> None:
    started: list[int] = []

    def work(n: int) -> int:
        started.append(n)
        time.sleep(0.05)
        return n

    batch = in_order(list(range(40)), work, concurrency=2)
    next(batch)
    batch.close()
    assert len(started) < 10


class Echo(httpx.BaseTransport):
    """An endpoint that answers after a pause, so threads overlap."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        time.sleep(0.02)
        body = json.loads(request.read())
        return httpx.Response(200, json=completion(json.dumps({"city": body["messages"][0]["content"]})))


def test_each_thread_counts_only_its_own_calls(tmp_path: Path) -> None:
    llm = LLM(settings(tmp_path, "live"), inner=Echo())
    counted: dict[int, int] = {}

    def claim(n: int) -> None:
        with llm.measure() as usage:
            for i in range(n):
                llm.structured(Capital, [{"role": "user", "content": f"thread {n} call {i}"}])
        counted[n] = usage.calls

    threads = [threading.Thread(target=claim, args=(n,)) for n in (1, 2, 3, 4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert counted == {1: 1, 2: 2, 3: 3, 4: 4}
    assert llm.usage.calls == 10 and llm.usage.prompt_tokens == 110


class FakeLlama:
    def __init__(self) -> None:
        self.inside = 0
        self.most = 0
        self.lock = threading.Lock()

    def create_chat_completion(self, **kwargs: Any) -> dict[str, Any]:
        with self.lock:
            self.inside += 1
            self.most = max(self.most, self.inside)
        time.sleep(0.02)
        with self.lock:
            self.inside -= 1
        return completion('{"city": "Paris"}')


def test_the_embedded_model_runs_one_call_at_a_time(tmp_path: Path) -> None:
    transport = EmbeddedTransport(Settings(home=tmp_path))
    fake = FakeLlama()
    transport._llama = fake

    def call(n: int) -> int:
        body = {"model": "qwen2.5-coder-1.5b-instruct-q4_k_m", "messages": [{"role": "user", "content": str(n)}]}
        request = httpx.Request("POST", "http://embedded.invalid/v1/chat/completions", json=body)
        return transport.handle_request(request).status_code

    assert [code for _, code in in_order(list(range(8)), call, concurrency=8)] == [200] * 8
    assert fake.most == 1


def test_a_retry_after_given_to_one_request_holds_back_the_next(tmp_path: Path) -> None:
    answers = [httpx.Response(429, headers={"retry-after": "2"}), *[httpx.Response(200) for _ in range(2)]]

    class Endpoint(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            return answers.pop(0)

    slept: list[float] = []
    retry = RetryTransport(Endpoint(), retries=3, max_wait=60, sleep=slept.append)
    assert retry.handle_request(httpx.Request("POST", "http://x/v1/chat/completions", json={})).status_code == 200
    assert retry.handle_request(httpx.Request("POST", "http://x/v1/chat/completions", json={})).status_code == 200
    assert slept[0] == 2.0 and 1.9 < slept[1] <= 2.0  # the second request waited out the first one's Retry-After


def test_reading_a_claims_file(tmp_path: Path) -> None:
    path = tmp_path / "claims.jsonl"
    path.write_text('"plain string"\n\n{"claim": "with id", "id": 7}\n{oops\n{"text": "no claim"}\n')
    lines = read_claims(str(path))
    assert [(c.line, c.claim, c.id, bool(c.error)) for c in lines] == [
        (1, "plain string", None, False), (3, "with id", "7", False), (4, "", None, True), (5, "", None, True),
    ]
    (tmp_path / "empty.jsonl").write_text("\n")
    with pytest.raises(UserInputError, match="holds no claims"):
        read_claims(str(tmp_path / "empty.jsonl"))


def test_batch_verify_keeps_input_order_warns_on_bad_lines_and_matches_single_verifies(
    isolated: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli(["ingest", str(CORPUS)], capsys)[0] == 0
    claims = [
        HEADLINE,
        "Copper prices on the London Metal Exchange fell in March.",
        "The first ISIS detainees were moved to Iraq from a detention facility in Hasakah.",
    ]
    single = {}
    for claim in claims:
        code, out, err = run_cli(["verify", claim, "--json"], capsys)
        assert code == 0, err
        single[claim] = comparable(json.loads(out))
    path = tmp_path / "claims.jsonl"
    path.write_text(
        json.dumps(claims[0]) + "\n{broken\n" + json.dumps({"claim": claims[1], "id": "c2"}) + "\n"
        + json.dumps({"claim": "   "}) + "\n" + json.dumps({"claim": claims[2]}) + "\n"
    )
    code, out, err = run_cli(["verify", "--file", str(path), "--json", "--concurrency", "3"], capsys)
    assert code == 2
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["line"] for r in records] == [1, 2, 3, 4, 5]
    assert records[2]["id"] == "c2"
    assert "error" in records[1] and "error" in records[3]
    for record, claim in zip([records[0], records[2], records[4]], claims, strict=True):
        assert comparable({k: v for k, v in record.items() if k not in ("line", "id")}) == single[claim]
    warnings = err.strip().splitlines()
    assert any("line 2: invalid JSON" in w for w in warnings)
    assert any("line 4: the claim is empty" in w for w in warnings)
    assert warnings[-1].startswith("5 claim(s): ") and "2 bad line(s)" in warnings[-1]

    code, out, _ = run_cli(["verify", "-f", str(path)], capsys)
    assert code == 2
    rows = [line for line in out.splitlines() if line.strip()]
    assert "REFUTED" in rows[0] and "NOT ENOUGH EVIDENCE" in rows[1] and rows[-1].startswith("5 claim(s)")


def test_batch_verify_stops_on_an_endpoint_failure(
    isolated: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run_cli(["ingest", str(CORPUS)], capsys)[0] == 0
    path = tmp_path / "claims.jsonl"
    path.write_text(json.dumps("An unrecorded claim about ISIS detainees moved to Iraq in 1999.") + "\n")
    code, _, err = run_cli(["verify", "--file", str(path)], capsys)
    assert code == 5 and "no recorded response" in err


def test_a_claim_and_a_file_together_are_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run_cli(["verify", "x", "--file", str(tmp_path / "c.jsonl")], capsys)
    assert code == 2 and "not both" in err
    code, _, err = run_cli(["verify"], capsys)
    assert code == 2 and "--file" in err

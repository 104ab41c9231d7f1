"""Speed of `factdesk serve` on this machine: the first page, one verify, ten verifies at once.

    python bench/serve.py

A data directory with the bundled corpus ingested; `factdesk serve` started as its own process on a loopback
port (the stance classifier judges: no LLM call). Printed: seconds until the server answers, the first page
with its stylesheet and script (what a browser needs before the page is usable), one verify (the first, which
loads the classifier and the details reader, and the second), and ten different verifies sent at once
(every one answered, p50 and max seconds).
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import httpx

ROOT = Path(__file__).resolve().parent.parent
CLAIMS = [
    "The United States has transferred 7,000 ISIS detainees to Iraq.",
    "The first 150 ISIS detainees were flown from Hasakah to Iraq.",
    "230 detainees were transferred to Iraq in an overnight operation.",
    "The transfers began from Qamishli prison.",
    "Iraq says transferred ISIS suspects will face Iraqi courts.",
    "Lindenmoor opened a new water treatment plant.",
    "The Lindenmoor plant cost 12 million euros.",
    "The new plant will supply about 40,000 residents.",
    "Marco Rubio welcomed the Iraqi initiative.",
    "The old Lindenmoor plant was built in 1968.",
]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "FACTDESK_HOME": str(Path(tmp) / "home"), "FACTDESK_RECORD_MODE": "replay"}
        env.pop("FACTDESK_CHROMA_URL", None)
        subprocess.run([sys.executable, "-m", "assistant", "ingest", str(ROOT / "corpus")], env=env, check=True,
                       capture_output=True)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        url = f"http://127.0.0.1:{port}"
        started = time.perf_counter()
        server = subprocess.Popen([sys.executable, "-m", "assistant", "serve", "--port", str(port)], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            with httpx.Client(timeout=60) as client:
                while True:
                    try:
                        client.get(f"{url}/static/app.css")
                        break
                    except httpx.TransportError:
                        time.sleep(0.05)
                print(f"server answering {time.perf_counter() - started:.1f} s after start")
                started = time.perf_counter()
                page = client.get(f"{url}/verify")
                client.get(f"{url}/static/app.css")
                client.get(f"{url}/static/app.js")
                print(f"first page with its stylesheet and script: {time.perf_counter() - started:.3f} s "
                      f"(HTTP {page.status_code}, {len(page.content)} bytes)")
                for which in ("first", "second"):
                    started = time.perf_counter()
                    answer = client.get(f"{url}/verify?claim={quote(CLAIMS[0 if which == 'first' else 1])}")
                    print(f"{which} verify: {time.perf_counter() - started:.2f} s (HTTP {answer.status_code})")

            def one(claim: str) -> tuple[int, float]:
                begun = time.perf_counter()
                with httpx.Client(timeout=120) as own:
                    code = own.get(f"{url}/verify?claim={quote(claim)}").status_code
                return code, time.perf_counter() - begun

            started = time.perf_counter()
            with ThreadPoolExecutor(len(CLAIMS)) as pool:
                results = list(pool.map(one, CLAIMS))
            seconds = [s for _, s in results]
            print(f"{len(CLAIMS)} verifies at once: {sum(c == 200 for c, _ in results)} answered HTTP 200 in "
                  f"{time.perf_counter() - started:.1f} s; per request p50 {statistics.median(seconds):.1f} s, "
                  f"max {max(seconds):.1f} s")
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()

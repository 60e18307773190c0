"""What the browser tests share: Debian's Chromium, a Streamlit server on a free port, and the
fixtures that start them. Never a downloaded browser; no network but loopback."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts"
# The file the tests on real reporting open (issue 14): the repository's own, or, while its
# real rows are still being added, another file with its vocabulary beside it, named by
# FIGURES_BROWSER_DATA (e.g. FIGURES_BROWSER_DATA=/tmp/real/figures.csv).
DATA = Path(os.environ.get("FIGURES_BROWSER_DATA") or ROOT / "data" / "figures.csv")
VOCABULARY_FILES = ("metrics.csv", "groups.csv", "places.csv")
CHROMIUM = Path("/usr/bin/chromium")
# Without the networking flags Chromium tries to reach Google's hosts at every start.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def require_browser() -> None:
    """Skip where there is no Chromium, unless CI says it must be there (REQUIRE_BROWSER=1)."""
    if CHROMIUM.exists():
        return
    message = f"{CHROMIUM} is absent; install Debian's chromium (apt-get install chromium)"
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"{message}; REQUIRE_BROWSER=1 makes this a failure")
    pytest.skip(message)


def copy_data(source: Path, folder: Path) -> Path:
    """A copy of a figures file, with the vocabulary files beside it, in `folder`: other
    tests may append to data/, and a server must never see a half-written file."""
    for name in VOCABULARY_FILES:
        if (source.parent / name).is_file():
            shutil.copy(source.parent / name, folder / name)
    target = folder / "figures.csv"
    shutil.copy(source, target)
    return target


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as reply:
                if reply.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        # Waiting on the process rather than sleeping: it also notices a server that died.
        try:
            process.wait(timeout=0.25)
        except subprocess.TimeoutExpired:
            continue
        pytest.fail(f"streamlit exited with {process.returncode}:\n{log.read_text()}")
    pytest.fail(f"streamlit did not answer within 60 s:\n{log.read_text()}")


@contextmanager
def streamlit_server(data: Path, log: Path, env: Mapping[str, str] | None = None) -> Iterator[str]:
    """`streamlit run app.py` on 127.0.0.1 and a free port, serving `data`; yields its URL."""
    port = free_port()
    command = [sys.executable, "-m", "streamlit", "run", "app.py"]
    command += ["--server.headless", "true", "--server.port", str(port)]
    command += ["--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"]
    environment = {**os.environ, **(env or {}), "FIGURES_DATA": str(data)}
    with log.open("wb") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=output, stderr=output)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(url, process, log)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


@contextmanager
def chromium() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()

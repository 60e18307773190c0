"""Who may write from the page: the editor password, its throttle, and the editor's name.

The page stakeholders open is read-only: the form appears only when an editor password is
configured, in Streamlit secrets (`editor_password` in .streamlit/secrets.toml) or in the
environment (FIGURES_EDITOR_PASSWORD).

Wrong passwords are throttled (`Throttle`): the first FREE_TRIES wrong tries in a row from one
client are answered at once, then each further try waits twice as long as the one before
(BASE_DELAY_S, 2x, 4x, ... up to MAX_DELAY_S) and a try made sooner is refused without the
password being looked at; across all clients, a server process checks at most PER_MINUTE
wrong passwords a minute. A client is its IP address, or its browser session when the
address is unknown (a local connection).

The throttle lives in the server process's memory and nowhere else. It is a cache, not data:
it holds counts of recent wrong tries and when they happened, never a password or a row, and
losing it (a restart) only lets a client guess again at the first, fastest pace. The figures
file stays the only state of the product.

Who added a row: with FIGURES_EDITOR_HEADER set to the name of a header a reverse proxy sets
after signing the user in (X-Forwarded-User, X-Auth-Request-Email, ...), the account in that
header; otherwise a name typed with the password. Either way it goes into the row's notes
(`figures.proposal.editor_note`), so the file keeps the contract's columns.
"""

from __future__ import annotations

import hmac
import os
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

PASSWORD_ENV = "FIGURES_EDITOR_PASSWORD"
PASSWORD_SECRET = "editor_password"
EDITOR_HEADER_ENV = "FIGURES_EDITOR_HEADER"

FREE_TRIES = 3
BASE_DELAY_S = 5.0
MAX_DELAY_S = 15 * 60.0
PER_MINUTE = 20
# Clients remembered at most; beyond this the ones whose wait is over are forgotten first.
MAX_CLIENTS = 10_000


@dataclass(frozen=True)
class Verdict:
    """The answer to one try: `checked` is False when the throttle refused to look."""

    ok: bool
    checked: bool
    wait_s: float = 0.0


@dataclass
class _Client:
    failures: int = 0
    last: float = 0.0


@dataclass
class Throttle:
    """Failed password tries, per client and per process (see the module's docstring)."""

    free: int = FREE_TRIES
    base_s: float = BASE_DELAY_S
    max_s: float = MAX_DELAY_S
    per_minute: int = PER_MINUTE
    clock: Callable[[], float] = time.monotonic
    _clients: dict[str, _Client] = field(default_factory=dict, init=False, repr=False)
    _recent: deque[float] = field(default_factory=deque, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def delay_after(self, failures: int) -> float:
        """How long a client waits after `failures` wrong tries in a row."""
        if failures < self.free:
            return 0.0
        return min(self.base_s * 2 ** (failures - self.free), self.max_s)

    def wait(self, client: str) -> float:
        """Seconds before `client` may try again (0: now)."""
        with self._lock:
            return self._wait(client, self.clock())

    def _wait(self, client: str, now: float) -> float:
        while self._recent and now - self._recent[0] >= 60:
            self._recent.popleft()
        process_wait = 60 - (now - self._recent[0]) if len(self._recent) >= self.per_minute else 0
        record = self._clients.get(client)
        own_wait = 0.0
        if record is not None:
            own_wait = record.last + self.delay_after(record.failures) - now
        return max(0.0, own_wait, process_wait)

    def check(self, client: str, given: str, expected: str) -> Verdict:
        """Compare `given` with `expected`, unless `client` must wait; record the outcome."""
        with self._lock:
            waiting = self._wait(client, self.clock())
        if waiting > 0:
            return Verdict(ok=False, checked=False, wait_s=waiting)
        ok = hmac.compare_digest(given.encode(), expected.encode())
        with self._lock:
            now = self.clock()
            if ok:
                self._clients.pop(client, None)
                return Verdict(ok=True, checked=True)
            record = self._clients.setdefault(client, _Client())
            record.failures += 1
            record.last = now
            self._recent.append(now)
            self._forget_old(now)
            return Verdict(ok=False, checked=True, wait_s=self.delay_after(record.failures))

    def _forget_old(self, now: float) -> None:
        if len(self._clients) <= MAX_CLIENTS:
            return
        for name, record in list(self._clients.items()):
            if now - record.last > self.max_s:
                del self._clients[name]

    def reset(self) -> None:
        """Forget every try (tests; a restart does the same)."""
        with self._lock:
            self._clients.clear()
            self._recent.clear()


# The one throttle of this server process.
THROTTLE = Throttle()


def editor_password() -> str | None:
    """The configured password, or None when editing is off."""
    try:
        secret = st.secrets.get(PASSWORD_SECRET)
    except (FileNotFoundError, KeyError, OSError):
        # No secrets file is the normal, read-only deployment.
        secret = None
    value = secret or os.environ.get(PASSWORD_ENV)
    return str(value) if value else None


def client_id() -> str:
    """Who is trying, for the throttle: the IP address, else the browser session."""
    address = st.context.ip_address
    if isinstance(address, str) and address:
        return f"ip:{address}"
    ctx = get_script_run_ctx()
    return f"session:{ctx.session_id if ctx else 'none'}"


def editor_header() -> str | None:
    """The header naming the signed-in account, when a reverse proxy is configured."""
    name = os.environ.get(EDITOR_HEADER_ENV, "").strip()
    return name or None


def proxy_account() -> str | None:
    """The account the reverse proxy names for this request, if a header is configured."""
    header = editor_header()
    if header is None:
        return None
    value = st.context.headers.get(header)
    return str(value).strip() if value else None


def wait_text(seconds: float) -> str:
    whole = max(1, round(seconds))
    return f"{whole} s" if whole < 120 else f"{-(-whole // 60)} min"

"""The editor password's throttle (figures.ui.auth.Throttle), on a clock the test moves."""

from __future__ import annotations

import hmac

import pytest

from figures.ui.auth import Throttle, wait_text


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def test_three_wrong_tries_are_answered_the_fourth_at_once_is_not_checked(clock, monkeypatch):
    throttle = Throttle(clock=clock)
    for _ in range(3):
        verdict = throttle.check("a", "guess", "s3cret")
        assert (verdict.ok, verdict.checked) == (False, True)
    compared = []
    real = hmac.compare_digest
    monkeypatch.setattr(hmac, "compare_digest", lambda x, y: compared.append(x) or real(x, y))
    fourth = throttle.check("a", "s3cret", "s3cret")
    assert (fourth.ok, fourth.checked) == (False, False)
    assert compared == [], "the password was not looked at"
    assert fourth.wait_s == pytest.approx(5.0)


def test_the_wait_doubles_with_each_wrong_try_and_a_right_one_clears_it(clock):
    throttle = Throttle(clock=clock)
    waits = []
    for _ in range(6):
        clock.now += throttle.wait("a")
        waits.append(throttle.check("a", "guess", "s3cret").wait_s)
    assert waits == [0, 0, 5, 10, 20, 40]
    clock.now += throttle.wait("a")
    assert throttle.check("a", "s3cret", "s3cret").ok
    assert throttle.wait("a") == 0


def test_the_wait_is_capped(clock):
    throttle = Throttle(clock=clock, per_minute=10_000)
    for _ in range(30):
        clock.now += throttle.wait("a")
        throttle.check("a", "guess", "s3cret")
    assert throttle.wait("a") == pytest.approx(15 * 60)


def test_other_clients_are_not_held_up_by_one(clock):
    throttle = Throttle(clock=clock)
    for _ in range(4):
        throttle.check("a", "guess", "s3cret")
    assert throttle.check("b", "s3cret", "s3cret").ok


def test_a_server_process_checks_at_most_so_many_wrong_passwords_a_minute(clock):
    throttle = Throttle(clock=clock, per_minute=20)
    for client in range(20):  # twenty clients, one wrong try each
        assert throttle.check(f"c{client}", "guess", "s3cret").checked
    refused = throttle.check("new", "s3cret", "s3cret")
    assert (refused.ok, refused.checked) == (False, False)
    clock.now += 60
    assert throttle.check("new", "s3cret", "s3cret").ok


def test_wait_text() -> None:
    assert wait_text(4.2) == "4 s"
    assert wait_text(0.1) == "1 s"
    assert wait_text(600) == "10 min"

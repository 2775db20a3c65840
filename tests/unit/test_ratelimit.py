"""The shared per-key rate limiter: windows, and counts shared between workers."""

from __future__ import annotations

from omni.api.ratelimit import RateLimiter


def test_fixed_window_counts_and_resets() -> None:
    limiter = RateLimiter()
    t = 6_000_000.0  # the start of a window
    decisions = [limiter.hit("k", 3, t + i) for i in range(4)]
    assert [d.allowed for d in decisions] == [True, True, True, False]
    assert decisions[2].remaining == 0 and decisions[3].retry_after_ms == 57_000
    assert decisions[0].reset_at == int(t + 60)
    assert limiter.hit("k", 3, t + 60).allowed  # next window
    assert limiter.hit("other", 3, t + 60).remaining == 2  # keys are independent


def test_workers_share_their_counts() -> None:
    a, b = RateLimiter(), RateLimiter()
    now = 7_000_000.0
    a._window = b._window = int(now // 60)
    for i in range(3):
        a.hit("k", 5, now + i)
    message = a.share()
    assert message is not None and a.share() is None  # shared once
    a.absorb(message)  # its own message changes nothing
    b.absorb(message)
    assert [b.hit("k", 5, now + 10).allowed for _ in range(3)] == [True, True, False]
    b.absorb(b"not json")  # ignored

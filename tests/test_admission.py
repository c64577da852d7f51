"""lstm_core.admission: at most N sessions train at once, the rest wait in line (FIFO)."""

import threading
import time

import pytest

from lstm_core.admission import (
    ENV,
    Admission,
    default_limit,
    limit_from_env,
    reset_shared,
    shared,
)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_first_n_train_and_the_rest_queue_in_arrival_order():
    gate = Admission(2, clock=Clock())
    assert gate.try_acquire("a").granted and gate.try_acquire("b").granted
    c, d = gate.try_acquire("c"), gate.try_acquire("d")
    assert (c.granted, c.position, c.training, c.waiting) == (False, 1, 2, 1)
    assert (d.granted, d.position, d.waiting) == (False, 2, 2)
    # asking again keeps one's place; a holder asking again keeps its slot
    assert gate.try_acquire("d").position == 2 and gate.try_acquire("a").granted
    gate.release("a")
    assert not gate.try_acquire("d").granted  # d may not jump ahead of c
    assert gate.try_acquire("c").granted
    assert gate.try_acquire("d").position == 1
    assert gate.snapshot() == (["b", "c"], ["d"])


def test_release_is_idempotent_and_frees_a_place_in_line():
    gate = Admission(1, clock=Clock())
    gate.try_acquire("a")
    gate.try_acquire("b"), gate.try_acquire("c")
    gate.release("b")
    gate.release("b")
    gate.release("nobody")
    assert gate.try_acquire("c").position == 1
    assert gate.snapshot() == (["a"], ["c"])


def test_limit_zero_queues_everyone_and_none_admits_everyone():
    closed = Admission(0, clock=Clock())
    tickets = [closed.try_acquire(s) for s in "abc"]
    assert [t.granted for t in tickets] == [False] * 3
    assert [t.position for t in tickets] == [1, 2, 3]
    open_ = Admission(None, clock=Clock())
    assert all(open_.try_acquire(s).granted for s in range(100))


def test_a_session_that_stops_ticking_loses_its_slot_and_its_place():
    clock = Clock()
    gate = Admission(1, idle_s=10, clock=clock)
    gate.try_acquire("gone")  # its tab closes: no more ticks
    gate.try_acquire("queued-and-gone")
    clock.now = 5
    assert gate.try_acquire("waiting").position == 2
    clock.now = 11  # "gone" and "queued-and-gone" were last seen 11 s ago
    assert gate.try_acquire("waiting").granted
    assert gate.snapshot() == (["waiting"], [])


def test_turns_rotate_only_while_others_wait():
    clock = Clock()
    gate = Admission(1, idle_s=1000, turn_s=30, clock=clock)
    assert gate.try_acquire("a").granted
    clock.now = 100  # nobody waits: a keeps training past its turn
    assert gate.try_acquire("a").granted
    assert not gate.try_acquire("b").granted
    clock.now = 101  # now b waits and a has had its turn: a goes to the back
    again = gate.try_acquire("a")
    assert (again.granted, again.position) == (False, 1)
    assert gate.try_acquire("b").granted
    clock.now = 120  # b's turn (from 101) runs until 131
    assert gate.try_acquire("a").position == 1
    assert gate.try_acquire("b").granted
    clock.now = 131
    assert not gate.try_acquire("b").granted  # b's turn is over: a is first in line
    assert gate.try_acquire("a").granted


def test_bad_limits_are_refused():
    for bad in (-1, 1.5, True, "4"):
        with pytest.raises((ValueError, TypeError)):
            Admission(bad)


def test_many_threads_never_exceed_the_limit():
    """32 sessions hammer one gate from 32 threads: at no moment do more than 3 train, every
    session trains at some point (the line moves), and the counts end at zero."""
    gate = Admission(3, turn_s=0.02)
    inside, peak, trained = [0], [0], set()
    count_lock = threading.Lock()
    stop = time.monotonic() + 3.0

    def session(sid):
        while time.monotonic() < stop and sid not in trained:
            if gate.try_acquire(sid).granted:
                with count_lock:
                    inside[0] += 1
                    peak[0] = max(peak[0], inside[0])
                time.sleep(0.002)  # a training chunk
                with count_lock:
                    inside[0] -= 1
                    trained.add(sid)
                gate.release(sid)
            else:
                time.sleep(0.001)

    threads = [threading.Thread(target=session, args=(i,)) for i in range(32)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert 1 <= peak[0] <= 3
    assert trained == set(range(32))
    assert gate.snapshot() == ([], [])


def test_limit_from_the_environment():
    assert limit_from_env({}) == default_limit()
    assert limit_from_env({ENV: "7"}) == 7
    assert limit_from_env({ENV: " 0 "}) == 0
    assert limit_from_env({ENV: "off"}) is None and limit_from_env({ENV: "Unlimited"}) is None
    for unreadable in ("", "many", "-3", "2.5"):
        assert limit_from_env({ENV: unreadable}) == default_limit()
    assert default_limit(2) == 4 and default_limit(0) == 2


def test_shared_gate_is_one_per_process_and_can_be_replaced(monkeypatch):
    monkeypatch.setenv(ENV, "5")
    gate = reset_shared(5)
    assert shared() is gate and shared().limit == 5
    assert reset_shared(None).limit is None and shared().limit is None
    reset_shared(limit_from_env())

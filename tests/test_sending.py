"""``ui.sending.wait_until_sent`` against a stand-in for Streamlit's session: an event loop
on its own thread that enqueues a run's messages when it gets to them (as
``AppSession._call_soon_on_event_loop`` does), and a flush that empties the queue later. The
wait must return only once the message has been enqueued and flushed, not as soon as the
queue looks empty."""

import asyncio
import threading
import time
from types import SimpleNamespace

import pytest
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.runtime.forward_msg_queue import ForwardMsgQueue

from ui import sending

LAG_S = 0.15  # the event loop is busy this long before it enqueues the message
FLUSH_S = 0.05  # and flushes it this long after


@pytest.fixture
def session(monkeypatch):
    """A session whose event loop runs on a thread; ``sent`` records flushed messages."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    fake = SimpleNamespace(_event_loop=loop, _browser_queue=ForwardMsgQueue(), sent=[])
    monkeypatch.setattr(sending, "_session", lambda: fake)
    yield fake
    loop.call_soon_threadsafe(loop.stop)
    thread.join(timeout=5)
    loop.close()


def _hand_over(session, msg: ForwardMsg) -> None:
    """What the script thread does with an element: schedule its enqueue on the event loop,
    which is busy for LAG_S first and flushes FLUSH_S after enqueueing."""

    def busy_then_enqueue():
        time.sleep(LAG_S)  # the loop is behind (training held the GIL)
        session._browser_queue.enqueue(msg)
        session._event_loop.call_later(FLUSH_S, flush)

    def flush():
        session.sent.extend(session._browser_queue.flush())

    session._event_loop.call_soon_threadsafe(busy_then_enqueue)


def test_the_wait_covers_messages_the_event_loop_has_not_enqueued_yet(session):
    msg = ForwardMsg()
    msg.script_finished = ForwardMsg.FINISHED_SUCCESSFULLY
    _hand_over(session, msg)
    assert session._browser_queue.is_empty()  # a queue-only check would return here
    waited = sending.wait_until_sent(timeout_s=2.0)
    assert session.sent == [msg], "returned before the message had left"
    assert LAG_S <= waited < 1.0, waited


def test_the_wait_gives_up_at_its_time_limit(session):
    session._event_loop.call_soon_threadsafe(time.sleep, 0.5)  # a loop stuck for 0.5 s
    waited = sending.wait_until_sent(timeout_s=0.1)
    assert 0.1 <= waited < 0.4, waited


def test_without_a_session_nothing_waits(monkeypatch):
    monkeypatch.setattr(sending, "_session", lambda: None)
    assert sending.wait_until_sent(timeout_s=1.0) == 0.0

"""Small helpers shared by the kazoo tests."""
import queue
import time


class EventSink:
    """A kazoo watch callback that queues the events it receives."""

    def __init__(self):
        self.q = queue.Queue()

    def __call__(self, event):
        self.q.put(event)

    def get(self, timeout=5.0):
        return self.q.get(timeout=timeout)

    def none_within(self, seconds=0.5):
        try:
            ev = self.q.get(timeout=seconds)
        except queue.Empty:
            return True
        raise AssertionError("unexpected event %r" % (ev,))


def wait_until(pred, timeout=10.0, interval=0.05, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(interval)
    raise AssertionError("timed out waiting for %s" % what)

"""pytest fixtures shared by the suites. A suite's conftest.py does:

    sys.path.insert(0, <repo>/tests/lib); from zkfixtures import *  # noqa

Fixtures:
  zk_server     module-scoped shared server (TTL enabled, super digest super:superpw)
  server_factory  function-scoped: server_factory(cfg={...}, props={...}) -> started Server
  kz            factory of started KazooClients on zk_server (kz(server=..., **kwargs))
  raw           factory of RawConn with an open session on zk_server
  test_path     a unique, already-created base path for the test on zk_server
Every test gets a SIGALRM-based time limit (ZK_TEST_TIMEOUT seconds, default 60) since
pytest-timeout is not installed.
"""
import os
import re
import signal

import pytest

import rawclient
import zkserver

TEST_TIMEOUT = int(os.environ.get("ZK_TEST_TIMEOUT", "60"))


@pytest.fixture(autouse=True)
def _time_limit(request):
    def on_alarm(signum, frame):
        raise TimeoutError("test exceeded %ds" % TEST_TIMEOUT)
    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(TEST_TIMEOUT)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


@pytest.fixture(scope="module")
def zk_server():
    s = zkserver.Server(props=zkserver.default_props())
    try:
        s.start()
        yield s
    finally:
        s.cleanup()


@pytest.fixture
def server_factory():
    servers = []

    def make(cfg=None, props=None, with_defaults=True, **kw):
        p = dict(zkserver.default_props()) if with_defaults else {}
        p.update(props or {})
        s = zkserver.Server(cfg=cfg, props=p, **kw)
        servers.append(s)
        return s.start()
    yield make
    for s in servers:
        s.cleanup()


@pytest.fixture
def kz(zk_server):
    from kazoo.client import KazooClient
    clients = []

    def make(server=None, timeout=10.0, start=True, **kwargs):
        srv = server or zk_server
        kwargs.setdefault("connection_retry", dict(max_tries=-1, delay=0.1, max_delay=0.5))
        c = KazooClient(hosts=srv.hostport, timeout=timeout, **kwargs)
        clients.append(c)
        if start:
            c.start(timeout=15)
        return c
    yield make
    for c in clients:
        try:
            c.stop()
            c.close()
        except Exception:
            pass


@pytest.fixture
def raw(zk_server):
    conns = []

    def make(server=None, **kw):
        srv = server or zk_server
        c = rawclient.open_session(srv.host, srv.port, **kw)
        conns.append(c)
        return c
    yield make
    for c in conns:
        c.close_session()


@pytest.fixture
def test_path(request, kz):
    """A fresh persistent node /t_<testname> (deleted recursively at the end)."""
    name = re.sub(r"[^A-Za-z0-9_]", "_", request.node.name)[:80]
    path = "/t_" + name
    c = kz(auth_data=[("digest", "%s:%s" % (zkserver.SUPER_USER, zkserver.SUPER_PASSWORD))])
    if c.exists(path):
        c.delete(path, recursive=True)
    c.create(path)
    yield path
    try:
        if c.connected:
            c.delete(path, recursive=True)
    except Exception:
        pass

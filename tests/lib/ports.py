"""Free loopback ports for test servers, shared by every launcher under tests/."""
import socket

_PORTS_HANDED_OUT = set()


def free_port():
    """A free loopback port, never one this process handed out before: the kernel may
    return the same ephemeral port to two quick binds, and one server's client and
    metrics ports must differ."""
    while True:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        if port not in _PORTS_HANDED_OUT:
            _PORTS_HANDED_OUT.add(port)
            return port

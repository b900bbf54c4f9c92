"""Proof that the suite ran with no network when it was meant to.

`tools/offline` sets MNIST_EXPECT_OFFLINE=1 and runs the suite in a network namespace with
nothing but loopback. There, any connection to the outside must fail at once; if it does not,
the "offline" run was not offline and this test says so. Outside that wrapper it is skipped.
"""

import os
import socket

import pytest

OUTSIDE = [("1.1.1.1", 443), ("8.8.8.8", 53), ("151.101.0.223", 443)]  # public DNS, a CDN


@pytest.mark.skipif(os.environ.get("MNIST_EXPECT_OFFLINE") != "1", reason="not run under tools/offline")
@pytest.mark.parametrize("address", OUTSIDE, ids=[host for host, _ in OUTSIDE])
def test_network_is_unreachable(address):
    with pytest.raises(OSError):
        socket.create_connection(address, timeout=3).close()


@pytest.mark.skipif(os.environ.get("MNIST_EXPECT_OFFLINE") != "1", reason="not run under tools/offline")
def test_name_resolution_fails():
    with pytest.raises(OSError):
        socket.getaddrinfo("pypi.org", 443)


def test_loopback_works():
    """Jupyter kernels talk over 127.0.0.1, so loopback must work, offline or not."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    with socket.create_connection(server.getsockname(), timeout=3):
        pass
    server.close()

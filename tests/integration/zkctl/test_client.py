"""Runs the zkd_client library tests (client_test.cpp) against a real server."""
import os
import subprocess

import pytest

BIN = os.environ.get("ZKD_CLIENT_TEST_BIN")


@pytest.mark.skipif(not BIN, reason="ZKD_CLIENT_TEST_BIN not set (run through ctest)")
def test_client_library(server):
    r = subprocess.run([BIN], env=dict(os.environ, ZK_SERVER=server.addr),
                       capture_output=True, text=True, timeout=240)
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-2000:]
    assert "[  PASSED  ]" in r.stdout and "SKIPPED" not in r.stdout

#!/usr/bin/python3
"""ctest wrapper: start a server (ZK_TARGET), run the C client scenario binary against it.
Usage: run_cclient.py PATH/TO/cclient_test"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
import zkserver  # noqa: E402


def main():
    binary = sys.argv[1]
    with zkserver.Server(props=zkserver.default_props(), name="cclient") as s:
        try:
            p = subprocess.run([binary, s.hostport], timeout=120)
        except subprocess.TimeoutExpired:
            print("FAIL: cclient_test timed out after 120 s")
            return 1
        if not s.is_running():
            print("FAIL: server died\n" + s.log_tail())
            return 1
        return p.returncode


if __name__ == "__main__":
    sys.exit(main())

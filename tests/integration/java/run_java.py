#!/usr/bin/python3
"""ctest wrapper: compile JavaClientScenarios.java (into a temp dir) against the Debian
ZooKeeper client and Curator jars, start a server (ZK_TARGET) and run the scenarios."""
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "lib"))
import zkserver  # noqa: E402

JARS = ["zookeeper.jar", "zookeeper-jute.jar", "slf4j-api.jar", "slf4j-nop.jar",
        "curator-client.jar", "curator-framework.jar", "curator-recipes.jar", "guava.jar",
        "netty-all.jar", "metrics-core.jar"]
CP = ":".join("/usr/share/java/" + j for j in JARS)


def main():
    out = tempfile.mkdtemp(prefix="zktest-java-")
    try:
        subprocess.run(["javac", "-nowarn", "-d", out, "-cp", CP,
                        os.path.join(HERE, "JavaClientScenarios.java")], check=True, timeout=180)
        with zkserver.Server(props=zkserver.default_props(), name="java") as s:
            try:
                p = subprocess.run(["java", "-Xmx256m", "-cp", out + ":" + CP,
                                    "JavaClientScenarios", s.hostport], timeout=180)
            except subprocess.TimeoutExpired:
                print("FAIL: JavaClientScenarios timed out after 180 s")
                return 1
            if not s.is_running():
                print("FAIL: server died\n" + s.log_tail())
                return 1
            return p.returncode
    finally:
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

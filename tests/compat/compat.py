#!/usr/bin/python3
"""Differential protocol test: the same raw-protocol script against Apache ZooKeeper
(reference) and the target (ZK_TARGET=zkd|zookeeper; with zookeeper the target is a
second ZooKeeper, which proves the normalization). Replies are compared byte for byte
after normalizing zxids, times, session ids and passwords (normalize.py).

Usage: compat.py [--dump DIR] [--only main|malformed] [--keep-going]
Exit 0 = no differences. Prints the first difference in full, then a one-line list of
all differing steps.
"""
import argparse
import os
import re
import sys
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
sys.path.insert(0, HERE)

import driver  # noqa: E402
import script  # noqa: E402
import zkserver  # noqa: E402


def describe(st):
    if st[0] == "req":
        from jute import OPNAME
        op = OPNAME.get(st[2], st[2])
        body = st[3]
        body = "<computed>" if callable(body) else body[:48].hex() + ("..." if len(body) > 48 else "")
        return "%s %s xid=%s body=%s" % (st[1], op, st[4], body)
    if st[0] == "raw":
        return "%s raw %s" % (st[1], st[2][:40].hex() if isinstance(st[2], bytes) else "<fn>")
    return " ".join(str(x) for x in st)


def run_both(servers, fn):
    """Run fn(server) for both servers concurrently; return [result_ref, result_target]."""
    results = [None, None]
    errors = [None, None]

    def work(i):
        try:
            results[i] = fn(servers[i])
        except Exception as e:  # reported below
            import traceback
            errors[i] = traceback.format_exc()
    threads = [threading.Thread(target=work, args=(i,)) for i in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    for i, e in enumerate(errors):
        if e:
            raise RuntimeError("driver failed on %s:\n%s" % (servers[i].kind, e))
    return results


def _loose(frames):
    """The same frames with every zxid placeholder blanked (no cascade after a divergence)."""
    return [re.sub(r"'Z\d+'", "'Z'", f) for f in frames]


def compare(title, ref, tgt, names, accepted=None):
    """ref/tgt: lists of (step, frames). Returns list of differing indexes.

    Strict comparison (zxids mapped by order of appearance) decides pass/fail and the
    first difference is printed in full. Because one extra or missing zxid shifts every
    later placeholder, a loose pass (zxids blanked) then lists the steps that differ in
    anything else, each with its first differing line from both servers."""
    accepted = accepted or {}
    diffs = [i for i, (a, b) in enumerate(zip(ref, tgt)) if a[1] != b[1]]
    if len(ref) != len(tgt):
        diffs.append(min(len(ref), len(tgt)))
    for i in [d for d in diffs if d in accepted]:
        print("%s: accepted deviation at step %d (%s): %s" % (title, i, describe(ref[i][0]),
                                                              accepted[i]))
    diffs = [d for d in diffs if d not in accepted]
    if not diffs:
        print("%s: %d steps, no differences" % (title, len(ref)))
        return diffs
    i = diffs[0]
    print("=" * 78)
    print("%s: FIRST DIFFERENCE at step %d: %s" % (title, i, describe(ref[i][0])))
    for label, seq in ((names[0], ref), (names[1], tgt)):
        print("  %s:" % label)
        for line in seq[i][1] if i < len(seq) else ["(missing)"]:
            print("    " + line)
    lo = max(0, i - 3)
    print("  context (previous steps, %s):" % names[0])
    for j in range(lo, i):
        print("    [%d] %s -> %s" % (j, describe(ref[j][0]), " | ".join(ref[j][1])[:200]))
    print("%s: %d step(s) differ strictly: %s" % (title, len(diffs),
                                                ", ".join(str(d) for d in diffs[:40])))
    loose = [j for j, (a, b) in enumerate(zip(ref, tgt)) if _loose(a[1]) != _loose(b[1])]
    print("%s: %d step(s) differ beyond zxid numbering:" % (title, len(loose)))
    for j in loose[:25]:
        a, b = _loose(ref[j][1]), _loose(tgt[j][1])
        k = next((n for n in range(max(len(a), len(b)))
                  if (a[n] if n < len(a) else None) != (b[n] if n < len(b) else None)), 0)
        print("  [%d] %s" % (j, describe(ref[j][0])))
        print("      %-16s %s" % (names[0] + ":", (a[k] if k < len(a) else "(nothing)")[:300]))
        print("      %-16s %s" % (names[1] + ":", (b[k] if k < len(b) else "(nothing)")[:300]))
    return diffs


def dump(path, seq):
    with open(path, "w") as f:
        for i, (st, frames) in enumerate(seq):
            f.write("[%d] %s\n" % (i, describe(st)))
            for line in frames:
                f.write("    %s\n" % line)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dump", help="write both transcripts into this directory")
    ap.add_argument("--only", choices=["main", "malformed"])
    args = ap.parse_args()

    tgt_kind = zkserver.target()
    props = zkserver.default_props()
    servers = [zkserver.Server(kind="zookeeper", props=props, name="ref"),
               zkserver.Server(kind=tgt_kind, props=props, name="tgt")]
    names = ["zookeeper(ref)", "%s(target)" % tgt_kind]
    total = 0
    try:
        for s in servers:  # from the main thread: servers die with this process
            s.start()
        if args.only in (None, "main"):
            steps = script.main_script()
            ref, tgt = run_both(servers, lambda s: driver.run_script(s, steps))
            if args.dump:
                os.makedirs(args.dump, exist_ok=True)
                dump(os.path.join(args.dump, "main.ref.txt"), ref)
                dump(os.path.join(args.dump, "main.target.txt"), tgt)
            accepted = script.ACCEPTED if tgt_kind != "zookeeper" else {}
            total += len(compare("main script", ref, tgt, names, accepted))
        if args.only in (None, "malformed"):
            cases = script.malformed_cases()

            def run_cases(s):
                out = []
                for name, hs, data in cases:
                    seq = driver.run_script(s, script.malformed_steps(name, hs, data))
                    out.append(((("case", name),), [l for _, fr in seq for l in fr]))
                return out
            ref, tgt = run_both(servers, run_cases)
            ref = [(("case", st[0][1]), fr) for st, fr in ref]
            tgt = [(("case", st[0][1]), fr) for st, fr in tgt]
            if args.dump:
                dump(os.path.join(args.dump, "malformed.ref.txt"), ref)
                dump(os.path.join(args.dump, "malformed.target.txt"), tgt)
            total += len(compare("malformed frames", ref, tgt, names))
        for s in servers:  # both must have survived everything
            if not s.is_running():
                print("SERVER DIED: %s\n%s" % (s.kind, s.log_tail()))
                total += 1
    finally:
        for s in servers:
            s.cleanup()
    print("RESULT: %s" % ("PASS" if total == 0 else "FAIL (%d differences)" % total))
    return 0 if total == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

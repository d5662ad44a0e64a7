// `zkctl bench`: a pipelined load generator for ZooKeeper-protocol servers.
// argv[0] is "bench"; options as in usage() of options.h. Prints a text or JSON report on
// stdout. Returns 0 when the run completed (even with ZooKeeper errors, which are reported),
// 1 when the server could not be reached or a connection failed, 2 on bad usage.
#pragma once

int bench_main(int argc, char** argv);

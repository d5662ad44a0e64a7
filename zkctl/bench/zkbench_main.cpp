// Standalone `zkbench`: the same code as `zkctl bench`, without the rest of zkctl.
#include <string>
#include <vector>

#include "zkctl/bench/bench.h"

int main(int argc, char** argv) {
  std::string name = "bench";
  std::vector<char*> args{name.data()};
  for (int i = 1; i < argc; i++) args.push_back(argv[i]);
  return bench_main(int(args.size()), args.data());
}

#include "zkctl/cli.h"
namespace zkctl {
void register_cluster_commands(std::vector<Command>*) {}
}

#include "zkctl/cli.h"
namespace zkctl {
void register_tree_commands(std::vector<Command>*) {}
}

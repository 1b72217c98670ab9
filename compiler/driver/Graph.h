// `wfc graph`: the task graph as Graphviz DOT or a Mermaid flowchart.
#pragma once

#include "compiler/driver/Output.h"

#include <string>

namespace wfc::driver {

enum class GraphFormat { Dot, Mermaid };

struct GraphOptions {
  std::string input;
  std::string stdlibDir;
  std::string configPath; // empty: the nearest .wfc.yaml
  unsigned errorLimit = kDefaultErrorLimit; // 0: no limit
  GraphFormat format = GraphFormat::Dot;
  ColorMode color = ColorMode::Auto;
};

// Exit codes: 0 drawn, 1 the pipeline has errors (reported instead: what
// `wfc check` counts as one, with the same .wfc.yaml), 2 input error.
int runGraph(const GraphOptions &options, llvm::raw_ostream &out, llvm::raw_ostream &err);

} // namespace wfc::driver

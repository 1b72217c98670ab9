// `wfc graph`: the task graph as Graphviz DOT or a Mermaid flowchart.
//
// Each task shows its timeout and attempts; a task that receives secrets is
// drawn in red with their names; an edge into a task whose trigger rule is
// not all_success carries the rule's name.
#include "compiler/driver/Graph.h"

#include "compiler/checks/Checks.h"
#include "compiler/checks/CriticalPath.h"
#include "compiler/checks/ExprWalk.h"
#include "compiler/diag/DiagnosticEngine.h"
#include "compiler/diag/Render.h"
#include "compiler/driver/Compile.h"
#include "compiler/lower/Lower.h"
#include "support/Units.h"

#include "llvm/ADT/STLExtras.h"

#include <fmt/format.h>

#include <set>

namespace wfc::driver {
namespace {

// The secrets whose values reach a task (through its env, where they belong,
// or anywhere else, which secret-leak reports), by name, sorted.
std::vector<std::string> secretsOf(const ir::Program &p, const ir::Task &task) {
  std::set<std::string> names;
  for (const checks::TaskExpr &expr : checks::taskExprs(task))
    checks::forEachLeaf(p, expr.expr, [&](ir::ExprId leaf, llvm::ArrayRef<ir::ExprId>) {
      if (const ir::Expr &e = p.expr(leaf); e.is<ir::SecretRefExpr>())
        names.insert(p.secrets[e.as<ir::SecretRefExpr>().secret.index()].name);
    });
  return {names.begin(), names.end()};
}

std::string detail(const ir::Task &task) {
  std::string out = task.timeoutMs ? "timeout " + formatDuration(*task.timeoutMs) : "no timeout";
  if (task.retry.attempts > 1)
    out += fmt::format(", {} attempts", task.retry.attempts);
  return out;
}

std::string dotQuote(llvm::StringRef text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\')
      out += '\\';
    out += c;
  }
  return out + "\"";
}

// The tasks and edges of the worst-case critical path (empty with a cycle).
struct Critical {
  std::vector<bool> task;
  std::set<std::pair<uint32_t, uint32_t>> edge;
  int64_t totalMs = 0;
};

Critical criticalOf(const ir::Program &p) {
  Critical critical;
  critical.task.assign(p.tasks.size(), false);
  ir::TaskGraph graph(p);
  if (!graph.cycles().empty() || p.tasks.empty())
    return critical;
  CriticalPath path = criticalPath(p, graph);
  critical.totalMs = path.totalMs;
  for (size_t i = 0; i < path.tasks.size(); ++i) {
    critical.task[path.tasks[i]] = true;
    if (i > 0)
      critical.edge.insert({path.tasks[i - 1], path.tasks[i]});
  }
  return critical;
}

void writeDot(llvm::raw_ostream &os, const ir::Program &p) {
  Critical critical = criticalOf(p);
  os << "digraph " << dotQuote(p.pipeline.name) << " {\n";
  os << "  rankdir=LR;\n";
  if (critical.totalMs)
    os << "  label=\"critical path (bold): " << formatDuration(critical.totalMs)
       << " in the worst case\"; labelloc=b;\n";
  os << "  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n";
  os << "  edge [fontname=\"Helvetica\", fontsize=10];\n";
  for (const ir::Task &task : p.tasks) {
    std::vector<std::string> secrets = secretsOf(p, task);
    os << "  " << dotQuote(task.name) << " [label=\"";
    for (char c : task.name)
      os << (c == '"' ? "\\\"" : std::string(1, c));
    os << "\\n" << detail(task);
    if (!secrets.empty())
      os << "\\nsecrets: " << fmt::format("{}", fmt::join(secrets, ", "));
    os << "\"";
    if (!secrets.empty())
      os << ", color=\"#b03030\", fontcolor=\"#b03030\"";
    if (critical.task[&task - p.tasks.data()])
      os << ", penwidth=3, style=\"rounded,bold\"";
    else if (!secrets.empty())
      os << ", penwidth=2";
    os << "];\n";
  }
  for (const ir::Task &task : p.tasks) {
    uint32_t to = static_cast<uint32_t>(&task - p.tasks.data());
    for (const ir::Dependency &dep : task.after) {
      os << "  " << dotQuote(p.task(dep.task).name) << " -> " << dotQuote(task.name);
      std::vector<std::string> attrs;
      if (task.trigger != ir::Trigger::AllSuccess)
        attrs.push_back("label=\"" + ir::spelling(task.trigger).str() + "\", style=dashed");
      if (critical.edge.count({dep.task.index(), to}))
        attrs.push_back("penwidth=3");
      if (!attrs.empty())
        os << " [" << fmt::format("{}", fmt::join(attrs, ", ")) << "]";
      os << ";\n";
    }
  }
  os << "}\n";
}

std::string mermaidText(llvm::StringRef text) {
  std::string out;
  for (char c : text) {
    if (c == '"')
      out += "#quot;";
    else if (c == '<')
      out += "#lt;";
    else if (c == '>')
      out += "#gt;";
    else
      out += c;
  }
  return out;
}

void writeMermaid(llvm::raw_ostream &os, const ir::Program &p) {
  Critical critical = criticalOf(p);
  os << "flowchart LR\n";
  // Classes are given by `class` lines after the nodes, one per class, so
  // that a task can be in both: receive secrets and lie on the critical path.
  std::vector<std::string> secretNodes;
  std::vector<std::string> criticalNodes;
  for (size_t i = 0; i < p.tasks.size(); ++i) {
    const ir::Task &task = p.tasks[i];
    std::vector<std::string> secrets = secretsOf(p, task);
    std::string node = "t" + std::to_string(i);
    os << "  " << node << "[\"" << mermaidText(task.name) << "<br/>" << detail(task);
    if (!secrets.empty())
      os << "<br/>secrets: " << mermaidText(fmt::format("{}", fmt::join(secrets, ", ")));
    os << "\"]\n";
    if (!secrets.empty())
      secretNodes.push_back(node);
    if (critical.task[i])
      criticalNodes.push_back(node);
  }
  // Mermaid styles links by their order of appearance.
  size_t link = 0;
  std::vector<size_t> criticalLinks;
  for (size_t i = 0; i < p.tasks.size(); ++i) {
    const ir::Task &task = p.tasks[i];
    for (const ir::Dependency &dep : task.after) {
      os << "  t" << dep.task.index();
      if (task.trigger != ir::Trigger::AllSuccess)
        os << " -. " << ir::spelling(task.trigger) << " .->";
      else
        os << " -->";
      os << " t" << i << '\n';
      if (critical.edge.count({dep.task.index(), static_cast<uint32_t>(i)}))
        criticalLinks.push_back(link);
      ++link;
    }
  }
  if (!secretNodes.empty()) {
    os << "  classDef secret stroke:#b03030,stroke-width:2px,color:#b03030\n";
    os << "  class " << fmt::format("{}", fmt::join(secretNodes, ",")) << " secret\n";
  }
  if (critical.totalMs) {
    // Defined after `secret`, so its stroke width wins on a task in both.
    os << "  classDef critical stroke-width:4px\n";
    if (!criticalNodes.empty())
      os << "  class " << fmt::format("{}", fmt::join(criticalNodes, ",")) << " critical\n";
    if (!criticalLinks.empty())
      os << "  linkStyle " << fmt::format("{}", fmt::join(criticalLinks, ",")) << " stroke-width:4px\n";
    os << "  %% critical path: " << formatDuration(critical.totalMs) << " in the worst case\n";
  }
}

} // namespace

int runGraph(const GraphOptions &options, llvm::raw_ostream &out, llvm::raw_ostream &err) {
  llvm::SourceMgr sm;
  ast::Context ctx;
  DiagnosticEngine diags;
  CompileOptions compileOptions;
  compileOptions.stdlibDir = options.stdlibDir;
  compileOptions.errorLimit = options.errorLimit;
  std::unique_ptr<CompiledInput> compiled =
      compileInput(options.input, options.configPath, sm, ctx, diags, compileOptions);
  int exitCode = compiled->exitCode;
  if (exitCode == 0) {
    // What `wfc build` would refuse makes the graph one of a pipeline with
    // errors too, as `wfc check` counts it.
    LowerOptions lowerOptions;
    lowerOptions.debugInfo = false;
    lowerOptions.finish = false;
    (void)lower(*compiled->result.program, sm, diags, lowerOptions);
    std::vector<Diagnostic> lowered = diags.takeDiagnostics();
    if (!lowered.empty())
      exitCode = llvm::any_of(lowered, [](const Diagnostic &d) {
                   return info(d.kind).group == DiagGroup::Input;
                 })
                     ? 2
                     : 1;
    llvm::append_range(compiled->found, std::move(lowered));
  }
  // A drawing is no place for warnings: they are shown with the errors that
  // stop it, and by `wfc check`.
  if (exitCode != 0) {
    std::vector<Diagnostic> found = std::move(compiled->found);
    sortByLocation(sm, found);
    renderText(err, sm, found, useColor(options.color, 2));
    return exitCode;
  }
  if (options.format == GraphFormat::Dot)
    writeDot(out, *compiled->result.program);
  else
    writeMermaid(out, *compiled->result.program);
  return 0;
}

} // namespace wfc::driver

// Google Benchmark: the parser alone (tokens/s) and the checks that verify a
// pipeline, sema and every rule (tasks/s), in process, on one .wf file.
//
//   build/release/bench/wfc_frontend_bench --wf=FILE.wf [benchmark flags]
// bench/gen_pipeline.py writes the benchmark pipeline; bench/README.md.
#include "compiler/ast/Ast.h"
#include "compiler/checks/Checks.h"
#include "compiler/diag/DiagnosticEngine.h"
#include "compiler/ir/TaskGraph.h"
#include "compiler/sema/Sema.h"
#include "compiler/syntax/Parse.h"

#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"

#include <benchmark/benchmark.h>

#include <cstring>
#include <iostream>

namespace {

std::unique_ptr<llvm::MemoryBuffer> gSource;

unsigned addSource(llvm::SourceMgr &sm) {
  return sm.AddNewSourceBuffer(llvm::MemoryBuffer::getMemBuffer(gSource->getMemBufferRef()),
                               llvm::SMLoc());
}

// Lexing, parsing with ANTLR and building the AST: what `wfc check --stats`
// calls parse.
void parse(benchmark::State &state) {
  size_t tokens = 0;
  for (auto _ : state) {
    llvm::SourceMgr sm;
    unsigned buffer = addSource(sm);
    wfc::ast::Context ctx;
    wfc::DiagnosticEngine diags;
    const wfc::ast::File *file = wfc::parse(sm, buffer, ctx, diags);
    if (diags.hasErrors()) {
      state.SkipWithError("the file has syntax errors");
      return;
    }
    tokens = file->tokens;
    benchmark::DoNotOptimize(file->decls.size());
  }
  state.counters["tokens/s"] =
      benchmark::Counter(double(tokens), benchmark::Counter::kIsIterationInvariantRate);
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(gSource->getBufferSize()));
}
BENCHMARK(parse)->Unit(benchmark::kMillisecond)->Repetitions(5)->ReportAggregatesOnly(true);

// Sema and every check on the parsed file: what `wfc check` does after
// parsing, as tasks (after loop expansion) a second.
void verify(benchmark::State &state) {
  llvm::SourceMgr sm;
  unsigned buffer = addSource(sm);
  wfc::ast::Context ctx;
  wfc::DiagnosticEngine parseDiags;
  const wfc::ast::File *file = wfc::parse(sm, buffer, ctx, parseDiags);
  size_t tasks = 0;
  for (auto _ : state) {
    wfc::DiagnosticEngine diags;
    std::vector<const wfc::ast::File *> files;
    wfc::ParsedModules modules;
    modules.modules.push_back({file, "bench.wf", nullptr});
    std::unique_ptr<wfc::ir::Program> program = wfc::analyze(modules, diags, &files);
    if (diags.hasErrors()) {
      state.SkipWithError("the file has errors");
      return;
    }
    wfc::ir::TaskGraph graph(*program);
    wfc::CheckPolicy policy;
    wfc::CheckContext checks{*program, graph, files, sm, diags, policy};
    wfc::runChecks(checks);
    tasks = program->tasks.size();
  }
  state.counters["tasks/s"] =
      benchmark::Counter(double(tasks), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(verify)->Unit(benchmark::kMillisecond)->Repetitions(5)->ReportAggregatesOnly(true);

} // namespace

int main(int argc, char **argv) {
  const char *path = nullptr;
  for (int i = 1; i < argc; ++i)
    if (std::strncmp(argv[i], "--wf=", 5) == 0)
      path = argv[i] + 5;
  if (!path) {
    std::cerr << "usage: wfc_frontend_bench --wf=FILE.wf [benchmark flags]\n";
    return 2;
  }
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> source = llvm::MemoryBuffer::getFile(path);
  if (!source) {
    std::cerr << "cannot read " << path << ": " << source.getError().message() << '\n';
    return 2;
  }
  gSource = std::move(*source);
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  return 0;
}

// Google Benchmark: loading and verifying a .wfb file, and encoding it.
//
//   build/release/bench/wfc_bytecode_bench --wfb=FILE.wfb [benchmark flags]
// bench/bytecode_bench.py builds the 100,000-task benchmark pipeline and runs it.
#include "runtime/bytecode/Reader.h"
#include "runtime/bytecode/Writer.h"
#include "support/Files.h"

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <cstring>
#include <iostream>

namespace {

std::string gBytes;

void loadAndVerify(benchmark::State &state) {
  llvm::ArrayRef<uint8_t> bytes(reinterpret_cast<const uint8_t *>(gBytes.data()), gBytes.size());
  size_t tasks = 0;
  for (auto _ : state) {
    llvm::Expected<wfc::bytecode::Module> module = wfc::bytecode::load(bytes);
    if (!module) {
      state.SkipWithError(llvm::toString(module.takeError()).c_str());
      return;
    }
    tasks = module->tasks.size();
    benchmark::DoNotOptimize(tasks);
  }
  state.counters["tasks/s"] =
      benchmark::Counter(double(tasks), benchmark::Counter::kIsIterationInvariantRate);
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(gBytes.size()));
}
BENCHMARK(loadAndVerify)->Unit(benchmark::kMillisecond)->Repetitions(5)->ReportAggregatesOnly(true);

void encodeAgain(benchmark::State &state) {
  llvm::ArrayRef<uint8_t> bytes(reinterpret_cast<const uint8_t *>(gBytes.data()), gBytes.size());
  llvm::Expected<wfc::bytecode::Module> module = wfc::bytecode::load(bytes);
  if (!module) {
    state.SkipWithError("the file does not load");
    return;
  }
  for (auto _ : state)
    benchmark::DoNotOptimize(wfc::bytecode::encode(*module).size());
}
BENCHMARK(encodeAgain)->Unit(benchmark::kMillisecond)->Repetitions(5)->ReportAggregatesOnly(true);

} // namespace

int main(int argc, char **argv) {
  const char *path = nullptr;
  for (int i = 1; i < argc; ++i)
    if (std::strncmp(argv[i], "--wfb=", 6) == 0)
      path = argv[i] + 6;
  if (!path) {
    std::cerr << "usage: wfc_bytecode_bench --wfb=FILE.wfb [benchmark flags]\n";
    return 2;
  }
  std::string error;
  std::optional<wfc::FileContents> contents = wfc::readFileBounded(path, 1ull << 30, error);
  if (!contents || contents->tooLarge) {
    std::cerr << "cannot read " << path << ": " << (contents ? "larger than 1 GiB" : error) << '\n';
    return 2;
  }
  gBytes = std::move(contents->bytes);
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  return 0;
}

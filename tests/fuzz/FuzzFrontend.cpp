// libFuzzer target: the compiler's front end on arbitrary source text.
//
// Parse, analyse, check and, when the program is clean, lower and encode it;
// the bytes must then load and verify. Nothing may crash or hang.
#include "compiler/driver/Compile.h"
#include "compiler/lower/Lower.h"
#include "compiler/source/Source.h"
#include "runtime/bytecode/Reader.h"
#include "runtime/bytecode/Writer.h"

#include "llvm/Support/MemoryBuffer.h"

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::SourceMgr sm;
  wfc::ast::Context ast;
  wfc::DiagnosticEngine diags;
  diags.setErrorLimit(50);
  std::optional<unsigned> buffer = wfc::addSource(
      llvm::MemoryBuffer::getMemBufferCopy(
          llvm::StringRef(reinterpret_cast<const char *>(data), size), "fuzz.wf"),
      sm, diags);
  if (!buffer)
    return 0;
  wfc::driver::CompileOptions options;
  options.stdlibDir = WFC_STDLIB_DIR;
  wfc::driver::CompileResult result = wfc::driver::compile(sm, ast, diags, *buffer, options);
  if (diags.hasErrors() || !result.program)
    return 0;
  std::optional<wfc::bytecode::Module> module =
      wfc::lower(*result.program, sm, diags, wfc::LowerOptions());
  if (!module)
    return 0;
  std::vector<uint8_t> bytes = wfc::bytecode::encode(*module);
  llvm::Expected<wfc::bytecode::Module> loaded = wfc::bytecode::load(bytes);
  if (!loaded) {
    llvm::errs() << "compiled bytecode does not verify: " << llvm::toString(loaded.takeError())
                 << '\n';
    std::abort();
  }
  return 0;
}

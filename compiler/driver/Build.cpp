// `wfc build` compiles a pipeline to bytecode; `wfc disasm` prints bytecode.
#include "compiler/driver/Build.h"

#include "compiler/diag/Render.h"
#include "compiler/driver/Compile.h"
#include "compiler/lower/Lower.h"
#include "runtime/bytecode/Disasm.h"
#include "runtime/bytecode/Reader.h"
#include "runtime/bytecode/Writer.h"
#include "support/Files.h"

#include "llvm/Support/Path.h"

#include <fmt/format.h>

#include <sys/stat.h>
#include <unistd.h>

namespace wfc::driver {

std::optional<std::vector<uint8_t>> compileToBytecode(const BuildOptions &options,
                                                      llvm::raw_ostream &err, int &exitCode) {
  llvm::SourceMgr sm;
  ast::Context ast;
  DiagnosticEngine diags;
  diags.setWarningsAsErrors(options.werror);
  auto report = [&](std::vector<Diagnostic> found) {
    sortByLocation(sm, found);
    if (options.format == OutputFormat::Gcc)
      renderGcc(err, sm, found);
    else
      renderText(err, sm, found, useColor(options.color, 2));
  };

  CompileOptions compileOptions;
  compileOptions.stdlibDir = options.stdlibDir;
  compileOptions.errorLimit = options.errorLimit;
  compileOptions.capacityCpuMilli = options.cpuMilli;
  compileOptions.capacityMemoryBytes = options.memoryBytes;
  std::unique_ptr<CompiledInput> compiled =
      compileInput(options.input, options.configPath, sm, ast, diags, compileOptions);
  std::vector<Diagnostic> found = std::move(compiled->found);
  if (compiled->exitCode != 0) {
    report(std::move(found));
    exitCode = compiled->exitCode;
    return std::nullopt;
  }
  const CompileResult &result = compiled->result;

  LowerOptions lowerOptions;
  lowerOptions.debugInfo = options.debugInfo;
  lowerOptions.stdlibDir = options.stdlibDir;
  std::optional<bytecode::Module> module = lower(*result.program, sm, diags, lowerOptions);
  llvm::append_range(found, diags.takeDiagnostics());
  // A limit (a string or the file too large) is an input error, as in check.
  bool inputError = llvm::any_of(found, [](const Diagnostic &d) {
    return d.severity == Severity::Error && info(d.kind).group == DiagGroup::Input;
  });
  report(std::move(found));
  if (!module) {
    exitCode = inputError ? 2 : 1;
    return std::nullopt;
  }
  std::vector<uint8_t> bytes = bytecode::encode(*module);
  // What wfc writes, wfc must be able to read: a failure here is a wfc bug.
  if (llvm::Expected<bytecode::Module> check = bytecode::load(bytes); !check) {
    err << "wfc: internal error: the bytecode does not verify: "
        << llvm::toString(check.takeError()) << '\n';
    exitCode = 2;
    return std::nullopt;
  }
  return bytes;
}

namespace {

// What is wrong with writing to `output`, if anything. The file is renamed
// into place, which replaces whatever the path names: only a new path or a
// regular file may be written over (never a device such as /dev/full, a
// FIFO, or a symbolic link, which would become a file), and never the
// input itself, however it is named (a hard link, `x.wfb` built to itself).
std::optional<std::string> outputProblem(const std::string &input, const std::string &output) {
  struct stat out;
  if (::lstat(output.c_str(), &out) != 0)
    return std::nullopt; // a new path (or one writeFileAtomically explains)
  if (S_ISDIR(out.st_mode))
    return std::string("Is a directory");
  if (!S_ISREG(out.st_mode)) {
    const char *kind = S_ISLNK(out.st_mode)    ? "a symbolic link"
                       : S_ISFIFO(out.st_mode) ? "a FIFO"
                       : S_ISCHR(out.st_mode)  ? "a character device"
                       : S_ISBLK(out.st_mode)  ? "a block device"
                       : S_ISSOCK(out.st_mode) ? "a socket"
                                               : "of an unknown type";
    return fmt::format("it is not a regular file ({}); wfc build writes only a new file or "
                       "over a regular one",
                       kind);
  }
  struct stat in;
  int got = input == "-" ? ::fstat(STDIN_FILENO, &in) : ::stat(input.c_str(), &in);
  if (got == 0 && in.st_dev == out.st_dev && in.st_ino == out.st_ino)
    return fmt::format("it is the input{}; the source would be lost",
                       input == "-" ? " (standard input)" : "");
  return std::nullopt;
}

} // namespace

int runBuild(const BuildOptions &options, llvm::raw_ostream &out, llvm::raw_ostream &err) {
  int exitCode = 0;
  std::optional<std::vector<uint8_t>> bytes = compileToBytecode(options, err, exitCode);
  if (!bytes) {
    if (exitCode == 1)
      err << "wfc build: " << options.input << " has errors; nothing was written\n";
    return exitCode;
  }

  std::string output = options.output;
  if (output.empty()) {
    llvm::SmallString<256> path(options.input == "-" ? "stdin.wf" : options.input);
    llvm::sys::path::replace_extension(path, "wfb");
    output = std::string(path);
  }
  std::string error;
  if (std::optional<std::string> problem = outputProblem(options.input, output)) {
    err << "wfc build: cannot write '" << output << "': " << *problem << '\n';
    return 2;
  }
  if (!writeFileAtomically(output, *bytes, error)) {
    err << "wfc build: cannot write '" << output << "': " << error << '\n';
    return 2;
  }
  return 0;
}

int runDisasm(const std::string &input, llvm::raw_ostream &out, llvm::raw_ostream &err) {
  std::string error;
  std::optional<FileContents> data = readFileBounded(input, kMaxBytecodeBytes, error);
  if (!data) {
    err << "wfc disasm: cannot read '" << input << "': " << error << '\n';
    return 2;
  }
  if (data->tooLarge) {
    err << "wfc disasm: '" << input << "' is larger than " << (kMaxBytecodeBytes >> 20)
        << " MiB, the most wfc reads\n";
    return 2;
  }
  llvm::ArrayRef<uint8_t> bytes(reinterpret_cast<const uint8_t *>(data->bytes.data()),
                                data->bytes.size());
  llvm::Expected<bytecode::Module> module = bytecode::load(bytes);
  if (!module) {
    err << "wfc disasm: " << input << ": invalid bytecode: " << llvm::toString(module.takeError())
        << '\n';
    return 2;
  }
  bytecode::disassemble(out, *module, bytes.size());
  return 0;
}

} // namespace wfc::driver

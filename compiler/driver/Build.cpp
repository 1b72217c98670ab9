// `wfc build` compiles a pipeline to bytecode; `wfc disasm` prints bytecode.
#include "compiler/driver/Build.h"

#include "compiler/config/Config.h"
#include "compiler/config/SecretRuleSets.h"
#include "compiler/diag/Render.h"
#include "compiler/driver/Compile.h"
#include "compiler/driver/Suppressions.h"
#include "compiler/lower/Lower.h"
#include "compiler/source/Source.h"
#include "runtime/bytecode/Disasm.h"
#include "runtime/bytecode/Reader.h"
#include "runtime/bytecode/Writer.h"
#include "support/Files.h"

#include "llvm/Support/Path.h"

namespace wfc::driver {

std::optional<std::vector<uint8_t>> compileToBytecode(const BuildOptions &options,
                                                      llvm::raw_ostream &err, int &exitCode) {
  llvm::SourceMgr sm;
  ast::Context ast;
  DiagnosticEngine diags;
  diags.setWarningsAsErrors(options.werror);

  // The same configuration `wfc check` would use.
  std::string configPath = options.configPath;
  if (configPath.empty() && options.input != "-")
    configPath = findConfig(llvm::sys::path::parent_path(options.input));
  std::optional<Config> config;
  if (!configPath.empty()) {
    config = loadConfig(configPath, sm, diags);
    if (!config) {
      renderText(err, sm, diags.diagnostics(), useColor(options.color, 2));
      exitCode = 2;
      return std::nullopt;
    }
    config->configure(diags);
  }
  // hardcoded-secret's rules, as `wfc check` finds them.
  SecretRuleSets secretRuleSets(sm, diags);
  bool secretsFailed = false;
  const secrets::RuleSet *secretRules = secretRuleSets.forFile(
      options.input == "-" ? llvm::StringRef("./-") : llvm::StringRef(options.input),
      config ? &*config : nullptr, secretsFailed);
  if (secretsFailed) {
    renderText(err, sm, diags.diagnostics(), useColor(options.color, 2));
    exitCode = 2;
    return std::nullopt;
  }

  auto report = [&](std::vector<Diagnostic> found) {
    sortByLocation(sm, found);
    if (options.format == OutputFormat::Gcc)
      renderGcc(err, sm, found);
    else
      renderText(err, sm, found, useColor(options.color, 2));
  };

  std::optional<unsigned> buffer = loadSource({options.input, options.input}, sm, diags);
  if (!buffer) {
    report(diags.takeDiagnostics());
    exitCode = 2;
    return std::nullopt;
  }
  CompileOptions compileOptions;
  compileOptions.stdlibDir = options.stdlibDir;
  compileOptions.config = config ? &*config : nullptr;
  compileOptions.secretRules = secretRules;
  CompileResult result = compile(sm, ast, diags, *buffer, compileOptions);
  std::vector<Diagnostic> found = diags.takeDiagnostics();
  applySuppressions(sm, result.files, found, diags, result.checksRan);
  llvm::append_range(found, diags.takeDiagnostics());
  bool failed = llvm::any_of(found, [](const Diagnostic &d) { return d.severity == Severity::Error; });
  bool inputError = llvm::any_of(found, [](const Diagnostic &d) {
    return d.severity == Severity::Error && info(d.kind).group == DiagGroup::Input;
  });
  if (failed || !result.program) {
    report(std::move(found));
    exitCode = inputError ? 2 : 1;
    return std::nullopt;
  }

  LowerOptions lowerOptions;
  lowerOptions.debugInfo = options.debugInfo;
  lowerOptions.stdlibDir = options.stdlibDir;
  std::optional<bytecode::Module> module = lower(*result.program, result.files, sm, diags, lowerOptions);
  llvm::append_range(found, diags.takeDiagnostics());
  report(std::move(found));
  if (!module) {
    exitCode = 1;
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

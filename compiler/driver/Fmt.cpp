// `wfc fmt`: rewrite pipelines in the one canonical layout.
//
// A file is parsed first and refused, untouched, when it has syntax errors:
// fmt lays out what the parser read, and after an error that is not all of
// the file. A rewrite replaces the file atomically (a temporary file renamed
// over it), through a symbolic link to its target, and only a regular file
// that has not changed since it was read.
#include "compiler/driver/Fmt.h"

#include "compiler/ast/Ast.h"
#include "compiler/diag/DiagnosticEngine.h"
#include "compiler/format/Format.h"
#include "compiler/format/TextDiff.h"
#include "compiler/source/Source.h"
#include "compiler/syntax/Parse.h"

#include "support/Files.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"

#include <sys/stat.h>

namespace wfc::driver {
namespace {

enum class Outcome { Unchanged, Changed, Refused };

// What identifies a file's contents without reading them again.
struct FileStamp {
  dev_t device = 0;
  ino_t inode = 0;
  off_t size = 0;
  int64_t modifiedNs = 0;
  mode_t mode = 0;
  bool operator==(const FileStamp &o) const {
    return device == o.device && inode == o.inode && size == o.size &&
           modifiedNs == o.modifiedNs;
  }
};

std::optional<FileStamp> stampOf(const std::string &path) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
    return std::nullopt;
  return FileStamp{st.st_dev, st.st_ino, st.st_size,
                   int64_t(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec,
                   st.st_mode};
}

// The file a path names, symbolic links followed.
std::optional<std::string> targetOf(const std::string &path, std::string &error) {
  llvm::SmallString<256> target;
  if (std::error_code ec = llvm::sys::fs::real_path(path, target)) {
    error = ec.message();
    return std::nullopt;
  }
  return std::string(target);
}

// Replaces `path`'s target with `text`, if it is still the file `read`.
bool writeBack(const std::string &path, const std::optional<FileStamp> &read,
               llvm::StringRef text, std::string &error) {
  std::optional<std::string> target = targetOf(path, error);
  if (!target)
    return false;
  std::optional<FileStamp> now = stampOf(*target);
  if (!now) {
    error = "not a regular file";
    return false;
  }
  if (!read || !(*now == *read)) {
    error = "it changed while it was being formatted; run wfc fmt again";
    return false;
  }
  return writeFileAtomically(*target, llvm::arrayRefFromStringRef(text), error,
                             now->mode & 07777);
}

void report(llvm::raw_ostream &err, const FmtOptions &options, const llvm::SourceMgr &sm,
            DiagnosticEngine &diags) {
  std::vector<FileReport> reports;
  reports.push_back({&sm, diags.takeDiagnostics()});
  writeReports(err, OutputFormat::Text, useColor(options.color, 2), reports,
               totals(reports, 1), /*summary=*/false);
}

// Formats one input and does with the result what the options say.
Outcome formatInput(const SourceInput &input, const FmtOptions &options, llvm::raw_ostream &out,
                    llvm::raw_ostream &err) {
  bool isStdin = input.path == "-";
  std::optional<FileStamp> stamp;
  if (!isStdin) {
    std::string ignored;
    if (std::optional<std::string> target = targetOf(input.path, ignored))
      stamp = stampOf(*target);
  }
  llvm::SourceMgr sm;
  DiagnosticEngine diags;
  diags.setErrorLimit(50);
  std::optional<unsigned> buffer = loadSource(input, sm, diags);
  ast::Context ctx;
  const ast::File *file = buffer ? parse(sm, *buffer, ctx, diags) : nullptr;
  if (!file || diags.hasErrors()) {
    report(err, options, sm, diags);
    if (file)
      err << "wfc fmt: " << input.displayName << " has syntax errors; it is left as it is\n";
    return Outcome::Refused;
  }
  llvm::StringRef source = sm.getMemoryBuffer(*buffer)->getBuffer();
  std::string text = formatFile(*file, source);
  bool changed = text != source;
  if (options.check && changed)
    out << input.displayName << '\n';
  if (options.diff && changed)
    writeUnifiedDiff(out, input.displayName + "\t(original)",
                     input.displayName + "\t(formatted)", source, text);
  if (options.check || options.diff)
    return changed ? Outcome::Changed : Outcome::Unchanged;
  if (isStdin) {
    out << text;
    return changed ? Outcome::Changed : Outcome::Unchanged;
  }
  if (!changed)
    return Outcome::Unchanged;
  std::string error;
  if (!writeBack(input.path, stamp, text, error)) {
    err << "wfc fmt: cannot write " << input.displayName << ": " << error << '\n';
    return Outcome::Refused;
  }
  return Outcome::Changed;
}

} // namespace

int runFmt(const FmtOptions &options, llvm::raw_ostream &out, llvm::raw_ostream &err) {
  if (options.inputs.empty()) {
    err << "wfc fmt: no input files (give files, directories, or - for stdin)\n";
    return 2;
  }
  llvm::SourceMgr setupSm;
  DiagnosticEngine setupDiags;
  std::vector<SourceInput> inputs =
      expandInputs(options.inputs, options.stdinFilename, setupDiags);
  bool failed = setupDiags.hasErrors();
  if (failed)
    report(err, options, setupSm, setupDiags);
  bool changed = false;
  for (const SourceInput &input : inputs) {
    Outcome outcome = formatInput(input, options, out, err);
    failed = failed || outcome == Outcome::Refused;
    changed = changed || outcome == Outcome::Changed;
    out.flush();
  }
  if (failed)
    return 2;
  return (options.check || options.diff) && changed ? 1 : 0;
}

} // namespace wfc::driver

// SARIF 2.1.0 output, as GitHub code scanning accepts it.
#include "compiler/driver/Sarif.h"

#include "compiler/diag/Render.h"
#include "compiler/diag/RuleDocs.h"

#include "wfc/Config.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/ConvertUTF.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/xxhash.h"

#include <fmt/format.h>

#include <map>

namespace wfc::driver {
namespace {

const char kSrcRoot[] = "%SRCROOT%";
// The standard library usually lives outside the repository (next to wfc);
// its files are named relative to it so that no absolute URI is written.
const char kStdlibRoot[] = "WFC_STDLIB";

std::string percentEncode(llvm::StringRef path) {
  std::string out;
  for (unsigned char c : path) {
    if (llvm::isAlnum(c) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~')
      out += static_cast<char>(c);
    else
      out += fmt::format("%{:02X}", c);
  }
  return out;
}

// SARIF counts columns in UTF-16 code units by default.
unsigned utf16Column(const llvm::SourceMgr &sm, llvm::SMLoc loc) {
  if (!loc.isValid())
    return 0;
  auto [line, column] = sm.getLineAndColumn(loc);
  llvm::StringRef prefix(loc.getPointer() - (column - 1), column - 1);
  unsigned units = 0;
  for (size_t i = 0; i < prefix.size();) {
    unsigned char c = prefix[i];
    unsigned length = c < 0x80 ? 1 : llvm::getNumBytesForUTF8(c);
    units += length == 4 ? 2 : 1;
    i += std::max(1u, length);
  }
  return units + 1;
}

llvm::json::Object region(const llvm::SourceMgr &sm, llvm::SMRange range) {
  Location where = locate(sm, range);
  llvm::SMLoc end = range.End.isValid() && range.End.getPointer() > range.Start.getPointer()
                        ? range.End
                        : llvm::SMLoc::getFromPointer(range.Start.getPointer() + 1);
  return llvm::json::Object{{"startLine", where.line},
                            {"startColumn", utf16Column(sm, range.Start)},
                            {"endLine", where.endLine},
                            {"endColumn", utf16Column(sm, end)}};
}

std::string absolutePath(llvm::StringRef path) {
  llvm::SmallString<256> absolute(path);
  llvm::sys::fs::make_absolute(absolute);
  llvm::sys::path::remove_dots(absolute, /*remove_dot_dot=*/true);
  return std::string(absolute);
}

// `path` relative to `dir`, if it is inside it.
std::optional<llvm::StringRef> inside(llvm::StringRef path, llvm::StringRef dir) {
  if (dir.empty() || !path.consume_front(dir) || !path.consume_front("/"))
    return std::nullopt;
  return path;
}

class SarifWriter {
public:
  SarifWriter(std::string root, std::string stdlib)
      : root_(std::move(root)), stdlib_(std::move(stdlib)) {}

  // Files in the repository are relative to %SRCROOT%, stdlib files to
  // WFC_STDLIB; anything else keeps its absolute file:// URI.
  llvm::json::Object artifact(const std::string &file) {
    std::string absolute = absolutePath(file);
    if (std::optional<llvm::StringRef> relative = inside(absolute, root_))
      return llvm::json::Object{{"uri", percentEncode(*relative)}, {"uriBaseId", kSrcRoot}};
    if (std::optional<llvm::StringRef> relative = inside(absolute, stdlib_)) {
      usedStdlib_ = true;
      return llvm::json::Object{{"uri", percentEncode(*relative)}, {"uriBaseId", kStdlibRoot}};
    }
    return llvm::json::Object{{"uri", "file://" + percentEncode(absolute)}};
  }

  bool usedStdlib() const { return usedStdlib_; }

  llvm::json::Object location(const llvm::SourceMgr &sm, llvm::SMRange range,
                              const std::string &file) {
    Location where = locate(sm, range);
    llvm::json::Object physical{{"artifactLocation", artifact(where.hasPosition() ? where.file : file)}};
    if (where.hasPosition())
      physical["region"] = region(sm, range);
    return llvm::json::Object{{"physicalLocation", std::move(physical)}};
  }

  // Stable across unrelated edits: the rule and the text of the line, then
  // which occurrence of that pair in the file it is.
  std::string fingerprint(const llvm::SourceMgr &sm, const Diagnostic &diag,
                          const std::string &file) {
    std::string line;
    if (diag.range.Start.isValid()) {
      auto [lineNo, column] = sm.getLineAndColumn(diag.range.Start);
      const char *start = diag.range.Start.getPointer() - (column - 1);
      const char *end = start;
      const char *bufferEnd = sm.getMemoryBuffer(sm.FindBufferContainingLoc(diag.range.Start))
                                  ->getBufferEnd();
      while (end < bufferEnd && *end != '\n')
        ++end;
      for (llvm::StringRef word : llvm::split(llvm::StringRef(start, end - start), ' '))
        if (!word.trim().empty())
          line += word.trim().str() + " ";
    }
    uint64_t hash = llvm::xxHash64(diag.ruleId().str() + '\0' + line);
    std::string key = file + '\0' + std::to_string(hash);
    return fmt::format("{:016x}:{}", hash, ++occurrences_[key]);
  }

  llvm::json::Object result(const llvm::SourceMgr &sm, const Diagnostic &diag, size_t ruleIndex) {
    std::string file = locate(sm, diag).file;
    llvm::json::Array related;
    int id = 0;
    for (const DiagNote &note : diag.notes) {
      llvm::json::Object loc = location(sm, note.range, file);
      loc["id"] = id++;
      loc["message"] = llvm::json::Object{{"text", printable(note.message)}};
      related.push_back(std::move(loc));
    }
    llvm::json::Object out{
        {"ruleId", diag.ruleId()},
        {"ruleIndex", static_cast<int64_t>(ruleIndex)},
        {"level", diag.severity == Severity::Note ? "note" : severityName(diag.severity)},
        {"message", llvm::json::Object{{"text", printable(diag.message)}}},
        {"locations", llvm::json::Array{location(sm, diag.range, file)}},
        {"partialFingerprints",
         llvm::json::Object{{"primaryLocationLineHash", fingerprint(sm, diag, file)}}},
    };
    if (!related.empty())
      out["relatedLocations"] = std::move(related);
    if (llvm::json::Object properties = propertiesToJson(diag); !properties.empty())
      out["properties"] = std::move(properties);
    return out;
  }

private:
  std::string root_;
  std::string stdlib_;
  bool usedStdlib_ = false;
  std::map<std::string, unsigned> occurrences_;
};

llvm::json::Object rule(const DiagKindInfo &kind) {
  std::optional<RuleDoc> doc = findRuleDoc(kind.id);
  std::string summary = doc ? doc->summary.str() : kind.id.str();
  std::string text = doc ? doc->text.str() : summary;
  // Why the rule exists, in a few sentences; `help` has the whole document.
  std::string description = doc ? plainText(doc->explanation) : "";
  if (description.empty())
    description = summary;
  // The rule's name, as SARIF wants it: MissingTimeout.
  std::string name;
  for (llvm::StringRef part : llvm::split(kind.id, '-'))
    if (!part.empty())
      name += llvm::toUpper(part[0]) + part.drop_front().str();
  return llvm::json::Object{
      {"id", kind.id},
      {"name", name},
      {"shortDescription", llvm::json::Object{{"text", summary}}},
      {"fullDescription", llvm::json::Object{{"text", description}}},
      {"help", llvm::json::Object{{"text", text}, {"markdown", text}}},
      {"defaultConfiguration",
       llvm::json::Object{{"level", severityName(kind.severity)}}},
  };
}

} // namespace

std::string repositoryRoot() {
  llvm::SmallString<256> dir;
  llvm::sys::fs::current_path(dir);
  llvm::SmallString<256> cwd(dir);
  while (!dir.empty()) {
    llvm::SmallString<256> git(dir);
    llvm::sys::path::append(git, ".git");
    if (llvm::sys::fs::exists(git))
      return std::string(dir);
    llvm::StringRef parent = llvm::sys::path::parent_path(dir);
    if (parent == dir)
      break;
    dir = parent;
  }
  return std::string(cwd);
}

void writeSarif(llvm::raw_ostream &os, const std::vector<FileReport> &reports,
                const std::string &root, llvm::StringRef stdlibDir) {
  llvm::json::Array rules;
  llvm::ArrayRef<DiagKindInfo> kinds = allDiagKinds();
  for (const DiagKindInfo &kind : kinds)
    rules.push_back(rule(kind));
  // Imports resolve the stdlib's real path, so compare with that.
  llvm::SmallString<256> stdlib;
  if (!stdlibDir.empty() && llvm::sys::fs::real_path(stdlibDir, stdlib))
    stdlib = absolutePath(stdlibDir);
  SarifWriter writer(root, std::string(stdlib));
  llvm::json::Array results;
  for (const FileReport &report : reports)
    for (const Diagnostic &diag : report.diags)
      results.push_back(writer.result(*report.sm, diag, static_cast<size_t>(diag.kind)));
  llvm::json::Object bases{
      {kSrcRoot, llvm::json::Object{{"uri", "file://" + percentEncode(root) + "/"}}}};
  if (writer.usedStdlib())
    bases[kStdlibRoot] = llvm::json::Object{{"uri", "file://" + percentEncode(stdlib) + "/"}};
  llvm::json::Object run{
      {"tool",
       llvm::json::Object{{"driver",
                           llvm::json::Object{{"name", "wfc"},
                                              {"version", WFC_VERSION},
                                              {"semanticVersion", WFC_VERSION},
                                              {"rules", std::move(rules)}}}}},
      {"originalUriBaseIds", std::move(bases)},
      {"columnKind", "utf16CodeUnits"},
      {"results", std::move(results)},
  };
  llvm::json::Object log{
      {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
      {"version", "2.1.0"},
      {"runs", llvm::json::Array{std::move(run)}},
  };
  os << llvm::formatv("{0:2}", llvm::json::Value(std::move(log))) << '\n';
}

} // namespace wfc::driver

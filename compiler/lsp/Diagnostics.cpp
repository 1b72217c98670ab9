// Diagnostics as LSP publishes them, and locations in any compiled file.
#include "compiler/lsp/Features.h"

#include "compiler/diag/RuleDocs.h"
#include "compiler/lsp/Protocol.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

namespace wfc::lsp {
namespace {

std::string bufferUri(const llvm::SourceMgr &sm, unsigned buffer) {
  llvm::SmallString<256> path(sm.getMemoryBuffer(buffer)->getBufferIdentifier());
  llvm::sys::fs::make_absolute(path);
  return pathToUri(path);
}

int severityCode(Severity severity) {
  switch (severity) {
  case Severity::Error:
    return 1;
  case Severity::Warning:
    return 2;
  case Severity::Note:
    return 3;
  }
  return 1;
}

bool inText(const Analysis &analysis, llvm::SMLoc loc) {
  llvm::StringRef text = analysis.text();
  const char *at = loc.getPointer();
  return at && at >= text.begin() && at <= text.end();
}

// Where a diagnostic is shown in the document: its own range, or for one in
// an imported file, the first of its notes in the document (the template's
// use), else the first line; `prefix` then says where it really is.
llvm::SMRange shownRange(const Analysis &analysis, const Diagnostic &d, std::string &prefix) {
  if (inText(analysis, d.range.Start))
    return d.range;
  const llvm::SourceMgr &sm = analysis.sourceMgr();
  if (d.range.Start.isValid()) {
    auto [line, column] = sm.getLineAndColumn(d.range.Start);
    unsigned buffer = sm.FindBufferContainingLoc(d.range.Start);
    prefix = llvm::sys::path::filename(sm.getMemoryBuffer(buffer)->getBufferIdentifier()).str() +
             ":" + std::to_string(line) + ":" + std::to_string(column) + ": ";
  } else if (!d.file.empty() && d.file != analysis.path()) {
    prefix = d.file + ": ";
  }
  for (const DiagNote &note : d.notes)
    if (inText(analysis, note.range.Start))
      return note.range;
  llvm::SMLoc start = analysis.locAt(0);
  return {start, start};
}

llvm::json::Object diagnosticJson(const Analysis &analysis, const Diagnostic &d,
                                  llvm::StringRef ruleDocsUrl) {
  const llvm::SourceMgr &sm = analysis.sourceMgr();
  std::string prefix;
  llvm::SMRange range = shownRange(analysis, d, prefix);
  llvm::json::Object out{{"range", rangeToJson(sm, range)},
                         {"severity", severityCode(d.severity)},
                         {"code", d.ruleId()},
                         {"source", "wfc"},
                         {"message", prefix + d.message}};
  if (!ruleDocsUrl.empty() && findRuleDoc(d.ruleId()))
    out["codeDescription"] =
        llvm::json::Object{{"href", ruleDocsUrl.str() + d.ruleId().str() + ".md"}};
  llvm::json::Array related;
  if (!prefix.empty() && d.range.Start.isValid())
    related.push_back(llvm::json::Object{{"location", locationJson(sm, d.range)},
                                         {"message", d.message}});
  for (const DiagNote &note : d.notes)
    if (note.range.Start.isValid())
      related.push_back(llvm::json::Object{{"location", locationJson(sm, note.range)},
                                           {"message", note.message}});
  if (!related.empty())
    out["relatedInformation"] = std::move(related);
  return out;
}

} // namespace

llvm::json::Value locationJson(const llvm::SourceMgr &sm, llvm::SMRange range) {
  unsigned buffer = range.Start.isValid() ? sm.FindBufferContainingLoc(range.Start) : 0;
  if (buffer == 0)
    return nullptr;
  return llvm::json::Object{{"uri", bufferUri(sm, buffer)}, {"range", rangeToJson(sm, range)}};
}

llvm::json::Array diagnosticsJson(const Analysis &analysis, llvm::StringRef ruleDocsUrl) {
  std::vector<const Diagnostic *> sorted;
  for (const Diagnostic &d : analysis.diagnostics())
    sorted.push_back(&d);
  // In the order of the text; those of other files (shown on the first line) first.
  llvm::stable_sort(sorted, [&](const Diagnostic *a, const Diagnostic *b) {
    auto key = [&](const Diagnostic *d) {
      return inText(analysis, d->range.Start) ? analysis.offsetOf(d->range.Start) + 1 : 0;
    };
    return key(a) < key(b);
  });
  llvm::json::Array out;
  for (const Diagnostic *d : sorted)
    out.push_back(diagnosticJson(analysis, *d, ruleDocsUrl));
  return out;
}

} // namespace wfc::lsp

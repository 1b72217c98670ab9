// `// wfc:ignore[rule-a,rule-b] reason`: suppressing deliberate findings.
#include "compiler/driver/Suppressions.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

namespace wfc::driver {
namespace {

struct Ignore {
  unsigned line; // the line whose findings it suppresses
  llvm::SMRange range;
  std::vector<std::string> rules;
  std::vector<bool> used;
};

// Checks can be ignored; the warnings about ignores themselves cannot.
bool ignorable(llvm::StringRef id) {
  std::optional<DiagKind> kind = findDiagKind(id);
  return kind && info(*kind).group == DiagGroup::Check && !id.startswith("ignore-");
}

std::string closestRule(llvm::StringRef id) {
  std::string best;
  unsigned bestDistance = 4;
  for (const DiagKindInfo &kind : allDiagKinds()) {
    if (kind.group != DiagGroup::Check)
      continue;
    unsigned distance = id.edit_distance(kind.id, true, bestDistance);
    if (distance < bestDistance)
      best = kind.id.str(), bestDistance = distance;
  }
  return best;
}

// Parses one comment; reports what is wrong with it.
std::optional<Ignore> parseIgnore(const llvm::SourceMgr &sm, const ast::Comment &comment,
                                  DiagnosticEngine &report) {
  llvm::StringRef text = comment.text;
  llvm::StringRef body = text.drop_front(2).ltrim(); // after `//` or `/*`
  if (!body.startswith("wfc:ignore"))
    return std::nullopt;
  size_t at = body.data() - text.data();
  llvm::StringRef rest = text.substr(at + strlen("wfc:ignore"));
  const char *directive = comment.text.data() + at;
  llvm::SMRange range(llvm::SMLoc::getFromPointer(directive),
                      llvm::SMLoc::getFromPointer(directive + strlen("wfc:ignore")));
  if (!rest.consume_front("[") || rest.find(']') == llvm::StringRef::npos) {
    report.report(DiagKind::IgnoreUnknownRule, range,
                  "needs rule ids in brackets: wfc:ignore[rule-id] reason");
    return std::nullopt;
  }
  auto [list, after] = rest.split(']');
  llvm::StringRef reason = after.trim();
  if (reason.endswith("*/"))
    reason = reason.drop_back(2).trim();

  Ignore ignore;
  ignore.range = {range.Start, llvm::SMLoc::getFromPointer(list.end() + 1)};
  auto [line, column] = sm.getLineAndColumn(comment.range.Start);
  // Alone on its line: it speaks of the next line; after code, of its own.
  const char *lineStart = comment.range.Start.getPointer() - (column - 1);
  bool alone = llvm::StringRef(lineStart, column - 1).trim().empty();
  ignore.line = alone ? line + 1 : line;

  llvm::SmallVector<llvm::StringRef, 4> ids;
  list.split(ids, ',');
  for (llvm::StringRef id : ids) {
    id = id.trim();
    if (ignorable(id)) {
      ignore.rules.push_back(id.str());
      continue;
    }
    std::string hint;
    if (id.contains('*'))
      hint = "; list rule ids one by one, wildcards are not allowed";
    else if (id.startswith("ignore-") && findDiagKind(id))
      hint = "; the warnings about ignores cannot themselves be ignored";
    else if (findDiagKind(id))
      hint = "; syntax, type and input errors cannot be ignored";
    else if (std::string close = closestRule(id); !close.empty())
      hint = "; did you mean '" + close + "'?";
    report.report(DiagKind::IgnoreUnknownRule, ignore.range,
                  "names '" + id.str() + "', which is not a rule that can be ignored" + hint);
  }
  if (reason.empty())
    report.report(DiagKind::IgnoreWithoutReason, ignore.range);
  ignore.used.assign(ignore.rules.size(), false);
  return ignore;
}

} // namespace

unsigned applySuppressions(const llvm::SourceMgr &sm, llvm::ArrayRef<const ast::File *> files,
                           std::vector<Diagnostic> &diags, DiagnosticEngine &report,
                           bool checksRan) {
  std::vector<Ignore> ignores;
  for (const ast::File *file : files)
    for (const ast::Comment &comment : file->comments)
      if (std::optional<Ignore> ignore = parseIgnore(sm, comment, report))
        ignores.push_back(std::move(*ignore));
  if (ignores.empty())
    return 0;

  unsigned suppressed = 0;
  llvm::erase_if(diags, [&](const Diagnostic &diag) {
    if (info(diag.kind).group != DiagGroup::Check || !diag.range.Start.isValid())
      return false;
    unsigned line = sm.getLineAndColumn(diag.range.Start).first;
    unsigned buffer = sm.FindBufferContainingLoc(diag.range.Start);
    for (Ignore &ignore : ignores) {
      if (ignore.line != line || sm.FindBufferContainingLoc(ignore.range.Start) != buffer)
        continue;
      for (size_t i = 0; i < ignore.rules.size(); ++i) {
        if (ignore.rules[i] != diag.ruleId())
          continue;
        ignore.used[i] = true;
        ++suppressed;
        return true;
      }
    }
    return false;
  });
  if (!checksRan)
    return suppressed;
  for (const Ignore &ignore : ignores)
    for (size_t i = 0; i < ignore.rules.size(); ++i)
      if (!ignore.used[i])
        report.report(DiagKind::IgnoreUnused, ignore.range, ignore.rules[i]);
  return suppressed;
}

} // namespace wfc::driver

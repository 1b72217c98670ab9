// The table of diagnostic kinds, expanded from DiagnosticKinds.def.
#include "compiler/diag/Diagnostic.h"

#include "llvm/ADT/StringMap.h"

namespace wfc {
namespace {

const DiagKindInfo kKinds[] = {
#define WFC_DIAG(Name, Id, Sev, Group, Format)                                                    \
  {DiagKind::Name, Id, Severity::Sev, DiagGroup::Group, Format},
#include "compiler/diag/DiagnosticKinds.def"
};

const char *const kNoteFormats[] = {
#define WFC_NOTE(Name, Format) Format,
#include "compiler/diag/DiagnosticKinds.def"
};

} // namespace

const DiagKindInfo &info(DiagKind kind) { return kKinds[static_cast<size_t>(kind)]; }

const char *noteFormat(NoteKind kind) { return kNoteFormats[static_cast<size_t>(kind)]; }

llvm::ArrayRef<DiagKindInfo> allDiagKinds() { return kKinds; }

std::optional<DiagKind> findDiagKind(llvm::StringRef id) {
  static const llvm::StringMap<DiagKind> byId = [] {
    llvm::StringMap<DiagKind> map;
    for (const DiagKindInfo &kind : kKinds)
      map[kind.id] = kind.kind;
    return map;
  }();
  auto it = byId.find(id);
  if (it == byId.end())
    return std::nullopt;
  return it->second;
}

llvm::StringRef severityName(Severity severity) {
  switch (severity) {
  case Severity::Note:
    return "note";
  case Severity::Warning:
    return "warning";
  case Severity::Error:
    return "error";
  }
  return "error";
}

} // namespace wfc

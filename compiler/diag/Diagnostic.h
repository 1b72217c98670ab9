// The diagnostic record every phase produces, and the table of its kinds.
#pragma once

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/SMLoc.h"

#include <cstdint>
#include <optional>
#include <string>

namespace wfc {

enum class Severity : uint8_t { Note, Warning, Error };

// Which part of wfc found the problem; decides the exit code and whether a
// project may change the severity.
enum class DiagGroup : uint8_t { Input, Syntax, Semantic, Check };

enum class DiagKind : uint16_t {
#define WFC_DIAG(Name, Id, Severity, Group, Format) Name,
#include "compiler/diag/DiagnosticKinds.def"
};

enum class NoteKind : uint16_t {
#define WFC_NOTE(Name, Format) Name,
#include "compiler/diag/DiagnosticKinds.def"
};

struct DiagKindInfo {
  DiagKind kind;
  llvm::StringRef id;
  Severity severity;
  DiagGroup group;
  const char *format;
};

const DiagKindInfo &info(DiagKind kind);

// What an input-too-large error about a file or one declaration ends with.
constexpr const char *kSplitAdvice = ", the most wfc reads; split the pipeline into modules";
const char *noteFormat(NoteKind kind);
llvm::ArrayRef<DiagKindInfo> allDiagKinds();
std::optional<DiagKind> findDiagKind(llvm::StringRef id);
llvm::StringRef severityName(Severity severity);

// Where a message quotes text that is not wfc's own (the arguments of its
// format: names, values): [begin, end) byte offsets. Only there may a
// credential be masked; wfc's own words never are.
using TextSpans = llvm::SmallVector<std::pair<uint32_t, uint32_t>, 2>;

struct DiagNote {
  llvm::SMRange range;
  std::string message;
  TextSpans quoted = {};
};

struct Diagnostic {
  DiagKind kind;
  Severity severity;
  // Set for diagnostics about a whole file, which have no range.
  std::string file;
  // The caret goes at range.Start; an empty End marks a point.
  llvm::SMRange range;
  std::string message;
  llvm::SmallVector<DiagNote, 1> notes;
  // Source text that no report may show (hardcoded credentials on the lines
  // this diagnostic prints): the text report masks it. Empty for most.
  llvm::SmallVector<llvm::SMRange, 1> redacted;
  TextSpans quoted = {};
  // Details for machine-readable reports (JSON and SARIF "properties"), such
  // as which of hardcoded-secret's rules found a credential.
  llvm::SmallVector<std::pair<std::string, std::string>, 0> properties = {};

  llvm::StringRef ruleId() const { return info(kind).id; }
};

} // namespace wfc

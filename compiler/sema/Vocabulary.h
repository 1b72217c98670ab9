// The words semantic analysis knows, from the tables it checks against, for
// tools that must know them too: `wfc --print-vocabulary` prints them and
// tests/editors/ compares every editor grammar with that list.
#pragma once

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <vector>

namespace wfc::sema {

// The fields one kind of block accepts.
struct BlockFields {
  llvm::StringRef block; // "pipeline", "defaults", "environment", "limits", "task", "retry", "resources"
  llvm::ArrayRef<const char *> fields;
};

std::vector<BlockFields> knownFields();
llvm::ArrayRef<const char *> typeNames();
// Trigger rules (runtime/bytecode/Triggers.def).
std::vector<llvm::StringRef> triggerRules();

// From the *Fields.def tables.
llvm::ArrayRef<const char *> taskFields();
llvm::ArrayRef<const char *> retryFields();
llvm::ArrayRef<const char *> resourceFields();
llvm::ArrayRef<const char *> pipelineFields();
llvm::ArrayRef<const char *> defaultFields();
llvm::ArrayRef<const char *> environmentFields();
llvm::ArrayRef<const char *> limitFields();

// Names sema gives a meaning in one place, compared where they are used:
// the roots of references (params.X, secrets.X, run.environment,
// T.outputs.K), retry `on` conditions and backoff functions.
llvm::ArrayRef<const char *> referenceRoots();
llvm::ArrayRef<const char *> retryConditions();
llvm::ArrayRef<const char *> backoffFunctions();
// int, bool, string: the conversions an expression may call.
llvm::ArrayRef<const char *> conversions();

} // namespace wfc::sema

// The words semantic analysis knows, gathered from the tables it uses.
#include "compiler/sema/Vocabulary.h"

namespace wfc::sema {
namespace {

const char *const kReferenceRoots[] = {"params", "secrets", "run", "outputs", "environment"};
const char *const kRetryConditions[] = {"failure", "timeout", "exit"};
const char *const kBackoffFunctions[] = {"fixed", "exponential", "none"};

} // namespace

std::vector<BlockFields> knownFields() {
  return {{"pipeline", pipelineFields()},       {"defaults", defaultFields()},
          {"environment", environmentFields()}, {"limits", limitFields()},
          {"task", taskFields()},               {"retry", retryFields()}};
}

std::vector<llvm::StringRef> triggerRules() {
  std::vector<llvm::StringRef> names;
#define WFC_TRIGGER(Name, Spelling, NeedsUpstream) names.push_back(Spelling);
#include "runtime/bytecode/Triggers.def"
  return names;
}

llvm::ArrayRef<const char *> referenceRoots() { return kReferenceRoots; }
llvm::ArrayRef<const char *> retryConditions() { return kRetryConditions; }
llvm::ArrayRef<const char *> backoffFunctions() { return kBackoffFunctions; }

} // namespace wfc::sema

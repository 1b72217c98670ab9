// The words semantic analysis knows, gathered from the tables it uses.
#include "compiler/sema/Vocabulary.h"

namespace wfc::sema {
namespace {

const char *const kReferenceRoots[] = {"params", "secrets", "run", "outputs", "environment"};
const char *const kRetryConditions[] = {"failure", "timeout", "exit"};
const char *const kBackoffFunctions[] = {"fixed", "exponential", "none"};
const char *const kConversions[] = {"int", "bool", "string"};

// The field names, straight from the tables sema applies fields by.
const char *const kTaskFields[] = {
#define WFC_TASK_FIELD(Name, Handler, Form, InDefaults, Type, Doc) Name,
#include "compiler/sema/TaskFields.def"
};
const char *const kDefaultFields[] = {
#define WFC_TASK_FIELD(Name, Handler, Form, InDefaults, Type, Doc) InDefaults ? Name : nullptr,
#include "compiler/sema/TaskFields.def"
};
const char *const kRetryFields[] = {
#define WFC_RETRY_FIELD(Name, Handler, Type, Doc) Name,
#include "compiler/sema/RetryFields.def"
};
const char *const kResourceFields[] = {
#define WFC_RESOURCE_FIELD(Name, Handler, Type, Doc) Name,
#include "compiler/sema/ResourceFields.def"
};
const char *const kPipelineFields[] = {
#define WFC_PIPELINE_FIELD(Name, Handler, Type, Doc) Name,
#include "compiler/sema/PipelineFields.def"
};
const char *const kEnvironmentFields[] = {
#define WFC_ENVIRONMENT_FIELD(Name, Handler, Type, Doc) Name,
#include "compiler/sema/EnvironmentFields.def"
};
const char *const kLimitFields[] = {
#define WFC_LIMIT_FIELD(Name, Member, Kind, Max, Type, Doc) Name,
#include "compiler/sema/EnvironmentFields.def"
};

// kDefaultFields without the fields defaults may not set.
std::vector<const char *> presentOnly(llvm::ArrayRef<const char *> names) {
  std::vector<const char *> out;
  for (const char *name : names)
    if (name)
      out.push_back(name);
  return out;
}

} // namespace

std::vector<BlockFields> knownFields() {
  return {{"pipeline", pipelineFields()},       {"defaults", defaultFields()},
          {"environment", environmentFields()}, {"limits", limitFields()},
          {"task", taskFields()},               {"retry", retryFields()},
          {"resources", resourceFields()}};
}

std::vector<llvm::StringRef> triggerRules() {
  std::vector<llvm::StringRef> names;
#define WFC_TRIGGER(Name, Spelling, NeedsUpstream) names.push_back(Spelling);
#include "runtime/bytecode/Triggers.def"
  return names;
}

llvm::ArrayRef<const char *> taskFields() { return kTaskFields; }
llvm::ArrayRef<const char *> retryFields() { return kRetryFields; }
llvm::ArrayRef<const char *> resourceFields() { return kResourceFields; }
llvm::ArrayRef<const char *> pipelineFields() { return kPipelineFields; }
llvm::ArrayRef<const char *> defaultFields() {
  static const std::vector<const char *> fields = presentOnly(kDefaultFields);
  return fields;
}
llvm::ArrayRef<const char *> environmentFields() { return kEnvironmentFields; }
llvm::ArrayRef<const char *> limitFields() { return kLimitFields; }

llvm::ArrayRef<const char *> referenceRoots() { return kReferenceRoots; }
llvm::ArrayRef<const char *> retryConditions() { return kRetryConditions; }
llvm::ArrayRef<const char *> backoffFunctions() { return kBackoffFunctions; }
llvm::ArrayRef<const char *> conversions() { return kConversions; }

} // namespace wfc::sema

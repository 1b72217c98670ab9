// The reference of every block's fields, from the tables sema applies them by.
#include "compiler/sema/FieldDocs.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <vector>

namespace wfc::sema {
namespace {

struct FieldDoc {
  const char *name;
  const char *type;
  const char *doc;
};

const FieldDoc kTask[] = {
#define WFC_TASK_FIELD(Name, Handler, Form, InDefaults, Type, Doc) {Name, Type, Doc},
#include "compiler/sema/TaskFields.def"
};
const FieldDoc kRetry[] = {
#define WFC_RETRY_FIELD(Name, Handler, Type, Doc) {Name, Type, Doc},
#include "compiler/sema/RetryFields.def"
};
const FieldDoc kResources[] = {
#define WFC_RESOURCE_FIELD(Name, Handler, Type, Doc) {Name, Type, Doc},
#include "compiler/sema/ResourceFields.def"
};
const FieldDoc kPipeline[] = {
#define WFC_PIPELINE_FIELD(Name, Handler, Type, Doc) {Name, Type, Doc},
#include "compiler/sema/PipelineFields.def"
};
const FieldDoc kEnvironment[] = {
#define WFC_ENVIRONMENT_FIELD(Name, Handler, Type, Doc) {Name, Type, Doc},
#include "compiler/sema/EnvironmentFields.def"
};
const FieldDoc kLimits[] = {
#define WFC_LIMIT_FIELD(Name, Member, Kind, Max, Type, Doc) {Name, Type, Doc},
#include "compiler/sema/EnvironmentFields.def"
};
const char *const kDefaults[] = {
#define WFC_TASK_FIELD(Name, Handler, Form, InDefaults, Type, Doc) InDefaults ? Name : nullptr,
#include "compiler/sema/TaskFields.def"
};

template <size_t N> std::string section(llvm::StringRef block, const FieldDoc (&fields)[N]) {
  std::string out = block.str() + " has:\n\n";
  for (const FieldDoc &f : fields)
    out += fmt::format("- `{}` ({}): {}\n", f.name, f.type, f.doc);
  return out + "\n";
}

} // namespace

std::string fieldReference() {
  std::vector<std::string> names;
  for (const char *name : kDefaults)
    if (name)
      names.push_back(fmt::format("`{}`", name));
  std::string defaults = names.back();
  if (names.size() > 1)
    defaults = fmt::format("{} and {}", fmt::join(names.begin(), names.end() - 1, ", "), defaults);
  return section("A task (and a template's body)", kTask) + section("`retry { … }`", kRetry) +
         section("`resources { … }`", kResources) +
         section("`pipeline NAME { … }`", kPipeline) +
         "Its `defaults { … }` has the task fields " + defaults + ".\n\n" +
         section("`environment NAME { … }`", kEnvironment) + section("Its `limits { … }`", kLimits);
}

std::string withFieldReference(llvm::StringRef text) {
  size_t begin = text.find(kFieldsBegin);
  size_t end = text.find(kFieldsEnd);
  if (begin == llvm::StringRef::npos || end == llvm::StringRef::npos || end < begin)
    return text.str();
  size_t afterBegin = text.find('\n', begin);
  if (afterBegin == llvm::StringRef::npos || afterBegin > end)
    return text.str();
  return text.take_front(afterBegin + 1).str() + "\n" + fieldReference() +
         text.drop_front(end).str();
}

} // namespace wfc::sema

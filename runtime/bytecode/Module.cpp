// Small helpers of the module model.
#include "runtime/bytecode/Module.h"

namespace wfc::bytecode {

bool Policy::operator==(const Policy &o) const {
  return timeoutMs == o.timeoutMs && attempts == o.attempts && backoff == o.backoff &&
         baseMs == o.baseMs && factorMilli == o.factorMilli && capMs == o.capMs &&
         jitterMilli == o.jitterMilli && retryOn == o.retryOn && exitCodeCount == o.exitCodeCount;
}

const char *sectionName(SectionId id) {
  switch (id) {
#define WFC_SECTION(Name, Id, Spelling, Required)                                                  \
  case SectionId::Name:                                                                            \
    return Spelling;
#include "runtime/bytecode/Sections.def"
  }
  return "?";
}

const char *triggerName(uint8_t trigger) {
  static const char *const kNames[] = {
#define WFC_TRIGGER(Name, Spelling, NeedsUpstream) Spelling,
#include "runtime/bytecode/Triggers.def"
  };
  return trigger < std::size(kNames) ? kNames[trigger] : "?";
}

} // namespace wfc::bytecode

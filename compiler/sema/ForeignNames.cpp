// "Did you mean" for the names of other pipeline languages (ForeignNames.def)
// and for names written with '-' where wfc writes '_'.
#include "compiler/sema/SemaImpl.h"

namespace wfc::sema {

namespace {

struct ForeignName {
  NameBlock block;
  const char *foreign;
  const char *wfc;
};

const ForeignName kForeignNames[] = {
#define WFC_FOREIGN_NAME(Block, Foreign, Wfc) {NameBlock::Block, Foreign, Wfc},
#include "compiler/sema/ForeignNames.def"
};

} // namespace

std::string suggestName(NameBlock block, StringRef name,
                        llvm::ArrayRef<const char *> candidates) {
  for (const ForeignName &entry : kForeignNames)
    if (entry.block == block && name == entry.foreign)
      return fmt::format("; did you mean {}?", entry.wfc);
  std::string underscored = name.str();
  std::replace(underscored.begin(), underscored.end(), '-', '_');
  if (underscored != name && llvm::is_contained(candidates, StringRef(underscored)))
    return fmt::format("; did you mean '{}'? wfc's names take '_', not '-'", underscored);
  return suggest(name, candidates);
}

} // namespace wfc::sema

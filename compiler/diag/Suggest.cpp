// "Did you mean": the closest of the names a message could have meant.
#include "compiler/diag/Suggest.h"

#include <algorithm>
#include <vector>

namespace wfc {

std::string suggest(llvm::StringRef name, llvm::ArrayRef<std::string> candidates) {
  std::string best;
  unsigned bestDistance = std::max<unsigned>(2, name.size() / 3) + 1;
  for (const std::string &candidate : candidates) {
    unsigned distance = name.edit_distance(candidate, true, bestDistance);
    if (distance < bestDistance && candidate != name) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best.empty() ? "" : "; did you mean '" + best + "'?";
}

std::string suggest(llvm::StringRef name, llvm::ArrayRef<const char *> candidates) {
  std::vector<std::string> list(candidates.begin(), candidates.end());
  return suggest(name, list);
}

} // namespace wfc

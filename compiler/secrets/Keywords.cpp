// Keywords: the Aho–Corasick automaton that RuleSet's prefilter runs.
#include "compiler/secrets/Keywords.h"

#include "llvm/ADT/StringExtras.h"

#include <deque>

namespace wfc::secrets {

Keywords::Keywords(llvm::ArrayRef<std::string> words) : count_(words.size()) {
  for (const std::string &word : words)
    for (char c : word) {
      unsigned char b = static_cast<unsigned char>(llvm::toLower(c));
      if (!classOf_[b])
        classOf_[b] = static_cast<uint8_t>(symbols_++);
    }
  for (unsigned c = 'A'; c <= 'Z'; ++c)
    classOf_[c] = classOf_[llvm::toLower(static_cast<char>(c))];

  // The trie, then failure links breadth-first, folded into full transitions.
  next_.assign(symbols_, -1);
  firstOutput_.assign(1, -1);
  for (size_t k = 0; k < words.size(); ++k) {
    int32_t state = 0;
    for (char c : words[k]) {
      unsigned s = classOf_[static_cast<unsigned char>(c)];
      int32_t &to = next_[state * symbols_ + s];
      if (to < 0) {
        to = static_cast<int32_t>(firstOutput_.size());
        firstOutput_.push_back(-1);
        next_.resize(next_.size() + symbols_, -1);
      }
      state = next_[state * symbols_ + s];
    }
    outputs_.push_back({static_cast<int32_t>(k), firstOutput_[state]});
    firstOutput_[state] = static_cast<int32_t>(outputs_.size() - 1);
  }
  std::vector<int32_t> fail(firstOutput_.size(), 0);
  std::deque<int32_t> queue;
  for (unsigned s = 0; s < symbols_; ++s) {
    int32_t &to = next_[s];
    if (to < 0)
      to = 0;
    else if (to > 0)
      queue.push_back(to);
  }
  while (!queue.empty()) {
    int32_t state = queue.front();
    queue.pop_front();
    // What ends at the failure state ends here too.
    if (int32_t out = firstOutput_[fail[state]]; out >= 0) {
      if (firstOutput_[state] < 0) {
        firstOutput_[state] = out;
      } else {
        int32_t last = firstOutput_[state];
        while (outputs_[last].second >= 0)
          last = outputs_[last].second;
        outputs_[last].second = out;
      }
    }
    for (unsigned s = 0; s < symbols_; ++s) {
      int32_t &to = next_[state * symbols_ + s];
      int32_t viaFail = next_[fail[state] * symbols_ + s];
      if (to < 0) {
        to = viaFail;
      } else {
        fail[to] = viaFail;
        queue.push_back(to);
      }
    }
  }
}

void Keywords::find(llvm::StringRef text, llvm::SmallVectorImpl<uint64_t> &seen,
                    llvm::SmallVectorImpl<uint32_t> &found) const {
  int32_t state = 0;
  for (char c : text) {
    state = next_[state * symbols_ + classOf_[static_cast<unsigned char>(c)]];
    for (int32_t out = firstOutput_[state]; out >= 0; out = outputs_[out].second) {
      uint32_t k = static_cast<uint32_t>(outputs_[out].first);
      uint64_t bit = uint64_t(1) << (k % 64);
      if (seen[k / 64] & bit)
        continue;
      seen[k / 64] |= bit;
      found.push_back(k);
    }
  }
}

} // namespace wfc::secrets

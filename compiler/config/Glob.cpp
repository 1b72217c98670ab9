// Glob patterns for `.wfc.yaml` excludes, matched in time linear in the path.
#include "compiler/config/Glob.h"

#include <bitset>
#include <map>

namespace wfc {
namespace {

// One token of a pattern: `*`, or the set of bytes it matches.
struct Token {
  bool star = false;
  std::bitset<256> bytes;
};

llvm::Error bad(const std::string &why) {
  return llvm::createStringError(std::make_error_code(std::errc::invalid_argument), why);
}

// The set a bracket expression names, without its brackets: "a-cx" is a, b,
// c and x. A '-' that does not sit between two bytes is itself.
llvm::Expected<std::bitset<256>> expandSet(llvm::StringRef chars) {
  std::bitset<256> set;
  while (chars.size() >= 3) {
    if (chars[1] != '-') {
      set.set(static_cast<uint8_t>(chars[0]));
      chars = chars.drop_front();
      continue;
    }
    auto first = static_cast<uint8_t>(chars[0]), last = static_cast<uint8_t>(chars[2]);
    if (first > last)
      return bad("the range '" + chars.take_front(3).str() + "' runs backwards");
    for (unsigned c = first; c <= last; ++c)
      set.set(c);
    chars = chars.drop_front(3);
  }
  for (char c : chars)
    set.set(static_cast<uint8_t>(c));
  return set;
}

// The first token of `rest`, which it consumes. As in llvm::GlobPattern, a
// ']' right after '[' (or '[!', '[^') belongs to the set.
llvm::Expected<Token> nextToken(llvm::StringRef &rest) {
  Token token;
  char c = rest.front();
  if (c == '*') {
    rest = rest.drop_front();
    token.star = true;
    return token;
  }
  if (c == '?') {
    rest = rest.drop_front();
    token.bytes.set();
    return token;
  }
  if (c == '[') {
    size_t end = rest.find(']', 2);
    if (end == llvm::StringRef::npos)
      return bad("'[' without a closing ']'");
    llvm::StringRef chars = rest.slice(1, end);
    rest = rest.drop_front(end + 1);
    bool negate = chars.consume_front("^") || chars.consume_front("!");
    llvm::Expected<std::bitset<256>> set = expandSet(chars);
    if (!set)
      return set.takeError();
    token.bytes = negate ? ~*set : *set;
    return token;
  }
  if (c == '\\') {
    rest = rest.drop_front();
    if (rest.empty())
      return bad("it ends with a '\\' that escapes nothing");
  }
  token.bytes.set(static_cast<uint8_t>(rest.front()));
  rest = rest.drop_front();
  return token;
}

// Sets bit `i` of a multi-word bit set.
void setBit(uint64_t *words, size_t i) { words[i / 64] |= uint64_t(1) << (i % 64); }

// out = (in << 1) over `n` words.
void shiftLeftOne(const uint64_t *in, uint64_t *out, size_t n) {
  for (size_t w = n; w-- > 0;)
    out[w] = (in[w] << 1) | (w > 0 ? in[w - 1] >> 63 : 0);
}

} // namespace

llvm::Expected<Glob> Glob::create(llvm::StringRef pattern) {
  Glob glob;
  if (pattern.find_first_of("?*[\\") == llvm::StringRef::npos) {
    glob.exact_ = true;
    glob.literal_ = pattern.str();
    return glob;
  }
  std::vector<Token> tokens;
  for (llvm::StringRef rest = pattern; !rest.empty();) {
    llvm::Expected<Token> token = nextToken(rest);
    if (!token)
      return token.takeError();
    // `**` matches what `*` does: one state for both.
    if (token->star && !tokens.empty() && tokens.back().star)
      continue;
    tokens.push_back(*token);
  }
  glob.tokens_ = tokens.size();
  glob.words_ = tokens.size() / 64 + 1;
  glob.stars_.assign(glob.words_, 0);
  for (size_t i = 0; i < tokens.size(); ++i)
    if (tokens[i].star)
      setBit(glob.stars_.data(), i);
  // One row per set of tokens that some byte matches.
  std::map<std::vector<uint64_t>, uint8_t> rowIds;
  for (unsigned c = 0; c < 256; ++c) {
    std::vector<uint64_t> row(glob.words_, 0);
    for (size_t i = 0; i < tokens.size(); ++i)
      if (tokens[i].bytes.test(c))
        setBit(row.data(), i);
    auto [it, inserted] = rowIds.try_emplace(row, static_cast<uint8_t>(rowIds.size()));
    if (inserted)
      glob.rows_.insert(glob.rows_.end(), row.begin(), row.end());
    glob.rowOf_[c] = it->second;
  }
  return glob;
}

bool Glob::match(llvm::StringRef text) const {
  if (exact_)
    return text == literal_;
  if (words_ > 1)
    return matchWords(text);
  // Up to 63 tokens: the state set fits in one word.
  uint64_t star = stars_[0];
  uint64_t state = 1;
  state |= (state & star) << 1;
  for (char c : text) {
    uint64_t row = rows_[rowOf_[static_cast<uint8_t>(c)]];
    state = ((state & row) << 1) | (state & star);
    state |= (state & star) << 1;
    if (!state)
      return false;
  }
  return (state >> tokens_) & 1;
}

bool Glob::matchWords(llvm::StringRef text) const {
  size_t n = words_;
  std::vector<uint64_t> state(n, 0), scratch(n, 0), moved(n, 0);
  // From a state before a `*`, the state after it is reached without a byte.
  auto closeOverStars = [&](std::vector<uint64_t> &s) {
    for (size_t w = 0; w < n; ++w)
      scratch[w] = s[w] & stars_[w];
    shiftLeftOne(scratch.data(), moved.data(), n);
    for (size_t w = 0; w < n; ++w)
      s[w] |= moved[w];
  };
  state[0] = 1;
  closeOverStars(state);
  for (char c : text) {
    const uint64_t *row = &rows_[size_t(rowOf_[static_cast<uint8_t>(c)]) * n];
    uint64_t any = 0;
    for (size_t w = 0; w < n; ++w)
      scratch[w] = state[w] & row[w];
    shiftLeftOne(scratch.data(), moved.data(), n);
    for (size_t w = 0; w < n; ++w) {
      state[w] = moved[w] | (state[w] & stars_[w]);
      any |= state[w];
    }
    if (!any)
      return false;
    closeOverStars(state);
  }
  return (state[tokens_ / 64] >> (tokens_ % 64)) & 1;
}

} // namespace wfc

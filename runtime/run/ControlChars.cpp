// Escaping control characters as cat -v does, and the visible text of a line
// (what a terminal shows once it has acted on the escape sequences).
#include "runtime/run/ControlChars.h"

#include "llvm/Support/ConvertUTF.h"

#include <fmt/format.h>

namespace wfc::run {

namespace {

constexpr unsigned char kEsc = 0x1b;

struct CodePoint {
  uint32_t value = 0;
  size_t length = 0; // 0: the byte does not start a valid UTF-8 sequence
};

CodePoint decodeAt(llvm::StringRef text, size_t at) {
  auto c = static_cast<unsigned char>(text[at]);
  if (c < 0x80)
    return {c, 1};
  const auto *start = reinterpret_cast<const llvm::UTF8 *>(text.data() + at);
  const auto *end = reinterpret_cast<const llvm::UTF8 *>(text.data() + text.size());
  const llvm::UTF8 *next = start;
  llvm::UTF32 value = 0;
  if (llvm::convertUTF8Sequence(&next, end, &value, llvm::strictConversion) != llvm::conversionOK)
    return {};
  return {value, static_cast<size_t>(next - start)};
}

bool isC1(uint32_t cp) { return cp >= 0x80 && cp <= 0x9f; }

// Characters that reorder what follows them on the screen.
bool isBidiControl(uint32_t cp) {
  return cp == 0x061c || cp == 0x200e || cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) ||
         (cp >= 0x2066 && cp <= 0x2069);
}

// Characters a terminal shows as nothing: a secret split by them looks whole.
bool isInvisible(uint32_t cp) {
  return isBidiControl(cp) || cp == 0x00ad || cp == 0x034f || cp == 0x180e ||
         (cp >= 0x200b && cp <= 0x200d) || (cp >= 0x2060 && cp <= 0x2064) ||
         (cp >= 0x206a && cp <= 0x206f) || cp == 0xfeff;
}

bool isPrintableAscii(unsigned char c) { return (c >= 0x20 && c < 0x7f) || c == '\t'; }

// After a CSI introducer: parameter and intermediate bytes, then a final
// byte; a byte that cannot be part of it ends it early.
size_t skipCsi(llvm::StringRef text, size_t at) {
  for (; at < text.size(); ++at) {
    auto c = static_cast<unsigned char>(text[at]);
    if (c >= 0x40 && c <= 0x7e)
      return at + 1;
    if (c < 0x20 || c > 0x7e)
      return at;
  }
  return at;
}

// After an OSC, DCS, SOS, PM or APC introducer: up to BEL or the string
// terminator (ESC \ or U+009C), or the end of the line.
size_t skipString(llvm::StringRef text, size_t at) {
  for (; at < text.size(); ++at) {
    auto c = static_cast<unsigned char>(text[at]);
    if (c == 0x07)
      return at + 1;
    if (c == kEsc)
      return at + 1 < text.size() && text[at + 1] == '\\' ? at + 2 : at;
    if (c == 0xc2 && at + 1 < text.size() && static_cast<unsigned char>(text[at + 1]) == 0x9c)
      return at + 2;
  }
  return at;
}

// The end of the escape sequence that starts with the ESC at `at`.
size_t skipEscape(llvm::StringRef text, size_t at) {
  if (at + 1 >= text.size())
    return at + 1;
  auto c = static_cast<unsigned char>(text[at + 1]);
  if (c == '[')
    return skipCsi(text, at + 2);
  if (c == ']' || c == 'P' || c == 'X' || c == '^' || c == '_')
    return skipString(text, at + 2);
  if (c >= 0x20 && c <= 0x2f) { // intermediate bytes, then a final one: ESC ( B
    size_t end = at + 1;
    while (end < text.size() && text[end] >= 0x20 && text[end] <= 0x2f)
      ++end;
    if (end < text.size() && text[end] >= 0x30 && text[end] <= 0x7e)
      ++end;
    return end;
  }
  if (c >= 0x30 && c <= 0x7e)
    return at + 2;
  return at + 1;
}

void appendCaret(unsigned char c, std::string &out) {
  if (c == 0x7f) {
    out += "^?";
  } else if (c < 0x20) {
    out += '^';
    out += static_cast<char>(c + 0x40);
  } else {
    out += static_cast<char>(c);
  }
}

} // namespace

bool isPlainText(llvm::StringRef text) {
  for (size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (isPrintableAscii(c))
      continue;
    if (c < 0x80)
      return false;
    CodePoint cp = decodeAt(text, i);
    if (!cp.length || isC1(cp.value) || isInvisible(cp.value))
      return false;
    i += cp.length - 1;
  }
  return true;
}

void appendEscaped(llvm::StringRef text, std::string &out) {
  size_t run = 0; // the start of the characters not yet copied
  for (size_t i = 0; i < text.size();) {
    auto c = static_cast<unsigned char>(text[i]);
    if (isPrintableAscii(c)) {
      ++i;
      continue;
    }
    CodePoint cp = decodeAt(text, i);
    bool keep = cp.length && c >= 0x80 && !isC1(cp.value) && !isBidiControl(cp.value);
    if (keep) {
      i += cp.length;
      continue;
    }
    out.append(text.data() + run, i - run);
    if (!cp.length) { // not UTF-8
      out += "M-";
      appendCaret(c & 0x7f, out);
      i += 1;
    } else if (c < 0x80) {
      appendCaret(c, out);
      i += 1;
    } else if (isC1(cp.value)) {
      out += "M-";
      appendCaret(static_cast<unsigned char>(cp.value - 0x80), out);
      i += cp.length;
    } else {
      out += fmt::format("<U+{:04X}>", cp.value);
      i += cp.length;
    }
    run = i;
  }
  out.append(text.data() + run, text.size() - run);
}

std::string visibleText(llvm::StringRef text, std::vector<size_t> &origin) {
  std::string out;
  origin.clear();
  for (size_t i = 0; i < text.size();) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c == kEsc) {
      i = skipEscape(text, i);
      continue;
    }
    if (c < 0x80 && !isPrintableAscii(c)) {
      ++i;
      continue;
    }
    CodePoint cp = decodeAt(text, i);
    if (!cp.length) {
      ++i;
      continue;
    }
    if (cp.value == 0x9b) { // CSI as one character
      i = skipCsi(text, i + cp.length);
      continue;
    }
    if (cp.value == 0x90 || cp.value == 0x98 || cp.value == 0x9d || cp.value == 0x9e ||
        cp.value == 0x9f) {
      i = skipString(text, i + cp.length);
      continue;
    }
    if (!isC1(cp.value) && !isInvisible(cp.value)) {
      out.append(text.data() + i, cp.length);
      for (size_t k = 0; k < cp.length; ++k)
        origin.push_back(i + k);
    }
    i += cp.length;
  }
  return out;
}

} // namespace wfc::run

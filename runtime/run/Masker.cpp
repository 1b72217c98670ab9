// Replaces secret values, and their common encodings, with `***`; escapes
// control characters in what is shown.
#include "runtime/run/Masker.h"

#include "runtime/run/ControlChars.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Base64.h"
#include "llvm/Support/ConvertUTF.h"

#include <algorithm>
#include <cstring>

namespace wfc::run {

namespace {

constexpr llvm::StringLiteral kMask = "***";

std::string base64Url(std::string b64) {
  for (char &c : b64)
    c = c == '+' ? '-' : c == '/' ? '_' : c;
  return b64;
}

std::string hex(unsigned value, bool lower, unsigned width) {
  return llvm::utohexstr(value, lower, width);
}

// Percent-encoding that keeps letters, digits and the characters of `keep`.
std::string urlEncoded(llvm::StringRef value, llvm::StringRef keep, bool plusForSpace,
                       bool lowerHex) {
  std::string out;
  for (unsigned char c : value) {
    if (llvm::isAlnum(c) || (c < 0x80 && keep.contains(static_cast<char>(c))))
      out += static_cast<char>(c);
    else if (c == ' ' && plusForSpace)
      out += '+';
    else
      out += '%' + hex(c, lowerHex, 2);
  }
  return out;
}

// What a JSON encoder may escape beyond `"`, `\` and control characters.
struct JsonStyle {
  bool asciiOnly = false; // non-ASCII as \uXXXX (surrogate pairs beyond U+FFFF)
  bool upperHex = false;  // \u00E9 rather than \u00e9
  bool slash = false;     // `/` as `\/` (PHP)
  bool html = false;      // `<`, `>`, `&`, U+2028 and U+2029 as \u003c ... (Go)
};

void appendUnicodeEscape(uint32_t cp, bool upper, std::string &out) {
  if (cp > 0xffff) {
    cp -= 0x10000;
    appendUnicodeEscape(0xd800 + (cp >> 10), upper, out);
    appendUnicodeEscape(0xdc00 + (cp & 0x3ff), upper, out);
    return;
  }
  out += "\\u" + hex(cp, !upper, 4);
}

// The code point that starts at value[at], and its length; 0 when the bytes
// are not UTF-8.
size_t decodeUtf8(llvm::StringRef value, size_t at, uint32_t &cp) {
  const auto *start = reinterpret_cast<const llvm::UTF8 *>(value.data() + at);
  const auto *end = reinterpret_cast<const llvm::UTF8 *>(value.data() + value.size());
  const llvm::UTF8 *next = start;
  llvm::UTF32 decoded = 0;
  if (llvm::convertUTF8Sequence(&next, end, &decoded, llvm::strictConversion) != llvm::conversionOK)
    return 0;
  cp = decoded;
  return static_cast<size_t>(next - start);
}

const char *shortEscape(char c) {
  switch (c) {
  case '"':
    return "\\\"";
  case '\\':
    return "\\\\";
  case '\n':
    return "\\n";
  case '\r':
    return "\\r";
  case '\t':
    return "\\t";
  case '\b':
    return "\\b";
  case '\f':
    return "\\f";
  default:
    return nullptr;
  }
}

std::string jsonEscaped(llvm::StringRef value, JsonStyle style) {
  std::string out;
  for (size_t i = 0; i < value.size();) {
    char c = value[i];
    auto u = static_cast<unsigned char>(c);
    uint32_t cp = u;
    size_t length = u < 0x80 ? 1 : decodeUtf8(value, i, cp);
    if (const char *e = shortEscape(c)) {
      out += e;
    } else if (u < 0x20 || (style.html && (c == '<' || c == '>' || c == '&'))) {
      appendUnicodeEscape(u, style.upperHex, out);
    } else if (c == '/' && style.slash) {
      out += "\\/";
    } else if (length > 1 &&
               (style.asciiOnly || (style.html && (cp == 0x2028 || cp == 0x2029)))) {
      appendUnicodeEscape(cp, style.upperHex, out);
    } else {
      length = std::max<size_t>(length, 1); // a byte that is not UTF-8 stays as it is
      out.append(value.data() + i, length);
    }
    i += std::max<size_t>(length, 1);
  }
  return out;
}

bool isBase64Char(char c) {
  return llvm::isAlnum(c) || c == '+' || c == '/' || c == '=' || c == '-' || c == '_';
}

// What an unquoted `echo $S` prints: the words of the value, one space apart.
std::string wordSplit(llvm::StringRef value) {
  std::string out;
  bool gap = false;
  for (char c : value) {
    if (c == ' ' || c == '\t' || c == '\n') {
      gap = true;
      continue;
    }
    if (gap && !out.empty())
      out += ' ';
    gap = false;
    out += c;
  }
  return out;
}

} // namespace

void Masker::addPattern(std::string pattern) {
  if (pattern.empty() || llvm::is_contained(patterns_, pattern))
    return;
  longest_ = std::max(longest_, pattern.size());
  patterns_.push_back(std::move(pattern));
}

void Masker::index() {
  llvm::stable_sort(patterns_, [](const std::string &a, const std::string &b) {
    return a.size() > b.size();
  });
  for (std::vector<uint32_t> &bucket : byFirstByte_)
    bucket.clear();
  for (uint32_t k = 0; k < patterns_.size(); ++k)
    byFirstByte_[static_cast<unsigned char>(patterns_[k][0])].push_back(k);
}

void Masker::add(llvm::StringRef value) {
  if (value.empty())
    return;
  addForms(value);
  index();
}

// The value as written, trimmed (a value read from a CRLF file ends in \r,
// which the line splitter drops from what the task prints), and as an
// unquoted `echo $S` prints it; each line of a value of several.
void Masker::addForms(llvm::StringRef value) {
  addEncodings(value);
  llvm::StringRef trimmed = value.trim(" \t\r\n\v\f");
  if (!trimmed.empty())
    addEncodings(trimmed);
  std::string words = wordSplit(value);
  if (!words.empty())
    addEncodings(words);
  if (!value.contains('\n'))
    return;
  llvm::SmallVector<llvm::StringRef, 8> lines;
  value.split(lines, '\n', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef line : lines)
    if (!line.trim().empty()) {
      addPattern(line.rtrim("\r").str());
      addPattern(line.trim().str());
    }
}

void Masker::addEncodings(llvm::StringRef value) {
  addPattern(value.str());
  std::string b64 = llvm::encodeBase64(value);
  // Unpadded, so that the form inside a longer base64 text or a JWT matches too.
  std::string bare = llvm::StringRef(b64).rtrim('=').str();
  addPattern(b64);
  addPattern(bare);
  addPattern(base64Url(bare));
  // Wrapped (`base64 -w N`, PEM's 64 columns, MIME's 76): each line, also
  // of `echo "$S" | base64`, whose last line encodes the newline too.
  for (std::string w : {b64, base64Url(b64), llvm::encodeBase64(value.str() + "\n")})
    if (!llvm::is_contained(wrapped_, w))
      wrapped_.push_back(std::move(w));
  for (size_t width : {64, 76})
    if (b64.size() > width)
      for (size_t at = 0; at < b64.size(); at += width)
        addPattern(b64.substr(at, width));
  // The secret inside a longer encoded text (`user:password` in Basic auth):
  // after one or two bytes of anything, the characters that depend on the
  // secret alone. Only when there are enough of them to mean something.
  for (size_t offset = 0; offset <= 2; ++offset) {
    std::string shifted = llvm::encodeBase64(std::string(offset, '\0') + value.str());
    size_t skip = offset == 0 ? 0 : offset == 1 ? 2 : 3; // characters that hold prefix bits
    size_t whole = (offset + value.size()) / 3 * 4; // characters of whole groups
    if (whole > skip + 8) {
      addPattern(shifted.substr(skip, whole - skip));
      addPattern(base64Url(shifted.substr(skip, whole - skip)));
    }
  }
  // Percent-encoding keeps letters and digits and, depending on the encoder:
  // -_.~ (RFC 3986: Python's quote(s, safe=""), jq's @uri, curl, Go, PHP's
  // rawurlencode), also / (Python's quote), also !*'() (JavaScript's
  // encodeURIComponent), -_. only (PHP's urlencode), -_.* (Java's URLEncoder).
  for (llvm::StringRef keep : {"-_.~", "-_.~/", "-_.~!*'()", "-_.", "-_.*"})
    for (bool plus : {false, true})
      for (bool lower : {false, true})
        addPattern(urlEncoded(value, keep, plus, lower));
  // JSON strings: non-ASCII as it is (JavaScript, jq) or as \u escapes
  // (Python's json.dumps), `/` as `\/` (PHP), `<>&` as \u003c... (Go).
  for (bool asciiOnly : {false, true})
    for (bool upperHex : {false, true})
      for (bool slash : {false, true})
        for (bool html : {false, true})
          addPattern(jsonEscaped(value, {asciiOnly, upperHex, slash, html}));
}

size_t Masker::matchAt(llvm::StringRef text, size_t at) const {
  if (at >= text.size())
    return 0;
  size_t left = text.size() - at;
  for (uint32_t k : byFirstByte_[static_cast<unsigned char>(text[at])]) {
    const std::string &p = patterns_[k];
    if (p.size() <= left && std::memcmp(text.data() + at, p.data(), p.size()) == 0)
      return p.size();
  }
  return 0;
}

// A whole line that is one line of a secret's base64 wrapped at some width
// of at least 4: a piece at a multiple of its own length, or the last piece.
bool Masker::isWrappedPiece(llvm::StringRef line) const {
  if (line.size() < 4 || !llvm::all_of(line, isBase64Char))
    return false;
  for (llvm::StringRef p : wrapped_) {
    if (line.size() > p.size())
      continue;
    if (p.endswith(line))
      return true;
    for (size_t at = 0; at + line.size() <= p.size(); at += line.size())
      if (p.substr(at, line.size()) == line)
        return true;
  }
  return false;
}

void Masker::findMatches(llvm::StringRef text, llvm::SmallVectorImpl<Range> &ranges) const {
  if (!wrapped_.empty()) {
    llvm::StringRef line = text.trim();
    if (isWrappedPiece(line)) {
      size_t begin = static_cast<size_t>(line.data() - text.data());
      ranges.push_back({begin, begin + line.size()});
      return;
    }
  }
  for (size_t i = 0; i < text.size();) {
    if (size_t n = matchAt(text, i)) {
      ranges.push_back({i, i + n});
      i += n;
    } else {
      ++i;
    }
  }
}

void Masker::findHiddenMatches(llvm::StringRef text, llvm::SmallVectorImpl<Range> &ranges) const {
  std::vector<size_t> origin;
  std::string visible = visibleText(text, origin);
  llvm::SmallVector<Range, 4> hidden;
  findMatches(visible, hidden);
  for (auto [begin, end] : hidden)
    ranges.push_back({origin[begin], origin[end - 1] + 1});
  // In order, overlapping ranges merged.
  llvm::sort(ranges);
  size_t kept = 0;
  for (const Range &r : ranges) {
    if (kept && r.first < ranges[kept - 1].second)
      ranges[kept - 1].second = std::max(ranges[kept - 1].second, r.second);
    else
      ranges[kept++] = r;
  }
  ranges.resize(kept);
}

void Masker::maskInto(llvm::StringRef text, llvm::ArrayRef<Range> ranges, bool escape,
                      std::string &out) const {
  auto append = [&](llvm::StringRef piece) {
    if (escape)
      appendEscaped(piece, out);
    else
      out.append(piece.data(), piece.size());
  };
  size_t at = 0;
  for (auto [begin, end] : ranges) {
    append(text.slice(at, begin));
    out += kMask;
    at = end;
  }
  append(text.drop_front(at));
}

std::string Masker::mask(llvm::StringRef text) const {
  llvm::SmallVector<Range, 4> ranges;
  findMatches(text, ranges);
  if (ranges.empty())
    return text.str();
  std::string out;
  out.reserve(text.size());
  maskInto(text, ranges, /*escape=*/false, out);
  return out;
}

llvm::StringRef Masker::screen(llvm::StringRef text, std::string &buffer) const {
  bool plain = isPlainText(text);
  bool secrets = !patterns_.empty();
  llvm::SmallVector<Range, 4> ranges;
  if (secrets) {
    findMatches(text, ranges);
    if (!plain)
      findHiddenMatches(text, ranges);
  }
  if (plain && ranges.empty())
    return text;
  buffer.clear();
  maskInto(text, ranges, /*escape=*/!plain, buffer);
  if (secrets && !plain) {
    // The escapes themselves could spell a secret (`a^@b` from "a\0b").
    llvm::SmallVector<Range, 4> again;
    findMatches(buffer, again);
    if (!again.empty()) {
      std::string masked;
      maskInto(buffer, again, /*escape=*/false, masked);
      buffer = std::move(masked);
    }
  }
  return buffer;
}

bool Masker::reveals(llvm::StringRef text) const {
  if (patterns_.empty())
    return false;
  for (size_t i = 0; i < text.size(); ++i)
    if (matchAt(text, i))
      return true;
  if (isPlainText(text))
    return false;
  llvm::SmallVector<Range, 4> hidden;
  findHiddenMatches(text, hidden);
  return !hidden.empty();
}

// --- OutputLines ----------------------------------------------------------------

// Where to cut pending_ at most at `cut`: before a secret that straddles
// it (or after it when it starts the text), else not inside a UTF-8
// character.
size_t OutputLines::cutAt(size_t cut) const {
  size_t window = masker_->longest() ? masker_->longest() - 1 : 0;
  for (size_t i = cut > window ? cut - window : 0; i < cut; ++i) {
    size_t n = masker_->matchAt(pending_, i);
    if (n && i + n > cut)
      return i ? i : n;
  }
  auto continues = [&](size_t at) {
    return at < pending_.size() && (static_cast<unsigned char>(pending_[at]) & 0xc0) == 0x80;
  };
  size_t back = cut;
  while (back + 3 > cut && back > 0 && continues(back))
    --back;
  return back > 0 && !continues(back) ? back : cut;
}

void OutputLines::emitPieces(bool whole, const Sink &sink) {
  // A piece may go out once no secret that starts in it can run past what
  // is pending: everything of a whole line, else all but a tail as long as
  // the longest secret.
  size_t keep = whole ? 0 : (masker_->longest() ? masker_->longest() - 1 : 0);
  while (pending_.size() > maxLine_ && pending_.size() > keep) {
    size_t cut = cutAt(std::min(pending_.size() - keep, maxLine_));
    sink(llvm::StringRef(pending_).take_front(cut));
    pending_.erase(0, cut);
  }
  if (whole) {
    sink(pending_);
    pending_.clear();
  }
}

void OutputLines::feed(llvm::StringRef bytes, const Sink &sink) {
  while (!bytes.empty()) {
    size_t nl = bytes.find('\n');
    if (nl == llvm::StringRef::npos) {
      pending_.append(bytes.data(), bytes.size());
      break;
    }
    pending_.append(bytes.data(), nl);
    bytes = bytes.drop_front(nl + 1);
    if (!pending_.empty() && pending_.back() == '\r')
      pending_.pop_back();
    emitPieces(/*whole=*/true, sink);
  }
  emitPieces(/*whole=*/false, sink);
}

void OutputLines::finish(const Sink &sink) {
  if (!pending_.empty())
    emitPieces(/*whole=*/true, sink);
}

} // namespace wfc::run

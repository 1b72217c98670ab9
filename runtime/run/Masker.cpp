// Replaces secret values, and their common encodings, with `***`.
#include "runtime/run/Masker.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Base64.h"

#include <algorithm>

namespace wfc::run {

namespace {

std::string base64Url(std::string b64) {
  for (char &c : b64)
    c = c == '+' ? '-' : c == '/' ? '_' : c;
  return b64;
}

// encodeURIComponent's form, and the form encoding's `+` for spaces.
std::string urlEncoded(llvm::StringRef value, bool plusForSpace) {
  std::string out;
  for (unsigned char c : value) {
    if (llvm::isAlnum(c) || c == '-' || c == '_' || c == '.' || c == '~')
      out += static_cast<char>(c);
    else if (c == ' ' && plusForSpace)
      out += '+';
    else
      out += '%' + llvm::utohexstr(c, /*LowerCase=*/false, /*Width=*/2);
  }
  return out;
}

std::string jsonEscaped(llvm::StringRef value) {
  std::string out;
  for (char c : value) {
    switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\r':
      out += "\\r";
      break;
    case '\t':
      out += "\\t";
      break;
    default:
      out += c;
    }
  }
  return out;
}

} // namespace

void Masker::addPattern(std::string pattern) {
  if (pattern.empty() || llvm::is_contained(patterns_, pattern))
    return;
  longest_ = std::max(longest_, pattern.size());
  patterns_.push_back(std::move(pattern));
  llvm::stable_sort(patterns_, [](const std::string &a, const std::string &b) {
    return a.size() > b.size();
  });
}

void Masker::add(llvm::StringRef value) {
  if (value.empty())
    return;
  addPattern(value.str());
  if (value.contains('\n')) {
    llvm::SmallVector<llvm::StringRef, 8> lines;
    value.split(lines, '\n', -1, /*KeepEmpty=*/false);
    for (llvm::StringRef line : lines)
      if (!line.trim().empty())
        addPattern(line.rtrim("\r").str());
  }
  std::string b64 = llvm::encodeBase64(value);
  // Unpadded, so that the form inside a longer base64 text or a JWT matches too.
  std::string bare = llvm::StringRef(b64).rtrim('=').str();
  addPattern(b64);
  addPattern(bare);
  addPattern(base64Url(bare));
  // `base64` wraps its output at 76 columns: each line of it.
  if (b64.size() > 76)
    for (size_t at = 0; at < b64.size(); at += 76)
      addPattern(b64.substr(at, 76));
  // The secret inside a longer encoded text (`user:password` in Basic auth):
  // after one or two bytes of anything, the characters that depend on the
  // secret alone. Only when there are enough of them to mean something.
  for (size_t offset = 0; offset <= 2; ++offset) {
    std::string shifted = llvm::encodeBase64(std::string(offset, '\0') + value.str());
    size_t skip = offset == 0 ? 0 : offset == 1 ? 2 : 3; // characters that hold prefix bits
    size_t whole = (offset + value.size()) / 3 * 4;       // characters of whole groups
    if (whole > skip + 8) {
      addPattern(shifted.substr(skip, whole - skip));
      addPattern(base64Url(shifted.substr(skip, whole - skip)));
    }
  }
  addPattern(urlEncoded(value, false));
  addPattern(urlEncoded(value, true));
  addPattern(jsonEscaped(value));
}

size_t Masker::matchAt(llvm::StringRef text, size_t at) const {
  llvm::StringRef rest = text.drop_front(at);
  for (const std::string &p : patterns_)
    if (rest.startswith(p))
      return p.size();
  return 0;
}

std::string Masker::mask(llvm::StringRef text) const {
  if (patterns_.empty())
    return text.str();
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    if (size_t n = matchAt(text, i)) {
      out += "***";
      i += n;
      continue;
    }
    out += text[i++];
  }
  return out;
}

bool Masker::reveals(llvm::StringRef text) const {
  for (size_t i = 0; i < text.size(); ++i)
    if (matchAt(text, i))
      return true;
  return false;
}

// Masks a whole line and emits it in pieces of at most maxLine_ bytes: once
// masked, the text can be cut anywhere.
void MaskedLines::emit(llvm::StringRef line, const Sink &sink) {
  std::string masked = masker_->mask(line);
  llvm::StringRef rest(masked);
  do {
    sink(rest.take_front(maxLine_));
    rest = rest.drop_front(std::min(rest.size(), maxLine_));
  } while (!rest.empty());
}

void MaskedLines::feed(llvm::StringRef bytes, const Sink &sink) {
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
    emit(pending_, sink);
    pending_.clear();
  }
  // An unfinished line longer than the limit goes out in pieces, each
  // holding back a tail that could be the start of a secret. No pattern that
  // starts before that tail can run past the end of what is pending.
  size_t keep = masker_->longest() ? masker_->longest() - 1 : 0;
  while (pending_.size() > maxLine_ && pending_.size() > keep) {
    size_t cut = std::min(pending_.size() - keep, maxLine_);
    for (size_t i = cut > keep ? cut - keep : 0; i < cut; ++i) {
      size_t n = masker_->matchAt(pending_, i);
      if (n && i + n > cut) { // a whole secret straddles the cut
        cut = i ? i : n;      // cut before it, or take it whole
        break;
      }
    }
    std::string piece = masker_->mask(llvm::StringRef(pending_).take_front(cut));
    sink(piece);
    pending_.erase(0, cut);
  }
}

void MaskedLines::finish(const Sink &sink) {
  if (pending_.empty())
    return;
  sink(masker_->mask(pending_));
  pending_.clear();
}

} // namespace wfc::run

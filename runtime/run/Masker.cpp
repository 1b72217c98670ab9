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
    sink(masker_->mask(pending_));
    pending_.clear();
  }
  if (pending_.size() <= maxLine_)
    return;
  // Emit all but a tail that could be the start of a secret, and move the
  // cut back to the start of any secret that straddles it. No pattern that
  // starts before the tail can run past the end.
  size_t keep = masker_->longest() ? masker_->longest() - 1 : 0;
  size_t cut = pending_.size() - keep;
  for (size_t i = cut > keep ? cut - keep : 0; i < cut; ++i) {
    if (size_t n = masker_->matchAt(pending_, i); n && i + n > cut) {
      cut = i;
      break;
    }
  }
  sink(masker_->mask(llvm::StringRef(pending_).take_front(cut)));
  pending_.erase(0, cut);
}

void MaskedLines::finish(const Sink &sink) {
  if (pending_.empty())
    return;
  sink(masker_->mask(pending_));
  pending_.clear();
}

} // namespace wfc::run

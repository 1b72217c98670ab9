// Line diffs in the unified format of `diff -u`, for `wfc fmt --diff`.
//
// Myers' O((N+M)D) algorithm on the lines between the common prefix and
// suffix, which for a formatter's changes is most of the work saved.
#include "compiler/format/TextDiff.h"

#include "llvm/ADT/SmallVector.h"

#include <algorithm>
#include <vector>

namespace wfc {
namespace {

// Beyond this many changed lines the search would need too much memory (its
// trace grows with the square): the rest is shown as one replacement.
constexpr int kMaxEdits = 2000;
constexpr size_t kContext = 3;

std::vector<llvm::StringRef> splitLines(llvm::StringRef text) {
  std::vector<llvm::StringRef> lines;
  while (!text.empty()) {
    size_t eol = text.find('\n');
    size_t n = eol == llvm::StringRef::npos ? text.size() : eol + 1;
    lines.push_back(text.take_front(n));
    text = text.drop_front(n);
  }
  return lines;
}

enum class Op : uint8_t { Keep, Remove, Add };

struct Edit {
  Op op;
  size_t line; // in `before` for Keep and Remove, in `after` for Add
};

// Edits that turn a[ab, ae) into b[bb, be); false when there are too many.
bool myers(const std::vector<llvm::StringRef> &a, size_t ab, size_t ae,
           const std::vector<llvm::StringRef> &b, size_t bb, size_t be, std::vector<Edit> &out) {
  int n = static_cast<int>(ae - ab), m = static_cast<int>(be - bb);
  int offset = n + m + 1;
  std::vector<int> v(2 * offset + 1, 0);
  std::vector<std::vector<int>> trace;
  int found = -1;
  for (int d = 0; d <= std::min(n + m, kMaxEdits) && found < 0; ++d) {
    trace.push_back(v);
    for (int k = -d; k <= d; k += 2) {
      bool down = k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1]);
      int x = down ? v[offset + k + 1] : v[offset + k - 1] + 1;
      int y = x - k;
      while (x < n && y < m && a[ab + x] == b[bb + y])
        ++x, ++y;
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = d;
        break;
      }
    }
  }
  if (found < 0)
    return false;
  std::vector<Edit> reversed;
  int x = n, y = m;
  for (int d = found; d > 0; --d) {
    const std::vector<int> &pv = trace[d];
    int k = x - y;
    bool down = k == -d || (k != d && pv[offset + k - 1] < pv[offset + k + 1]);
    int pk = down ? k + 1 : k - 1;
    int px = pv[offset + pk], py = px - pk;
    while (x > px && y > py)
      reversed.push_back({Op::Keep, ab + --x}), --y;
    if (down)
      reversed.push_back({Op::Add, bb + --y});
    else
      reversed.push_back({Op::Remove, ab + --x});
  }
  while (x > 0)
    reversed.push_back({Op::Keep, ab + --x});
  out.insert(out.end(), reversed.rbegin(), reversed.rend());
  return true;
}

void writeLine(llvm::raw_ostream &os, char mark, llvm::StringRef line) {
  os << mark << line;
  if (!line.endswith("\n"))
    os << "\n\\ No newline at end of file\n";
}

// Writes the hunk of edits[begin, end), which starts at those line numbers.
void writeHunk(llvm::raw_ostream &os, const std::vector<Edit> &edits, size_t begin, size_t end,
               const std::vector<llvm::StringRef> &a, const std::vector<llvm::StringRef> &b,
               size_t aStart, size_t bStart) {
  size_t aCount = 0, bCount = 0;
  for (size_t i = begin; i < end; ++i) {
    aCount += edits[i].op != Op::Add;
    bCount += edits[i].op != Op::Remove;
  }
  // An empty side is numbered by the line before it, as diff does.
  os << "@@ -" << (aCount ? aStart + 1 : aStart) << ',' << aCount << " +"
     << (bCount ? bStart + 1 : bStart) << ',' << bCount << " @@\n";
  for (size_t i = begin; i < end; ++i) {
    const Edit &e = edits[i];
    if (e.op == Op::Keep)
      writeLine(os, ' ', a[e.line]);
    else if (e.op == Op::Remove)
      writeLine(os, '-', a[e.line]);
    else
      writeLine(os, '+', b[e.line]);
  }
}

} // namespace

void writeUnifiedDiff(llvm::raw_ostream &os, llvm::StringRef oldName, llvm::StringRef newName,
                      llvm::StringRef before, llvm::StringRef after) {
  if (before == after)
    return;
  std::vector<llvm::StringRef> a = splitLines(before), b = splitLines(after);
  size_t prefix = 0;
  while (prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix])
    ++prefix;
  size_t suffix = 0;
  while (suffix < a.size() - prefix && suffix < b.size() - prefix &&
         a[a.size() - 1 - suffix] == b[b.size() - 1 - suffix])
    ++suffix;

  std::vector<Edit> edits;
  for (size_t i = 0; i < prefix; ++i)
    edits.push_back({Op::Keep, i});
  size_t ae = a.size() - suffix, be = b.size() - suffix;
  if (!myers(a, prefix, ae, b, prefix, be, edits)) {
    for (size_t i = prefix; i < ae; ++i)
      edits.push_back({Op::Remove, i});
    for (size_t i = prefix; i < be; ++i)
      edits.push_back({Op::Add, i});
  }
  for (size_t i = ae; i < a.size(); ++i)
    edits.push_back({Op::Keep, i});

  os << "--- " << oldName << "\n+++ " << newName << "\n";
  // Line numbers at each edit, then hunks of changes less than
  // 2 * kContext unchanged lines apart.
  std::vector<size_t> aLine(edits.size() + 1), bLine(edits.size() + 1);
  for (size_t i = 0; i < edits.size(); ++i) {
    aLine[i + 1] = aLine[i] + (edits[i].op != Op::Add);
    bLine[i + 1] = bLine[i] + (edits[i].op != Op::Remove);
  }
  size_t i = 0;
  while (i < edits.size()) {
    while (i < edits.size() && edits[i].op == Op::Keep)
      ++i;
    if (i == edits.size())
      break;
    size_t begin = i >= kContext ? i - kContext : 0;
    size_t end = i;
    while (end < edits.size()) {
      size_t keep = end;
      while (keep < edits.size() && edits[keep].op == Op::Keep)
        ++keep;
      if (keep == edits.size() || keep - end > 2 * kContext) {
        end = std::min(edits.size(), end + kContext);
        break;
      }
      end = keep + 1;
    }
    writeHunk(os, edits, begin, end, a, b, aLine[begin], bLine[begin]);
    i = end;
  }
}

} // namespace wfc

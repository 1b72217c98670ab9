// The text side of wfc's shared integer arithmetic: decimal in and out, and
// what a fault says.
#include "support/Arith.h"

#include "llvm/ADT/StringExtras.h"

#include <fmt/format.h>

namespace wfc::arith {
namespace {

// Decimal digits of a 128-bit value, which holds any sum, difference or
// product of two 64-bit ones.
std::string decimal(__int128 v) {
  if (v >= INT64_MIN && v <= INT64_MAX)
    return toString(static_cast<int64_t>(v));
  bool negative = v < 0;
  unsigned __int128 magnitude = negative ? -static_cast<unsigned __int128>(v) : v;
  std::string digits;
  for (; magnitude; magnitude /= 10)
    digits.insert(digits.begin(), char('0' + int(magnitude % 10)));
  return (negative ? "-" : "") + digits;
}

__int128 exact(BinaryOp op, int64_t l, int64_t r) {
  __int128 a = l, b = r;
  switch (op) {
  case BinaryOp::Add:
    return a + b;
  case BinaryOp::Sub:
    return a - b;
  case BinaryOp::Mul:
    return a * b;
  case BinaryOp::Div:
    return b ? a / b : 0;
  case BinaryOp::Mod:
    return b ? a % b : 0;
  default:
    assert(false && "exact() takes an arithmetic operator");
    return 0;
  }
}

} // namespace

std::string toString(int64_t v) { return std::to_string(v); }

std::optional<int64_t> parseInt(llvm::StringRef text) {
  long long v;
  if (llvm::getAsSignedInteger(text, 10, v))
    return std::nullopt;
  return static_cast<int64_t>(v);
}

std::string exactText(BinaryOp op, int64_t l, int64_t r) { return decimal(exact(op, l, r)); }

std::string exactNegationText(int64_t v) { return decimal(-static_cast<__int128>(v)); }

std::string intRangeText() { return fmt::format("{} to {}", INT64_MIN, INT64_MAX); }

std::string describe(Fault fault, BinaryOp op, int64_t l, int64_t r) {
  std::string expression = fmt::format("{} {} {}", toString(l), spelling(op), toString(r));
  if (fault == Fault::DivisionByZero)
    return "division by zero: " + expression;
  return fmt::format("integer overflow: {} is {}, beyond the 64-bit int range ({})", expression,
                     exactText(op, l, r), intRangeText());
}

const char *spelling(Conversion c) {
  switch (c) {
  case Conversion::Int:
    return "int";
  case Conversion::Bool:
    return "bool";
  case Conversion::String:
    return "string";
  }
  return "?";
}

std::optional<Conversion> parseConversion(llvm::StringRef name) {
  for (Conversion c : {Conversion::Int, Conversion::Bool, Conversion::String})
    if (name == spelling(c))
      return c;
  return std::nullopt;
}

IntResult textToInt(llvm::StringRef text) {
  if (std::optional<int64_t> v = parseInt(text))
    return {*v, Fault::None};
  return {0, Fault::NotAnInt};
}

std::optional<bool> textToBool(llvm::StringRef text) {
  if (text == "true" || text == "false")
    return text == "true";
  return std::nullopt;
}

std::string describeConversion(Conversion c, llvm::StringRef text) {
  constexpr size_t kShown = 40;
  size_t cut = std::min(text.size(), kShown);
  while (cut < text.size() && cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xc0) == 0x80)
    --cut; // not in the middle of a UTF-8 sequence
  std::string shown = text.take_front(cut).str();
  for (char &ch : shown)
    if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f)
      ch = '?';
  shown = "\"" + shown + (cut < text.size() ? "\"…" : "\"");
  if (c == Conversion::Bool)
    return fmt::format("{}({}): the text is not true or false", spelling(c), shown);
  return fmt::format("{}({}): the text is not a whole number (decimal digits with an optional "
                     "'-', {})",
                     spelling(c), shown, intRangeText());
}

std::string describeNegation(int64_t v) {
  return fmt::format("integer overflow: -({}) is {}, beyond the 64-bit int range ({})",
                     toString(v), exactNegationText(v), intRangeText());
}

} // namespace wfc::arith

// Integer arithmetic and comparison with one meaning for the compiler's
// constant folding and the expression machine, as Lua's lcode.c folds
// constants with the VM's own luaO_rawarith: the two cannot disagree.
//
// Ints are 64-bit (durations are milliseconds, sizes bytes). An operation
// whose exact result does not fit, or that divides by zero, has no int
// result but a Fault: sema reports it where the expression is, the machine
// fails the task. Nothing wraps.
#pragma once

#include "support/Operators.h"

#include "llvm/ADT/StringRef.h"

#include <cassert>
#include <cstdint>
#include <optional>
#include <string>

namespace wfc::arith {

// Why an operation has no result: arithmetic beyond 64 bits or by zero, or
// a conversion of a text that is no int or bool.
enum class Fault : uint8_t { None, Overflow, DivisionByZero, NotAnInt, NotABool };

struct IntResult {
  int64_t value = 0;
  Fault fault = Fault::None;
  bool ok() const { return fault == Fault::None; }
};

// `l op r` for an operator of category Arith (support/Operators.def).
// INT64_MIN % -1 is 0, exactly; INT64_MIN / -1 overflows.
inline IntResult apply(BinaryOp op, int64_t l, int64_t r) {
  IntResult out;
  bool overflow = false;
  switch (op) {
  case BinaryOp::Add:
    overflow = __builtin_add_overflow(l, r, &out.value);
    break;
  case BinaryOp::Sub:
    overflow = __builtin_sub_overflow(l, r, &out.value);
    break;
  case BinaryOp::Mul:
    overflow = __builtin_mul_overflow(l, r, &out.value);
    break;
  case BinaryOp::Div:
  case BinaryOp::Mod:
    if (r == 0)
      return {0, Fault::DivisionByZero};
    if (r == -1) // INT64_MIN / -1 traps in hardware; the exact answers are known
      return op == BinaryOp::Mod ? IntResult{0, Fault::None} : apply(BinaryOp::Sub, 0, l);
    out.value = op == BinaryOp::Div ? l / r : l % r;
    break;
  default:
    assert(false && "apply() takes an arithmetic operator");
    break;
  }
  if (overflow)
    return {0, Fault::Overflow};
  return out;
}

// -v; only INT64_MIN overflows.
inline IntResult negate(int64_t v) { return apply(BinaryOp::Sub, 0, v); }

// `l op r` for an operator of category Order or Equality.
template <typename T> bool compare(BinaryOp op, T l, T r) {
  switch (op) {
  case BinaryOp::Lt:
    return l < r;
  case BinaryOp::Le:
    return l <= r;
  case BinaryOp::Gt:
    return l > r;
  case BinaryOp::Ge:
    return l >= r;
  case BinaryOp::Eq:
    return l == r;
  case BinaryOp::Ne:
    return l != r;
  default:
    assert(false && "compare() takes an ordering or equality operator");
    return false;
  }
}

// `l op r` on floats, which only the compiler folds (the runtime has none).
inline double apply(BinaryOp op, double l, double r) {
  switch (op) {
  case BinaryOp::Add:
    return l + r;
  case BinaryOp::Sub:
    return l - r;
  case BinaryOp::Mul:
    return l * r;
  default:
    assert(false && "floats fold only +, - and *");
    return 0;
  }
}

// An int as "${n}" shows it, at compile time and at run time: decimal.
std::string toString(int64_t v);

// A whole number as `--param n=…` gives it: decimal digits with an optional
// '-'; nothing for other text or a value beyond 64 bits.
std::optional<int64_t> parseInt(llvm::StringRef text);

// --- Conversions: int(x), bool(x), string(x) -------------------------------------

// The conversions of the language, as both folding and the machine run them.
enum class Conversion : uint8_t { Int, Bool, String };
// "int", "bool", "string": how a call names it.
const char *spelling(Conversion c);
std::optional<Conversion> parseConversion(llvm::StringRef name);

// int("42"): what parseInt reads (decimal digits with an optional '-', within
// 64 bits); Fault::NotAnInt for any other text.
IntResult textToInt(llvm::StringRef text);
// bool("true"): exactly "true" or "false"; nothing for any other text.
std::optional<bool> textToBool(llvm::StringRef text);
// Why int(text) or bool(text) has no result, for messages: the text is
// shown quoted, cut to its first 40 characters.
std::string describeConversion(Conversion c, llvm::StringRef text);

// The exact value of `l op r` (or of -v) in decimal, also when it does not
// fit in 64 bits; for messages. Not for a division by zero.
std::string exactText(BinaryOp op, int64_t l, int64_t r);
std::string exactNegationText(int64_t v);

// Why `l op r` (or -v) has no result, for the run's report:
// "9223372036854775807 + 1 is 9223372036854775808, beyond the 64-bit int range".
std::string describe(Fault fault, BinaryOp op, int64_t l, int64_t r);
std::string describeNegation(int64_t v);

// "-9223372036854775808 to 9223372036854775807": what an int can hold.
std::string intRangeText();

} // namespace wfc::arith

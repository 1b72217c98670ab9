// The wfc language's operators (support/Operators.def) as enums, with their
// spellings and categories; below the compiler and the runtime, which share them.
#pragma once

#include "llvm/ADT/StringRef.h"

#include <cstdint>

namespace wfc {

enum class BinaryOp : uint8_t {
#define WFC_BINARY_OP(Name, Spelling, Token, Category, Opcode, TypeRule) Name,
#include "support/Operators.def"
};

enum class UnaryOp : uint8_t {
#define WFC_UNARY_OP(Name, Spelling, Token, Opcode) Name,
#include "support/Operators.def"
};

// What kind of values an operator works on; see Operators.def.
enum class OpCategory : uint8_t { Arith, Order, Equality, Member, Logic };

constexpr unsigned kBinaryOpCount = 0
#define WFC_BINARY_OP(Name, Spelling, Token, Category, Opcode, TypeRule) +1
#include "support/Operators.def"
    ;

inline llvm::StringRef spelling(BinaryOp op) {
  static const char *const kSpellings[] = {
#define WFC_BINARY_OP(Name, Spelling, Token, Category, Opcode, TypeRule) Spelling,
#include "support/Operators.def"
  };
  return kSpellings[static_cast<unsigned>(op)];
}

inline llvm::StringRef spelling(UnaryOp op) {
  static const char *const kSpellings[] = {
#define WFC_UNARY_OP(Name, Spelling, Token, Opcode) Spelling,
#include "support/Operators.def"
  };
  return kSpellings[static_cast<unsigned>(op)];
}

constexpr OpCategory category(BinaryOp op) {
  constexpr OpCategory kCategories[] = {
#define WFC_BINARY_OP(Name, Spelling, Token, Category, Opcode, TypeRule) OpCategory::Category,
#include "support/Operators.def"
  };
  return kCategories[static_cast<unsigned>(op)];
}

} // namespace wfc

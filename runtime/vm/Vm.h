// The expression machine: runs one verified code block.
#pragma once

#include "runtime/bytecode/Module.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Error.h"

#include <functional>
#include <string>
#include <vector>

namespace wfc::vm {

// A value on the machine's stack. Secrets are strings that remember where
// they came from, so that nothing derived from one can lose the mark.
struct Value {
  bytecode::ValueType type = bytecode::ValueType::Bool;
  bool boolean = false;
  int64_t integer = 0;
  std::string text; // String, Secret
  std::vector<std::string> list;
  // Why computing this value failed (an overflow, a division by zero), or
  // empty. A failed value fails the block only if its result depends on
  // it: `&&`, `||` and `?:` drop an operand they do not need, as folding
  // does (docs/language.md, Operators).
  std::string fault;

  static Value ofBool(bool b);
  static Value ofInt(int64_t i);
  static Value ofString(std::string s);
  static Value ofSecret(std::string s);
  static Value ofList(std::vector<std::string> items);
  static Value ofFault(std::string why);
  bool isSecret() const { return type == bytecode::ValueType::Secret; }
  bool failed() const { return !fault.empty(); }
};

// What a block may read of the run.
struct Inputs {
  llvm::ArrayRef<Value> params; // by param index, already typed
  std::function<const std::string *(uint32_t secret)> secret; // null: not available
  std::function<std::string(uint32_t task, llvm::StringRef key)> output;
  std::string runEnvironment;
};

// Runs `block` of a verified module, with support/Arith.h's arithmetic.
// Errors: division by zero or integer overflow that the result depends on,
// a secret the run does not have.
llvm::Expected<Value> evaluate(const bytecode::Module &module, const bytecode::CodeBlock &block,
                               const Inputs &inputs);

// The value of an operand: a constant string, or a block's result.
llvm::Expected<Value> evaluate(const bytecode::Module &module, bytecode::Operand operand,
                               const Inputs &inputs);

// The secrets `operand` reads, each once, in the order it reads them.
void secretsReadBy(const bytecode::Module &module, bytecode::Operand operand,
                   llvm::SmallVectorImpl<uint32_t> &secrets);

} // namespace wfc::vm

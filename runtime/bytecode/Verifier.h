// Typing code blocks: one pass over a block with a stack of types, as a Wasm
// validator does; and the decoding of instructions shared with the VM and
// the disassembler.
#pragma once

#include "runtime/bytecode/Module.h"

#include <optional>
#include <string>

namespace wfc::bytecode {

// One decoded instruction.
struct Instruction {
  Opcode op;
  int64_t a = 0;  // string id, integer, param, secret, task, count
  uint32_t b = 0; // Output: the key's string id
  uint32_t size = 0;
};

// Decodes the instruction at `pos` of verified ops.
Instruction decode(llvm::ArrayRef<uint8_t> ops, size_t pos);

// What a block touches that matters to who may use it.
struct BlockFacts {
  bool readsSecret = false;
  uint32_t maxOutputTask = UINT32_MAX; // the latest task whose output it reads
};

struct BlockContext {
  uint32_t strings;
  uint32_t params;
  uint32_t secrets;
  const Module *module;
};

struct BlockError {
  size_t offset; // within the block
  std::string message;
};

// Checks every instruction of a block: known opcodes, minimal operands in
// range, operand types, no underflow, the declared max stack respected, RET
// last with the declared result type, secrets flowing only into concat and
// ret. Linear in the block's length.
std::optional<BlockError> verifyBlock(const Module &module, const CodeBlock &block,
                                      const BlockContext &context, BlockFacts &facts);

// The machine type a param's value has on the stack.
ValueType paramValueType(ParamType type);

} // namespace wfc::bytecode

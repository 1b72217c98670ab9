// Typing code blocks in one pass with a stack of types, from the opcode
// table (Opcodes.def): what each instruction pops and pushes is data; the few
// with a rule of their own have a small function each.
#include "runtime/bytecode/Verifier.h"

#include "runtime/bytecode/Encoding.h"

#include <fmt/format.h>

#include <iterator>

namespace wfc::bytecode {
namespace {

// The operands of one instruction, as decoded.
struct Operands {
  uint64_t u = 0;   // an index or a count
  uint64_t key = 0; // Output: the key's string id
  int64_t integer = 0;
};

// Reads the operands `info` says follow at ops[pos]; false when one is not a
// minimal varint within the block.
bool readOperands(const OpcodeInfo &info, llvm::ArrayRef<uint8_t> ops, size_t &pos,
                  Operands &out) {
  switch (info.operands) {
  case OperandKind::None:
    return true;
  case OperandKind::Int:
    return decodeSleb(ops.data(), ops.size(), pos, out.integer) == VarintError::None;
  case OperandKind::Output:
    return decodeUleb(ops.data(), ops.size(), pos, out.u) == VarintError::None &&
           decodeUleb(ops.data(), ops.size(), pos, out.key) == VarintError::None;
  default:
    return decodeUleb(ops.data(), ops.size(), pos, out.u) == VarintError::None;
  }
}

class BlockTyper {
public:
  BlockTyper(const Module &m, const CodeBlock &block, const BlockContext &context,
             BlockFacts &facts)
      : m_(m), block_(block), context_(context), facts_(facts) {}

  std::optional<BlockError> run();

private:
  using Problem = std::optional<BlockError>;
  Problem error(std::string message) const { return BlockError{at_, std::move(message)}; }
  Problem checkOperands(const Operands &o);
  Problem type(const Operands &o);

  // The stack, as Opcodes.def's Takes and Gives say.
  Problem pop(const StackInput &input, ValueType &out);
  Problem popTakes(uint64_t count);
  Problem push(ValueType t);

  // The rules of their own.
  Problem sameTypes();
  Problem choice();
  Problem secretIfAny(uint64_t count);
  Problem ret();

  const Module &m_;
  const CodeBlock &block_;
  const BlockContext &context_;
  BlockFacts &facts_;
  ValueType stack_[kMaxStack];
  uint32_t depth_ = 0;
  size_t at_ = 0; // where the instruction being typed starts
  const OpcodeInfo *info_ = nullptr;
  ValueType popped_[3] = {}; // what popTakes popped, deepest first (fixed counts)
  bool poppedSecret_ = false;
  bool returned_ = false;
};

std::optional<BlockError> BlockTyper::run() {
  llvm::ArrayRef<uint8_t> ops = m_.opsOf(block_);
  size_t pos = 0;
  while (pos < ops.size()) {
    at_ = pos;
    if (returned_)
      return error("instructions after ret");
    info_ = opcodeInfo(ops[pos]);
    if (!info_)
      return error(fmt::format("unknown opcode 0x{:02x}", ops[pos]));
    ++pos;
    Operands operands;
    if (!readOperands(*info_, ops, pos, operands))
      return error(fmt::format("{}: malformed operand", info_->mnemonic));
    if (Problem p = checkOperands(operands))
      return p;
    if (Problem p = type(operands))
      return p;
  }
  if (!returned_) {
    at_ = ops.size();
    return error("the block does not end with ret");
  }
  return std::nullopt;
}

// Operands in range, by their kind; what they tell about the block.
std::optional<BlockError> BlockTyper::checkOperands(const Operands &o) {
  const char *mnemonic = info_->mnemonic;
  switch (info_->operands) {
  case OperandKind::Str:
    if (o.u >= context_.strings)
      return error(fmt::format("{}: string {} is out of range", mnemonic, o.u));
    return std::nullopt;
  case OperandKind::Param:
    if (o.u >= context_.params)
      return error(fmt::format("{}: param {} is out of range", mnemonic, o.u));
    if (m_.params[o.u].type == ParamType::Float)
      return error(fmt::format("{}: float params cannot be read at run time", mnemonic));
    return std::nullopt;
  case OperandKind::Secret:
    if (o.u >= context_.secrets)
      return error(fmt::format("{}: secret {} is out of range", mnemonic, o.u));
    facts_.readsSecret = true;
    return std::nullopt;
  case OperandKind::Output:
    if (o.key >= context_.strings)
      return error(fmt::format("{}: key string {} is out of range", mnemonic, o.key));
    if (o.u >= kMaxTasks)
      return error(fmt::format("{}: task {} is out of range", mnemonic, o.u));
    if (facts_.maxOutputTask == UINT32_MAX || o.u > facts_.maxOutputTask)
      facts_.maxOutputTask = static_cast<uint32_t>(o.u);
    return std::nullopt;
  default:
    return std::nullopt;
  }
}

// A `switch` whose cases are each one call: the table's rule decides.
std::optional<BlockError> BlockTyper::type(const Operands &o) {
  switch (info_->rule) {
  case TypingRule::Plain:
    if (Problem p = popTakes(o.u))
      return p;
    return push(static_cast<ValueType>(info_->gives));
  case TypingRule::ParamType:
    return push(paramValueType(m_.params[o.u].type));
  case TypingRule::SameTypes:
    return sameTypes();
  case TypingRule::Choice:
    return choice();
  case TypingRule::SecretIfAny:
    return secretIfAny(o.u);
  case TypingRule::Return:
    return ret();
  }
  return error("no typing rule");
}

std::optional<BlockError> BlockTyper::pop(const StackInput &input, ValueType &out) {
  if (depth_ == 0)
    return error(fmt::format("{}: stack underflow", info_->mnemonic));
  out = stack_[--depth_];
  if (!(input.types & types::bit(out)))
    return error(fmt::format("{}: {} has the wrong type ({})", info_->mnemonic, input.name,
                             valueTypeName(out)));
  return std::nullopt;
}

// Pops what the table's Takes says, the top (last) value first; `count` is
// the Count operand of an instruction that has one.
std::optional<BlockError> BlockTyper::popTakes(uint64_t count) {
  if (info_->pops != kPopsCount) {
    for (int i = info_->pops - 1; i >= 0; --i)
      if (Problem p = pop(info_->takes[i], popped_[i]))
        return p;
    return std::nullopt;
  }
  if (count > depth_)
    return error(fmt::format("{}: {} {} values, the stack holds {}", info_->mnemonic,
                             info_->countVerb, count, depth_));
  poppedSecret_ = false;
  for (uint64_t i = 0; i < count; ++i) {
    ValueType t{};
    if (Problem p = pop(info_->takes[0], t))
      return p;
    poppedSecret_ = poppedSecret_ || t == ValueType::Secret;
  }
  return std::nullopt;
}

std::optional<BlockError> BlockTyper::push(ValueType t) {
  if (depth_ >= block_.maxStack)
    return error(fmt::format("{}: the stack grows past the declared max of {}", info_->mnemonic,
                             block_.maxStack));
  stack_[depth_++] = t;
  return std::nullopt;
}

// eq, ne: two values of one type.
std::optional<BlockError> BlockTyper::sameTypes() {
  if (Problem p = popTakes(0))
    return p;
  if (popped_[0] != popped_[1])
    return error(fmt::format("{}: compares a {} with a {}", info_->mnemonic,
                             valueTypeName(popped_[0]), valueTypeName(popped_[1])));
  return push(static_cast<ValueType>(info_->gives));
}

// select: two choices of one type, or a string and a secret (a secret then).
std::optional<BlockError> BlockTyper::choice() {
  if (Problem p = popTakes(0))
    return p;
  ValueType first = popped_[1], second = popped_[2];
  auto textual = [](ValueType t) { return t == ValueType::String || t == ValueType::Secret; };
  if (first != second && !(textual(first) && textual(second)))
    return error(fmt::format("{}: chooses between a {} and a {}", info_->mnemonic,
                             valueTypeName(first), valueTypeName(second)));
  bool secret = first == ValueType::Secret || second == ValueType::Secret;
  return push(secret ? ValueType::Secret : first);
}

// concat: a string, or a secret if any part is one.
std::optional<BlockError> BlockTyper::secretIfAny(uint64_t count) {
  if (Problem p = popTakes(count))
    return p;
  return push(poppedSecret_ ? ValueType::Secret : ValueType::String);
}

// ret: the block's one value, of its declared type; nothing may follow.
std::optional<BlockError> BlockTyper::ret() {
  if (depth_ != 1)
    return error(fmt::format("{}: the stack holds {} values, not one", info_->mnemonic, depth_));
  if (stack_[0] != block_.result)
    return error(fmt::format("{}: the block gives a {}, not the declared {}", info_->mnemonic,
                             valueTypeName(stack_[0]), valueTypeName(block_.result)));
  returned_ = true;
  depth_ = 0;
  return std::nullopt;
}

} // namespace

const char *valueTypeName(ValueType type) {
  static const char *const kNames[] = {"?", "bool", "int", "string", "secret", "list"};
  static_assert(std::size(kNames) == size_t(ValueType::List) + 1, "a name for each type");
  uint8_t i = static_cast<uint8_t>(type);
  return i < std::size(kNames) ? kNames[i] : "?";
}

ValueType paramValueType(ParamType type) {
  switch (type) {
  case ParamType::Int:
  case ParamType::Duration:
  case ParamType::Size:
    return ValueType::Int;
  case ParamType::Bool:
    return ValueType::Bool;
  case ParamType::List:
    return ValueType::List;
  default:
    return ValueType::String;
  }
}

Instruction decode(llvm::ArrayRef<uint8_t> ops, size_t pos) {
  Instruction in;
  size_t start = pos;
  in.op = static_cast<Opcode>(ops[pos++]);
  Operands operands;
  readOperands(opcodeInfo(in.op), ops, pos, operands);
  in.a = opcodeInfo(in.op).operands == OperandKind::Int ? operands.integer
                                                        : static_cast<int64_t>(operands.u);
  in.b = static_cast<uint32_t>(operands.key);
  in.size = static_cast<uint32_t>(pos - start);
  return in;
}

std::optional<BlockError> verifyBlock(const Module &module, const CodeBlock &block,
                                      const BlockContext &context, BlockFacts &facts) {
  return BlockTyper(module, block, context, facts).run();
}

} // namespace wfc::bytecode

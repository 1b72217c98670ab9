// Typing code blocks in one pass with a stack of types.
#include "runtime/bytecode/Verifier.h"

#include <fmt/format.h>

namespace wfc::bytecode {
namespace {

const OpcodeInfo kOpcodes[] = {
#define WFC_OPCODE(Name, Byte, Mnemonic, Operands, Effect)                                         \
  {Opcode::Name, Mnemonic, OperandKind::Operands},
#include "runtime/bytecode/Opcodes.def"
};

struct OpcodeTable {
  const OpcodeInfo *byByte[256] = {};
  OpcodeTable() {
    for (const OpcodeInfo &info : kOpcodes)
      byByte[static_cast<uint8_t>(info.op)] = &info;
  }
};
const OpcodeTable kTable;

// Reads a minimal uleb/sleb from ops; false when malformed.
bool readUleb(llvm::ArrayRef<uint8_t> ops, size_t &pos, uint64_t &out, unsigned bits = 32) {
  out = 0;
  unsigned shift = 0;
  size_t start = pos;
  while (pos < ops.size()) {
    uint8_t byte = ops[pos++];
    uint64_t chunk = byte & 0x7f;
    if (shift >= bits || (shift > 0 && bits - shift < 7 && (chunk >> (bits - shift))))
      return false;
    out |= chunk << shift;
    shift += 7;
    if (!(byte & 0x80))
      return !(byte == 0 && pos - start > 1);
  }
  return false;
}

bool readSleb(llvm::ArrayRef<uint8_t> ops, size_t &pos, int64_t &out) {
  out = 0;
  unsigned shift = 0;
  size_t start = pos;
  uint8_t byte = 0;
  do {
    if (pos >= ops.size() || shift >= 70)
      return false;
    byte = ops[pos++];
    if (shift == 63 && byte != 0 && byte != 0x7f)
      return false;
    out |= int64_t(byte & 0x7f) << shift;
    shift += 7;
  } while (byte & 0x80);
  if (shift < 64 && (byte & 0x40))
    out |= -(int64_t(1) << shift);
  if (pos - start > 1) {
    uint8_t before = ops[pos - 2];
    if ((byte == 0 && !(before & 0x40)) || (byte == 0x7f && (before & 0x40)))
      return false;
  }
  return true;
}

} // namespace

const OpcodeInfo *opcodeInfo(uint8_t byte) { return kTable.byByte[byte]; }

const char *valueTypeName(ValueType type) {
  switch (type) {
  case ValueType::Bool:
    return "bool";
  case ValueType::Int:
    return "int";
  case ValueType::String:
    return "string";
  case ValueType::Secret:
    return "secret";
  case ValueType::List:
    return "list";
  }
  return "?";
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
  uint64_t u = 0;
  switch (kTable.byByte[static_cast<uint8_t>(in.op)]->operands) {
  case OperandKind::None:
    break;
  case OperandKind::Int:
    readSleb(ops, pos, in.a);
    break;
  case OperandKind::Output:
    readUleb(ops, pos, u);
    in.a = static_cast<int64_t>(u);
    readUleb(ops, pos, u);
    in.b = static_cast<uint32_t>(u);
    break;
  default:
    readUleb(ops, pos, u);
    in.a = static_cast<int64_t>(u);
    break;
  }
  in.size = static_cast<uint32_t>(pos - start);
  return in;
}

std::optional<BlockError> verifyBlock(const Module &module, const CodeBlock &block,
                                      const BlockContext &context, BlockFacts &facts) {
  llvm::ArrayRef<uint8_t> ops = module.opsOf(block);
  ValueType stack[kMaxStack];
  uint32_t depth = 0;
  size_t pos = 0;
  bool returned = false;
  auto error = [&](size_t at, std::string message) {
    return std::optional<BlockError>(BlockError{at, std::move(message)});
  };
  while (pos < ops.size()) {
    size_t at = pos;
    if (returned)
      return error(at, "instructions after ret");
    const OpcodeInfo *info = opcodeInfo(ops[pos]);
    if (!info)
      return error(at, fmt::format("unknown opcode 0x{:02x}", ops[pos]));
    ++pos;
    // Operands: minimal, and in range.
    uint64_t u = 0, key = 0;
    int64_t integer = 0;
    bool good = true;
    switch (info->operands) {
    case OperandKind::None:
      break;
    case OperandKind::Int:
      good = readSleb(ops, pos, integer);
      break;
    case OperandKind::Output:
      good = readUleb(ops, pos, u) && readUleb(ops, pos, key);
      break;
    default:
      good = readUleb(ops, pos, u);
      break;
    }
    if (!good)
      return error(at, fmt::format("{}: malformed operand", info->mnemonic));
    auto pop = [&](std::initializer_list<ValueType> allowed,
                   const char *what) -> std::optional<ValueType> {
      if (depth == 0)
        return std::nullopt;
      ValueType t = stack[--depth];
      for (ValueType a : allowed)
        if (a == t)
          return t;
      return std::optional<ValueType>(static_cast<ValueType>(0));
    };
    auto expect = [&](std::initializer_list<ValueType> allowed, const char *what,
                      ValueType &out) -> std::optional<BlockError> {
      std::optional<ValueType> t = pop(allowed, what);
      if (!t)
        return error(at, fmt::format("{}: stack underflow", info->mnemonic));
      if (static_cast<uint8_t>(*t) == 0)
        return error(at, fmt::format("{}: {} has the wrong type ({})", info->mnemonic, what,
                                     valueTypeName(stack[depth])));
      out = *t;
      return std::nullopt;
    };
    auto push = [&](ValueType t) -> std::optional<BlockError> {
      if (depth >= block.maxStack)
        return error(at, fmt::format("{}: the stack grows past the declared max of {}",
                                     info->mnemonic, block.maxStack));
      stack[depth++] = t;
      return std::nullopt;
    };
    ValueType a = ValueType::Bool, b = ValueType::Bool, c = ValueType::Bool;
    const std::initializer_list<ValueType> kInt = {ValueType::Int};
    const std::initializer_list<ValueType> kBool = {ValueType::Bool};
    const std::initializer_list<ValueType> kText = {ValueType::String};
    const std::initializer_list<ValueType> kComparable = {ValueType::Bool, ValueType::Int,
                                                          ValueType::String};
    std::optional<BlockError> problem;
    switch (info->op) {
    case Opcode::PushStr:
      if (u >= context.strings)
        return error(at, fmt::format("push.str: string {} is out of range", u));
      problem = push(ValueType::String);
      break;
    case Opcode::PushInt:
      problem = push(ValueType::Int);
      break;
    case Opcode::PushTrue:
    case Opcode::PushFalse:
      problem = push(ValueType::Bool);
      break;
    case Opcode::Param:
      if (u >= context.params)
        return error(at, fmt::format("param: param {} is out of range", u));
      if (module.params[u].type == ParamType::Float)
        return error(at, "param: float params cannot be read at run time");
      problem = push(paramValueType(module.params[u].type));
      break;
    case Opcode::Secret:
      if (u >= context.secrets)
        return error(at, fmt::format("secret: secret {} is out of range", u));
      facts.readsSecret = true;
      problem = push(ValueType::Secret);
      break;
    case Opcode::Output:
      if (key >= context.strings)
        return error(at, fmt::format("output: key string {} is out of range", key));
      if (u >= kMaxTasks)
        return error(at, fmt::format("output: task {} is out of range", u));
      if (facts.maxOutputTask == UINT32_MAX || u > facts.maxOutputTask)
        facts.maxOutputTask = static_cast<uint32_t>(u);
      problem = push(ValueType::String);
      break;
    case Opcode::RunEnv:
      problem = push(ValueType::String);
      break;
    case Opcode::Not:
      if (!(problem = expect(kBool, "the operand", a)))
        problem = push(ValueType::Bool);
      break;
    case Opcode::Neg:
      if (!(problem = expect(kInt, "the operand", a)))
        problem = push(ValueType::Int);
      break;
    case Opcode::Add:
    case Opcode::Sub:
    case Opcode::Mul:
    case Opcode::Div:
    case Opcode::Mod:
      if (!(problem = expect(kInt, "the right operand", b)) &&
          !(problem = expect(kInt, "the left operand", a)))
        problem = push(ValueType::Int);
      break;
    case Opcode::Eq:
    case Opcode::Ne:
      if (!(problem = expect(kComparable, "the right operand", b)) &&
          !(problem = expect(kComparable, "the left operand", a))) {
        if (a != b)
          return error(at, fmt::format("{}: compares a {} with a {}", info->mnemonic,
                                       valueTypeName(a), valueTypeName(b)));
        problem = push(ValueType::Bool);
      }
      break;
    case Opcode::Lt:
    case Opcode::Le:
    case Opcode::Gt:
    case Opcode::Ge:
      if (!(problem = expect(kInt, "the right operand", b)) &&
          !(problem = expect(kInt, "the left operand", a)))
        problem = push(ValueType::Bool);
      break;
    case Opcode::And:
    case Opcode::Or:
      if (!(problem = expect(kBool, "the right operand", b)) &&
          !(problem = expect(kBool, "the left operand", a)))
        problem = push(ValueType::Bool);
      break;
    case Opcode::Select: {
      const std::initializer_list<ValueType> kAny = {ValueType::Bool, ValueType::Int,
                                                     ValueType::String, ValueType::Secret,
                                                     ValueType::List};
      if ((problem = expect(kAny, "the second choice", c)) ||
          (problem = expect(kAny, "the first choice", b)) ||
          (problem = expect(kBool, "the condition", a)))
        break;
      auto textual = [](ValueType t) { return t == ValueType::String || t == ValueType::Secret; };
      if (b != c && !(textual(b) && textual(c)))
        return error(at, fmt::format("select: chooses between a {} and a {}", valueTypeName(b),
                                     valueTypeName(c)));
      problem = push(b == ValueType::Secret || c == ValueType::Secret ? ValueType::Secret : b);
      break;
    }
    case Opcode::Concat: {
      if (u > depth)
        return error(at, fmt::format("concat: joins {} values, the stack holds {}", u, depth));
      bool secret = false;
      for (uint64_t i = 0; i < u; ++i) {
        if ((problem = expect({ValueType::String, ValueType::Secret}, "a part", a)))
          break;
        secret = secret || a == ValueType::Secret;
      }
      if (!problem)
        problem = push(secret ? ValueType::Secret : ValueType::String);
      break;
    }
    case Opcode::ToStr:
      if (!(problem = expect({ValueType::Int, ValueType::Bool}, "the operand", a)))
        problem = push(ValueType::String);
      break;
    case Opcode::FmtDur:
    case Opcode::FmtSize:
      if (!(problem = expect(kInt, "the operand", a)))
        problem = push(ValueType::String);
      break;
    case Opcode::List:
      if (u > depth)
        return error(at, fmt::format("list: gathers {} values, the stack holds {}", u, depth));
      for (uint64_t i = 0; i < u && !problem; ++i)
        problem = expect(kText, "an item", a);
      if (!problem)
        problem = push(ValueType::List);
      break;
    case Opcode::In:
      if (!(problem = expect({ValueType::List}, "the list", b)) &&
          !(problem = expect(kText, "the value", a)))
        problem = push(ValueType::Bool);
      break;
    case Opcode::Contains:
      if (!(problem = expect(kText, "the text", b)) &&
          !(problem = expect(kText, "the part", a)))
        problem = push(ValueType::Bool);
      break;
    case Opcode::Ret:
      if (depth != 1)
        return error(at, fmt::format("ret: the stack holds {} values, not one", depth));
      if (stack[0] != block.result)
        return error(at, fmt::format("ret: the block gives a {}, not the declared {}",
                                     valueTypeName(stack[0]), valueTypeName(block.result)));
      returned = true;
      depth = 0;
      break;
    }
    if (problem)
      return problem;
  }
  if (!returned)
    return error(ops.size(), "the block does not end with ret");
  return std::nullopt;
}

} // namespace wfc::bytecode

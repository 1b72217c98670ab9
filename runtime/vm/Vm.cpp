// The expression machine: runs one verified code block, in one pass.
#include "runtime/vm/Vm.h"

#include "runtime/bytecode/Verifier.h"
#include "support/Arith.h"
#include "support/Units.h"

namespace wfc::vm {

using bytecode::Opcode;
using bytecode::ValueType;
using wfc::BinaryOp;

Value Value::ofBool(bool b) {
  Value v;
  v.type = ValueType::Bool;
  v.boolean = b;
  return v;
}
Value Value::ofInt(int64_t i) {
  Value v;
  v.type = ValueType::Int;
  v.integer = i;
  return v;
}
Value Value::ofString(std::string s) {
  Value v;
  v.type = ValueType::String;
  v.text = std::move(s);
  return v;
}
Value Value::ofSecret(std::string s) {
  Value v;
  v.type = ValueType::Secret;
  v.text = std::move(s);
  return v;
}
Value Value::ofFault(std::string why) {
  Value v;
  v.fault = std::move(why);
  return v;
}
Value Value::ofList(std::vector<std::string> items) {
  Value v;
  v.type = ValueType::List;
  v.list = std::move(items);
  return v;
}

namespace {

using arith::IntResult;

llvm::Error fail(const std::string &message) {
  return llvm::createStringError(std::make_error_code(std::errc::invalid_argument), message);
}

bool equal(const Value &a, const Value &b) {
  switch (a.type) {
  case ValueType::Bool:
    return a.boolean == b.boolean;
  case ValueType::Int:
    return a.integer == b.integer;
  default:
    return a.text == b.text;
  }
}

// The operator an opcode computes on ints and bools (support/Operators.def).
BinaryOp binaryOpOf(Opcode op) {
  switch (op) {
#define WFC_BINARY_OP(Name, Spelling, Token, Category, Op, TypeRule)                              \
  case Opcode::Op:                                                                                 \
    return BinaryOp::Name;
#include "support/Operators.def"
  default:
    assert(false && "not an operator's opcode");
    return BinaryOp::Eq;
  }
}

// One run of a block: the stack and what each instruction does to it.
class Machine {
public:
  Machine(const bytecode::Module &module, const Inputs &inputs, uint32_t maxStack)
      : module_(module), inputs_(inputs) {
    stack_.reserve(maxStack);
  }

  // Runs `in`; an error ends the block.
  llvm::Error step(const bytecode::Instruction &in) {
    if (propagatesFault(in))
      return llvm::Error::success();
    switch (in.op) {
    case Opcode::PushStr:
      return push(Value::ofString(module_.str(static_cast<uint32_t>(in.a)).str()));
    case Opcode::PushInt:
      return push(Value::ofInt(in.a));
    case Opcode::PushTrue:
    case Opcode::PushFalse:
      return push(Value::ofBool(in.op == Opcode::PushTrue));
    case Opcode::Param:
      return push(inputs_.params[in.a]);
    case Opcode::Secret:
      return secret(static_cast<uint32_t>(in.a));
    case Opcode::Output:
      return output(static_cast<uint32_t>(in.a), in.b);
    case Opcode::RunEnv:
      return push(Value::ofString(inputs_.runEnvironment));
    case Opcode::Not:
      return logicalNot();
    case Opcode::Neg:
      return negate();
    case Opcode::Add:
    case Opcode::Sub:
    case Opcode::Mul:
    case Opcode::Div:
    case Opcode::Mod:
      return arithmetic(binaryOpOf(in.op));
    case Opcode::Eq:
    case Opcode::Ne:
    case Opcode::Lt:
    case Opcode::Le:
    case Opcode::Gt:
    case Opcode::Ge:
      return comparison(binaryOpOf(in.op));
    case Opcode::And:
    case Opcode::Or:
      return logic(in.op == Opcode::And);
    case Opcode::Select:
      return select();
    case Opcode::Concat:
      return concat(static_cast<size_t>(in.a));
    case Opcode::ToStr:
    case Opcode::FmtDur:
    case Opcode::FmtSize:
      return toText(in.op);
    case Opcode::ToInt:
      return textToInt();
    case Opcode::ToBool:
      return textToBool();
    case Opcode::Lines:
      return lines();
    case Opcode::List:
      return list(static_cast<size_t>(in.a));
    case Opcode::In:
    case Opcode::Contains:
      return member(in.op == Opcode::In);
    case Opcode::Ret:
      return llvm::Error::success(); // evaluate() takes the result
    }
    return fail("unknown opcode"); // unreachable for verified blocks
  }

  Value pop() {
    Value v = std::move(stack_.back());
    stack_.pop_back();
    return v;
  }

private:
  // An instruction other than `and`, `or`, `select` and `ret` whose operand
  // failed fails too, with the first failure; returns whether it did.
  bool propagatesFault(const bytecode::Instruction &in) {
    if (in.op == Opcode::And || in.op == Opcode::Or || in.op == Opcode::Select ||
        in.op == Opcode::Ret)
      return false;
    uint32_t pops = bytecode::opcodeInfo(in.op).popsFor(uint64_t(in.a));
    size_t first = stack_.size() - pops;
    for (size_t i = first; i < stack_.size(); ++i) {
      if (!stack_[i].failed())
        continue;
      Value fault = Value::ofFault(std::move(stack_[i].fault));
      stack_.resize(first);
      stack_.push_back(std::move(fault));
      return true;
    }
    return false;
  }

  llvm::Error push(Value v) {
    stack_.push_back(std::move(v));
    return llvm::Error::success();
  }

  llvm::Error secret(uint32_t index) {
    const std::string *value = inputs_.secret ? inputs_.secret(index) : nullptr;
    if (!value)
      return fail("secret '" + module_.str(module_.secrets[index]).str() + "' is not available");
    return push(Value::ofSecret(*value));
  }

  llvm::Error output(uint32_t task, uint32_t key) {
    return push(
        Value::ofString(inputs_.output ? inputs_.output(task, module_.str(key)) : ""));
  }

  llvm::Error logicalNot() {
    stack_.back().boolean = !stack_.back().boolean;
    return llvm::Error::success();
  }

  llvm::Error negate() {
    int64_t v = stack_.back().integer;
    IntResult result = arith::negate(v);
    if (!result.ok()) {
      stack_.back() = Value::ofFault(arith::describeNegation(v));
      return llvm::Error::success();
    }
    stack_.back().integer = result.value;
    return llvm::Error::success();
  }

  llvm::Error arithmetic(BinaryOp op) {
    int64_t r = pop().integer;
    int64_t l = pop().integer;
    IntResult result = arith::apply(op, l, r);
    if (!result.ok())
      return push(Value::ofFault(arith::describe(result.fault, op, l, r)));
    return push(Value::ofInt(result.value));
  }

  llvm::Error comparison(BinaryOp op) {
    Value r = pop();
    Value l = pop();
    if (l.type == ValueType::Int)
      return push(Value::ofBool(arith::compare(op, l.integer, r.integer)));
    bool same = equal(l, r);
    return push(Value::ofBool(op == BinaryOp::Eq ? same : !same));
  }

  // The left operand decides first: `false && x` is false and `true || x`
  // true whatever x is, even a failed x.
  llvm::Error logic(bool isAnd) {
    Value r = pop();
    Value l = pop();
    if (l.failed() || l.boolean != isAnd)
      return push(std::move(l));
    return push(std::move(r));
  }

  llvm::Error select() {
    Value otherwise = pop();
    Value then = pop();
    Value cond = pop();
    if (cond.failed())
      return push(std::move(cond));
    Value chosen = cond.boolean ? std::move(then) : std::move(otherwise);
    // A choice between a secret and a string is a secret either way.
    if (then.isSecret() || otherwise.isSecret())
      chosen.type = ValueType::Secret;
    return push(std::move(chosen));
  }

  llvm::Error concat(size_t n) {
    std::string text;
    bool secret = false;
    for (size_t i = stack_.size() - n; i < stack_.size(); ++i) {
      text += stack_[i].text;
      secret = secret || stack_[i].isSecret();
    }
    stack_.resize(stack_.size() - n);
    return push(secret ? Value::ofSecret(std::move(text)) : Value::ofString(std::move(text)));
  }

  llvm::Error toText(Opcode op) {
    Value v = pop();
    if (op == Opcode::FmtDur)
      return push(Value::ofString(formatDuration(v.integer)));
    if (op == Opcode::FmtSize)
      return push(Value::ofString(sizeText(v.integer)));
    if (v.type == ValueType::Bool)
      return push(Value::ofString(v.boolean ? "true" : "false"));
    return push(Value::ofString(arith::toString(v.integer)));
  }

  // int(x) and bool(x) on a text: a failed value for any other text.
  llvm::Error textToInt() {
    Value v = pop();
    IntResult result = arith::textToInt(v.text);
    if (!result.ok())
      return push(Value::ofFault(arith::describeConversion(arith::Conversion::Int, v.text)));
    return push(Value::ofInt(result.value));
  }

  llvm::Error textToBool() {
    Value v = pop();
    if (std::optional<bool> b = arith::textToBool(v.text))
      return push(Value::ofBool(*b));
    return push(Value::ofFault(arith::describeConversion(arith::Conversion::Bool, v.text)));
  }

  // A list output as written: one item a line; no text, no items.
  llvm::Error lines() {
    Value v = pop();
    std::vector<std::string> items;
    llvm::SmallVector<llvm::StringRef, 8> parts;
    if (!v.text.empty())
      llvm::StringRef(v.text).split(parts, '\n');
    for (llvm::StringRef part : parts)
      items.push_back(part.str());
    return push(Value::ofList(std::move(items)));
  }

  llvm::Error list(size_t n) {
    std::vector<std::string> items;
    for (size_t i = stack_.size() - n; i < stack_.size(); ++i)
      items.push_back(std::move(stack_[i].text));
    stack_.resize(stack_.size() - n);
    return push(Value::ofList(std::move(items)));
  }

  // `in` on a list, or CONTAINS on two strings.
  llvm::Error member(bool inList) {
    Value whole = pop();
    Value part = pop();
    if (inList)
      return push(Value::ofBool(llvm::is_contained(whole.list, part.text)));
    return push(Value::ofBool(whole.text.find(part.text) != std::string::npos));
  }

  const bytecode::Module &module_;
  const Inputs &inputs_;
  std::vector<Value> stack_;
};

} // namespace

llvm::Expected<Value> evaluate(const bytecode::Module &module, const bytecode::CodeBlock &block,
                               const Inputs &inputs) {
  llvm::ArrayRef<uint8_t> ops = module.opsOf(block);
  Machine machine(module, inputs, block.maxStack);
  for (size_t pos = 0; pos < ops.size();) {
    bytecode::Instruction in = bytecode::decode(ops, pos);
    pos += in.size;
    if (llvm::Error error = machine.step(in))
      return error;
    if (in.op != Opcode::Ret)
      continue;
    Value result = machine.pop();
    if (result.failed())
      return fail(result.fault);
    return result;
  }
  return fail("the block did not return"); // unreachable for verified blocks
}

llvm::Expected<Value> evaluate(const bytecode::Module &module, bytecode::Operand operand,
                               const Inputs &inputs) {
  if (!operand.isBlock())
    return Value::ofString(module.str(operand.index()).str());
  return evaluate(module, module.code[operand.index()], inputs);
}

void secretsReadBy(const bytecode::Module &module, bytecode::Operand operand,
                   llvm::SmallVectorImpl<uint32_t> &secrets) {
  if (!operand.isBlock())
    return;
  llvm::ArrayRef<uint8_t> ops = module.opsOf(module.code[operand.index()]);
  for (size_t pos = 0; pos < ops.size();) {
    bytecode::Instruction in = bytecode::decode(ops, pos);
    pos += in.size;
    if (in.op == Opcode::Secret && !llvm::is_contained(secrets, static_cast<uint32_t>(in.a)))
      secrets.push_back(static_cast<uint32_t>(in.a));
  }
}

} // namespace wfc::vm

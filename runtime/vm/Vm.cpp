// The expression machine: runs one verified code block, in one pass.
#include "runtime/vm/Vm.h"

#include "runtime/bytecode/Verifier.h"
#include "support/Units.h"

namespace wfc::vm {

using bytecode::Opcode;
using bytecode::ValueType;

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
Value Value::ofList(std::vector<std::string> items) {
  Value v;
  v.type = ValueType::List;
  v.list = std::move(items);
  return v;
}

namespace {

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

uint64_t wrap(int64_t v) { return static_cast<uint64_t>(v); }

} // namespace

llvm::Expected<Value> evaluate(const bytecode::Module &module, const bytecode::CodeBlock &block,
                               const Inputs &inputs) {
  llvm::ArrayRef<uint8_t> ops = module.opsOf(block);
  std::vector<Value> stack;
  stack.reserve(block.maxStack);
  auto pop = [&] {
    Value v = std::move(stack.back());
    stack.pop_back();
    return v;
  };
  for (size_t pos = 0; pos < ops.size();) {
    bytecode::Instruction in = bytecode::decode(ops, pos);
    pos += in.size;
    switch (in.op) {
    case Opcode::PushStr:
      stack.push_back(Value::ofString(module.str(static_cast<uint32_t>(in.a)).str()));
      break;
    case Opcode::PushInt:
      stack.push_back(Value::ofInt(in.a));
      break;
    case Opcode::PushTrue:
    case Opcode::PushFalse:
      stack.push_back(Value::ofBool(in.op == Opcode::PushTrue));
      break;
    case Opcode::Param:
      stack.push_back(inputs.params[in.a]);
      break;
    case Opcode::Secret: {
      const std::string *value = inputs.secret ? inputs.secret(static_cast<uint32_t>(in.a)) : nullptr;
      if (!value)
        return fail("secret '" + module.str(module.secrets[in.a]).str() + "' is not available");
      stack.push_back(Value::ofSecret(*value));
      break;
    }
    case Opcode::Output:
      stack.push_back(Value::ofString(
          inputs.output ? inputs.output(static_cast<uint32_t>(in.a), module.str(in.b)) : ""));
      break;
    case Opcode::RunEnv:
      stack.push_back(Value::ofString(inputs.runEnvironment));
      break;
    case Opcode::Not:
      stack.back().boolean = !stack.back().boolean;
      break;
    case Opcode::Neg:
      stack.back().integer = static_cast<int64_t>(0 - wrap(stack.back().integer));
      break;
    case Opcode::Add:
    case Opcode::Sub:
    case Opcode::Mul:
    case Opcode::Div:
    case Opcode::Mod: {
      int64_t r = pop().integer;
      int64_t l = pop().integer;
      int64_t v = 0;
      if ((in.op == Opcode::Div || in.op == Opcode::Mod) && r == 0)
        return fail("division by zero");
      switch (in.op) {
      case Opcode::Add:
        v = static_cast<int64_t>(wrap(l) + wrap(r));
        break;
      case Opcode::Sub:
        v = static_cast<int64_t>(wrap(l) - wrap(r));
        break;
      case Opcode::Mul:
        v = static_cast<int64_t>(wrap(l) * wrap(r));
        break;
      case Opcode::Div:
        v = (l == INT64_MIN && r == -1) ? l : l / r;
        break;
      default:
        v = (l == INT64_MIN && r == -1) ? 0 : l % r;
        break;
      }
      stack.push_back(Value::ofInt(v));
      break;
    }
    case Opcode::Eq:
    case Opcode::Ne: {
      Value r = pop();
      Value l = pop();
      bool same = equal(l, r);
      stack.push_back(Value::ofBool(in.op == Opcode::Eq ? same : !same));
      break;
    }
    case Opcode::Lt:
    case Opcode::Le:
    case Opcode::Gt:
    case Opcode::Ge: {
      int64_t r = pop().integer;
      int64_t l = pop().integer;
      bool v = in.op == Opcode::Lt   ? l < r
               : in.op == Opcode::Le ? l <= r
               : in.op == Opcode::Gt ? l > r
                                     : l >= r;
      stack.push_back(Value::ofBool(v));
      break;
    }
    case Opcode::And:
    case Opcode::Or: {
      bool r = pop().boolean;
      bool l = pop().boolean;
      stack.push_back(Value::ofBool(in.op == Opcode::And ? (l && r) : (l || r)));
      break;
    }
    case Opcode::Select: {
      Value otherwise = pop();
      Value then = pop();
      bool cond = pop().boolean;
      Value chosen = cond ? std::move(then) : std::move(otherwise);
      // A choice between a secret and a string is a secret either way.
      if (then.isSecret() || otherwise.isSecret())
        chosen.type = ValueType::Secret;
      stack.push_back(std::move(chosen));
      break;
    }
    case Opcode::Concat: {
      size_t n = static_cast<size_t>(in.a);
      std::string text;
      bool secret = false;
      for (size_t i = stack.size() - n; i < stack.size(); ++i) {
        text += stack[i].text;
        secret = secret || stack[i].isSecret();
      }
      stack.resize(stack.size() - n);
      stack.push_back(secret ? Value::ofSecret(std::move(text)) : Value::ofString(std::move(text)));
      break;
    }
    case Opcode::ToStr: {
      Value v = pop();
      stack.push_back(Value::ofString(v.type == ValueType::Bool ? (v.boolean ? "true" : "false")
                                                                : std::to_string(v.integer)));
      break;
    }
    case Opcode::FmtDur:
      stack.push_back(Value::ofString(formatDuration(pop().integer)));
      break;
    case Opcode::FmtSize: {
      int64_t bytes = pop().integer;
      stack.push_back(Value::ofString(bytes < 0 ? std::to_string(bytes)
                                                : formatSize(static_cast<uint64_t>(bytes))));
      break;
    }
    case Opcode::List: {
      size_t n = static_cast<size_t>(in.a);
      std::vector<std::string> items;
      for (size_t i = stack.size() - n; i < stack.size(); ++i)
        items.push_back(std::move(stack[i].text));
      stack.resize(stack.size() - n);
      stack.push_back(Value::ofList(std::move(items)));
      break;
    }
    case Opcode::In: {
      Value list = pop();
      Value item = pop();
      stack.push_back(Value::ofBool(llvm::is_contained(list.list, item.text)));
      break;
    }
    case Opcode::Contains: {
      Value text = pop();
      Value part = pop();
      stack.push_back(Value::ofBool(text.text.find(part.text) != std::string::npos));
      break;
    }
    case Opcode::Ret:
      return pop();
    }
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

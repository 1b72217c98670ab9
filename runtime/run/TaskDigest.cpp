// A task's definition, serialised field by field and hashed.
#include "runtime/run/TaskDigest.h"

#include "runtime/bytecode/Verifier.h"

#include "llvm/Support/xxhash.h"

#include <fmt/format.h>

namespace wfc::run {
namespace {

using namespace bytecode;

// Appends each part with its length, so that no two definitions serialise
// alike.
class Serialiser {
public:
  explicit Serialiser(const Module &m) : m_(m) {}

  void text(llvm::StringRef s) {
    number(s.size());
    out_.append(s.data(), s.size());
  }
  void number(uint64_t n) { out_.append(reinterpret_cast<const char *>(&n), sizeof n); }

  void operand(Operand o) {
    if (!o.isBlock()) {
      text("s");
      return text(m_.str(o.index()));
    }
    const CodeBlock &block = m_.code[o.index()];
    text("b");
    number(static_cast<uint64_t>(block.result));
    llvm::ArrayRef<uint8_t> ops = m_.opsOf(block);
    for (size_t pos = 0; pos < ops.size();) {
      Instruction in = decode(ops, pos);
      instruction(in);
      pos += in.size;
    }
  }

  void policy(const Policy &p) {
    for (uint64_t n : {p.timeoutMs, uint64_t(p.attempts), uint64_t(p.backoff), p.baseMs,
                       uint64_t(p.factorMilli), p.capMs, uint64_t(p.jitterMilli),
                       uint64_t(p.retryOn)})
      number(n);
    for (uint8_t code : m_.exitCodesOf(p))
      number(code);
  }

  const std::string &bytes() const { return out_; }

private:
  void instruction(const Instruction &in) {
    const OpcodeInfo *info = opcodeInfo(static_cast<uint8_t>(in.op));
    number(static_cast<uint64_t>(in.op));
    switch (info->operands) {
    case OperandKind::None:
      return;
    case OperandKind::Str:
      return text(m_.str(static_cast<uint32_t>(in.a)));
    case OperandKind::Int:
    case OperandKind::Count:
      return number(static_cast<uint64_t>(in.a));
    case OperandKind::Param:
      return text(m_.str(m_.params[in.a].name));
    case OperandKind::Secret:
      return text(m_.str(m_.secrets[in.a]));
    case OperandKind::Output:
      text(m_.str(m_.tasks[in.a].name));
      return text(m_.str(in.b));
    }
  }

  const Module &m_;
  std::string out_;
};

} // namespace

std::string hexHash(uint64_t hash) { return fmt::format("{:016x}", hash); }

std::string taskDefinitionHash(const Module &m, uint32_t index) {
  const Task &t = m.tasks[index];
  Serialiser s(m);
  s.text(m.str(t.name));
  s.number(t.flags);
  s.number(t.trigger);
  s.policy(m.policies[t.policy]);
  // The description does not change what the task does.
  if (t.flags & kTaskHasWhen)
    s.operand(t.when);
  if (t.flags & kTaskHasWorkdir)
    s.operand(t.workdir);
  for (Operand arg : m.argsOf(t))
    s.operand(arg);
  for (const EnvValue &e : m.envOf(t)) {
    s.text(m.str(e.name));
    s.operand(e.value);
  }
  for (uint32_t o : m.outputsOf(t))
    s.text(m.str(o));
  for (uint32_t e : m.environmentsOf(t))
    s.text(m.str(m.environments[e].name));
  for (uint32_t d : m.depsOf(t))
    s.text(m.str(m.tasks[d].name));
  return hexHash(llvm::xxHash64(s.bytes()));
}

} // namespace wfc::run

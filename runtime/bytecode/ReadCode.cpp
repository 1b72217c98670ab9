// Reads the CODE section: each block's header and ops, typed by the verifier
// (Verifier.cpp) as it is read.
#include "runtime/bytecode/Loader.h"


#include <algorithm>

namespace wfc::bytecode {

bool Loader::readCode() {
  uint32_t n = count("code block", kMinBlockBytes);
  m_.code.reserve(n);
  facts_.reserve(n);
  for (uint32_t i = 0; i < n && ok(); ++i) {
    CodeBlock b;
    size_t at = pos_;
    uint8_t result = u8();
    if (ok() && (result < 1 || result > 5)) {
      errorAt_ = at;
      return fail(fmt::format("block {} has unknown result type {}", i, result));
    }
    b.result = static_cast<ValueType>(result);
    at = pos_;
    b.maxStack = static_cast<uint32_t>(uleb());
    if (ok() && (b.maxStack < 1 || b.maxStack > kMaxStack)) {
      errorAt_ = at;
      return fail(fmt::format("block {} declares a max stack of {} (1 to {})", i, b.maxStack,
                              kMaxStack));
    }
    at = pos_;
    b.length = static_cast<uint32_t>(uleb());
    if (ok() && (b.length < 1 || b.length > kMaxBlockLength || b.length > left())) {
      errorAt_ = at;
      return fail(fmt::format("block {} has a length of {}", i, b.length));
    }
    if (!ok())
      return false;
    b.offset = static_cast<uint32_t>(m_.ops.size());
    size_t opsAt = pos_;
    m_.ops.insert(m_.ops.end(), data_ + pos_, data_ + pos_ + b.length);
    pos_ += b.length;
    m_.code.push_back(b);
    BlockFacts facts;
    BlockContext context{static_cast<uint32_t>(m_.strings.size()),
                         static_cast<uint32_t>(m_.params.size()),
                         static_cast<uint32_t>(m_.secrets.size()), &m_};
    if (std::optional<BlockError> problem = verifyBlock(m_, b, context, facts)) {
      errorAt_ = opsAt + problem->offset;
      return fail(fmt::format("block {}: {}", i, problem->message));
    }
    facts_.push_back(facts);
    collectBlockSecrets(b);
  }
  return ok();
}

// Records the secrets a verified block reads, for the policy check of the
// tasks that use it: linear in the block, once per block.
void Loader::collectBlockSecrets(const CodeBlock &b) {
  uint32_t first = static_cast<uint32_t>(blockSecrets_.size());
  if (facts_.back().readsSecret) {
    llvm::ArrayRef<uint8_t> ops = m_.opsOf(b);
    for (size_t pos = 0; pos < ops.size();) {
      Instruction in = decode(ops, pos);
      if (in.op == Opcode::Secret)
        blockSecrets_.push_back(static_cast<uint32_t>(in.a));
      pos += in.size;
    }
    std::sort(blockSecrets_.begin() + first, blockSecrets_.end());
    blockSecrets_.erase(std::unique(blockSecrets_.begin() + first, blockSecrets_.end()),
                        blockSecrets_.end());
  }
  secretRanges_.push_back({first, static_cast<uint32_t>(blockSecrets_.size()) - first});
}

} // namespace wfc::bytecode

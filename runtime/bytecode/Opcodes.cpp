// The opcode table: Opcodes.def's lines as data, looked up by byte.
#include "runtime/bytecode/Module.h"

#include <array>

namespace wfc::bytecode {
namespace {

static_assert(uint8_t(StackResult::List) == uint8_t(ValueType::List) &&
                  uint8_t(StackResult::Bool) == uint8_t(ValueType::Bool),
              "a StackResult that is a type has that type's number");

constexpr OpcodeInfo kOpcodes[] = {
#define POPS0 0, {}, nullptr
#define POPS1(T1, N1) 1, {StackInput{types::T1, N1}}, nullptr
#define POPS2(T1, N1, T2, N2) 2, {StackInput{types::T1, N1}, StackInput{types::T2, N2}}, nullptr
#define POPS3(T1, N1, T2, N2, T3, N3)                                                              \
  3, {StackInput{types::T1, N1}, StackInput{types::T2, N2}, StackInput{types::T3, N3}}, nullptr
#define POPS_N(T, N, Verb) kPopsCount, {StackInput{types::T, N}}, Verb
#define WFC_EFFECT(Takes, Gives, Rule, Meaning)                                                    \
  Takes, StackResult::Gives, TypingRule::Rule, Meaning
#define WFC_OPCODE(Name, Byte, Mnemonic, Operands, Effect)                                         \
  {Opcode::Name, Mnemonic, OperandKind::Operands, Effect},
#include "runtime/bytecode/Opcodes.def"
#undef WFC_EFFECT
#undef POPS_N
#undef POPS3
#undef POPS2
#undef POPS1
#undef POPS0
};

constexpr uint8_t kNoOpcode = 0xff;
// Each byte's index in kOpcodes, or kNoOpcode.
constexpr std::array<uint8_t, 256> kIndexByByte = [] {
  std::array<uint8_t, 256> index{};
  for (uint8_t &i : index) // not fill(), which C++17 (the fuzz build) cannot run at compile time
    i = kNoOpcode;
  for (size_t i = 0; i < std::size(kOpcodes); ++i)
    index[static_cast<uint8_t>(kOpcodes[i].op)] = static_cast<uint8_t>(i);
  return index;
}();

} // namespace

const OpcodeInfo *opcodeInfo(uint8_t byte) {
  uint8_t i = kIndexByByte[byte];
  return i == kNoOpcode ? nullptr : &kOpcodes[i];
}

} // namespace wfc::bytecode

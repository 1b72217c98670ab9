// A compiled pipeline as the .wfb format holds it (docs/bytecode.md).
//
// The one in-memory form of a .wfb file: the compiler's lowering fills it,
// the writer encodes it, the reader decodes it, the verifier checks it, and
// `wfc run` and `wfc disasm` read it. Lists live in shared arrays with
// (first, count) ranges, so loading 100,000 tasks makes a handful of
// allocations, not hundreds of thousands.
#pragma once

#include "runtime/policy/Retry.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <iterator>
#include <string>
#include <vector>

namespace wfc::bytecode {

// --- File layout ---------------------------------------------------------------

inline constexpr uint8_t kMagic[8] = {0x89, 'W', 'F', 'B', '\r', '\n', 0x1a, '\n'};
inline constexpr size_t kHeaderSize = 32;
inline constexpr uint16_t kMajor = 1;
// 1.1 (issue 13): typed outputs (a type per output in TASK), the opcodes
// to.int, to.bool and lines; task resources (TASK flag bit 4). A 1.0 file
// still loads: its outputs are strings, and it may not use bit 4.
inline constexpr uint16_t kMinor = 1;
inline constexpr uint32_t kFlagDebugInfo = 1u << 0; // the DEBUG section is present
inline constexpr uint32_t kKnownFlags = kFlagDebugInfo;

enum class SectionId : uint8_t {
#define WFC_SECTION(Name, Id, Spelling, Required) Name = Id,
#include "runtime/bytecode/Sections.def"
};
// "STR", "TASK", ...; "?" for a byte that is no section.
const char *sectionName(SectionId id);
// The last section of all, and the last one every file has (those after it
// may be left out).
inline constexpr SectionId kLastSection = [] {
  SectionId last{};
#define WFC_SECTION(Name, Id, Spelling, Required) last = SectionId::Name;
#include "runtime/bytecode/Sections.def"
  return last;
}();
inline constexpr SectionId kLastRequiredSection = [] {
  SectionId last{};
#define WFC_SECTION(Name, Id, Spelling, Required)                                                  \
  if (Required)                                                                                    \
    last = SectionId::Name;
#include "runtime/bytecode/Sections.def"
  return last;
}();

// --- Limits the verifier enforces ----------------------------------------------

inline constexpr uint32_t kMaxTasks = 1'000'000;
inline constexpr uint32_t kMaxStringLength = 1 << 20;
inline constexpr uint32_t kMaxBlockLength = 1 << 16;
inline constexpr uint32_t kMaxStack = 64;
inline constexpr uint32_t kMaxAttempts = 100;
inline constexpr uint64_t kMaxTimeoutMs = 30ull * 24 * 3600 * 1000;   // 30 days
inline constexpr uint64_t kMaxDeadlineMs = 366ull * 24 * 3600 * 1000; // a year
inline constexpr uint64_t kMaxDelayMs = policy::kMaxDelayMs;        // a day
inline constexpr uint32_t kMaxParallel = 4096;
inline constexpr uint32_t kMaxCpuMilli = 4096 * 1000;             // resources.cpu: 4096 cores
inline constexpr uint64_t kMaxResourceBytes = uint64_t(1) << 50;    // resources.memory: 1024TiB
inline constexpr uint32_t kMaxWritable = 64; // writable paths of one environment

// --- Types and values -----------------------------------------------------------

// The types of params (TYPE tags in the PARAM section).
enum class ParamType : uint8_t { String = 1, Int, Bool, Duration, Size, Enum, List, Float };

// The types of the expression machine's stack.
enum class ValueType : uint8_t { Bool = 1, Int, String, Secret, List };
const char *valueTypeName(ValueType type);

enum class Opcode : uint8_t {
#define WFC_OPCODE(Name, Byte, Mnemonic, Operands, Effect) Name = Byte,
#include "runtime/bytecode/Opcodes.def"
};
enum class OperandKind : uint8_t { None, Str, Int, Param, Secret, Output, Count };

// Sets of stack types, one bit per ValueType: what an instruction accepts.
namespace types {
inline constexpr uint8_t bit(ValueType t) { return uint8_t(1u << uint8_t(t)); }
inline constexpr uint8_t Bool = bit(ValueType::Bool), Int = bit(ValueType::Int),
                         Text = bit(ValueType::String), List = bit(ValueType::List),
                         Textual = Text | bit(ValueType::Secret), IntOrBool = Int | Bool,
                         Scalar = Bool | Int | Text, Any = Scalar | Textual | List;
} // namespace types

// What an instruction pushes: a type (the same numbers as ValueType), nothing,
// or the one its typing rule decides.
enum class StackResult : uint8_t { Nothing, Bool, Int, String, Secret, List, Chosen };
// How the verifier types an instruction (Opcodes.def explains each).
enum class TypingRule : uint8_t { Plain, ParamType, SameTypes, Choice, SecretIfAny, Return };

// A value an instruction pops: the types it accepts, and its name in messages.
struct StackInput {
  uint8_t types = 0;
  const char *name = nullptr;
};
inline constexpr int8_t kPopsCount = -1; // as many as the Count operand says

// An opcode's line of Opcodes.def, as data.
struct OpcodeInfo {
  Opcode op;
  const char *mnemonic;
  OperandKind operands;
  int8_t pops;            // or kPopsCount
  StackInput takes[3];    // deepest first; for kPopsCount, takes[0] is each value
  const char *countVerb;  // for kPopsCount: "joins", as in "joins 3 values"
  StackResult gives;
  TypingRule rule;
  const char *meaning;

  uint32_t pushes() const { return gives == StackResult::Nothing ? 0 : 1; }
  // The values it pops when its Count operand (if any) is `count`.
  uint32_t popsFor(uint64_t count) const {
    return pops == kPopsCount ? static_cast<uint32_t>(count) : static_cast<uint32_t>(pops);
  }
};
// Null for a byte that is no opcode.
const OpcodeInfo *opcodeInfo(uint8_t byte);
inline const OpcodeInfo &opcodeInfo(Opcode op) { return *opcodeInfo(static_cast<uint8_t>(op)); }

// --- Sections ---------------------------------------------------------------------

struct Pipeline {
  uint32_t name = 0;
  uint32_t description = 0; // string id + 1; 0: none
  uint64_t deadlineMs = 0;  // 0: none
  uint32_t maxParallel = 1;
};

struct Param {
  uint32_t name = 0;
  ParamType type = ParamType::String;
  ParamType element = ParamType::String; // List
  uint32_t firstEnumValue = 0;           // Enum: string ids in Module::enumValues
  uint32_t enumCount = 0;
  bool hasDefault = false;
  // The default: Int/Bool/Duration/Size in `integer`, String in `string`,
  // Enum as an index into its values, Float as IEEE bits, List in
  // Module::listValues (integer/string per element type).
  int64_t integer = 0;
  uint32_t string = 0;
  uint32_t firstListValue = 0;
  uint32_t listCount = 0;
};

struct ListValue {
  int64_t integer = 0;
  uint32_t string = 0;
};

enum LimitBits : uint8_t {
  kLimitMemory = 1 << 0,
  kLimitCpu = 1 << 1,
  kLimitProcesses = 1 << 2,
  kLimitOpenFiles = 1 << 3,
  kLimitFileSize = 1 << 4,
};

struct Environment {
  uint32_t name = 0;
  bool network = true;
  bool approval = false;
  uint32_t firstSecret = 0; // into Module::envSecrets, ascending secret indexes
  uint32_t secretCount = 0;
  uint64_t maxTimeoutMs = 0; // 0: none
  uint32_t path = 0;         // string id + 1; 0: the runtime's default PATH
  uint8_t limitMask = 0;
  uint64_t memoryBytes = 0, cpuMs = 0, processes = 0, openFiles = 0, fileSizeBytes = 0;
  uint32_t firstWritable = 0, writableCount = 0; // into Module::envWritable
};

enum class Backoff : uint8_t { None = 0, Fixed = 1, Exponential = 2 };
enum RetryOnBits : uint8_t { kRetryOnFailure = 1 << 0, kRetryOnTimeout = 1 << 1 };

// The spelling of a trigger rule (runtime/bytecode/Triggers.def).
const char *triggerName(uint8_t trigger);

struct Policy {
  uint64_t timeoutMs = 0; // 0: none
  uint32_t attempts = 1;
  Backoff backoff = Backoff::None;
  uint64_t baseMs = 0;
  uint32_t factorMilli = 0; // the exponential factor x 1000
  uint64_t capMs = 0;       // 0: no cap
  uint32_t jitterMilli = 0; // the share of a delay that is random, x 1000
  uint8_t retryOn = kRetryOnFailure | kRetryOnTimeout;
  uint32_t firstExitCode = 0; // into Module::exitCodes, ascending
  uint32_t exitCodeCount = 0;
  bool operator==(const Policy &o) const;
};

struct CodeBlock {
  ValueType result = ValueType::Bool;
  uint32_t maxStack = 1;
  uint32_t offset = 0; // into Module::ops
  uint32_t length = 0;
};

// A value a task field takes: a constant string, or a code block's result.
struct Operand {
  uint32_t raw = 0; // (id << 1) | isBlock
  static Operand string(uint32_t id) { return {id << 1}; }
  static Operand block(uint32_t index) { return {(index << 1) | 1}; }
  bool isBlock() const { return raw & 1; }
  uint32_t index() const { return raw >> 1; }
  bool operator==(Operand o) const { return raw == o.raw; }
};

enum TaskFlags : uint8_t {
  kTaskShell = 1 << 0,
  kTaskHasDescription = 1 << 1,
  kTaskHasWhen = 1 << 2,
  kTaskHasWorkdir = 1 << 3,
  kTaskHasResources = 1 << 4, // since 1.1
  kKnownTaskFlags =
      kTaskShell | kTaskHasDescription | kTaskHasWhen | kTaskHasWorkdir | kTaskHasResources,
};

struct EnvValue {
  uint32_t name = 0;
  Operand value;
};

struct Task {
  uint32_t name = 0;
  uint8_t flags = 0;
  uint8_t trigger = 0; // ir::Trigger
  uint32_t policy = 0;
  Operand description, when, workdir; // when flagged
  uint32_t cpuMilli = 0;    // resources, when flagged: 0 for none
  uint64_t memoryBytes = 0; // resources, when flagged: 0 for none
  uint32_t firstArg = 0, argCount = 0;       // Module::args
  uint32_t firstEnv = 0, envCount = 0;       // Module::envValues, names ascending
  uint32_t firstOutput = 0, outputCount = 0; // Module::outputs: string ids, ascending
  uint32_t firstEnvironment = 0, environmentCount = 0; // Module::taskEnvironments; 0: all
  uint32_t firstDep = 0, depCount = 0;       // Module::deps: ascending, each < own index
};

struct DebugInfo {
  std::vector<uint32_t> files; // string ids of source paths, relative to the entry file
  struct Position {
    uint32_t file = 0, line = 0, column = 0;
  };
  std::vector<Position> tasks;
};

struct Module {
  uint16_t major = kMajor;
  uint16_t minor = kMinor;
  uint32_t flags = 0;
  uint64_t sourceHash = 0;

  // Views into `stringData`, which a move of the module keeps in place.
  std::vector<llvm::StringRef> strings;
  std::vector<char> stringData;
  Pipeline pipeline;
  std::vector<Param> params;
  std::vector<uint32_t> enumValues;
  std::vector<ListValue> listValues;
  std::vector<uint32_t> secrets; // names
  std::vector<Environment> environments;
  std::vector<uint32_t> envSecrets;
  std::vector<uint32_t> envWritable; // string ids of writable paths, per environment
  std::vector<Policy> policies;
  std::vector<uint8_t> exitCodes;
  std::vector<CodeBlock> code;
  std::vector<uint8_t> ops;
  std::vector<Task> tasks;
  std::vector<Operand> args;
  std::vector<EnvValue> envValues;
  std::vector<uint32_t> outputs;
  std::vector<ValueType> outputTypes; // beside `outputs`: String, Int, Bool or List
  std::vector<uint32_t> taskEnvironments;
  std::vector<uint32_t> deps;
  bool hasDebug = false;
  DebugInfo debug;

  llvm::StringRef str(uint32_t id) const { return strings[id]; }
  llvm::ArrayRef<uint32_t> depsOf(const Task &t) const {
    return llvm::ArrayRef<uint32_t>(deps).slice(t.firstDep, t.depCount);
  }
  llvm::ArrayRef<Operand> argsOf(const Task &t) const {
    return llvm::ArrayRef<Operand>(args).slice(t.firstArg, t.argCount);
  }
  llvm::ArrayRef<EnvValue> envOf(const Task &t) const {
    return llvm::ArrayRef<EnvValue>(envValues).slice(t.firstEnv, t.envCount);
  }
  llvm::ArrayRef<uint32_t> outputsOf(const Task &t) const {
    return llvm::ArrayRef<uint32_t>(outputs).slice(t.firstOutput, t.outputCount);
  }
  llvm::ArrayRef<ValueType> outputTypesOf(const Task &t) const {
    return llvm::ArrayRef<ValueType>(outputTypes).slice(t.firstOutput, t.outputCount);
  }
  llvm::ArrayRef<uint32_t> environmentsOf(const Task &t) const {
    return llvm::ArrayRef<uint32_t>(taskEnvironments).slice(t.firstEnvironment, t.environmentCount);
  }
  llvm::ArrayRef<uint32_t> secretsOf(const Environment &e) const {
    return llvm::ArrayRef<uint32_t>(envSecrets).slice(e.firstSecret, e.secretCount);
  }
  llvm::ArrayRef<uint32_t> writableOf(const Environment &e) const {
    return llvm::ArrayRef<uint32_t>(envWritable).slice(e.firstWritable, e.writableCount);
  }
  llvm::ArrayRef<uint8_t> exitCodesOf(const Policy &p) const {
    return llvm::ArrayRef<uint8_t>(exitCodes).slice(p.firstExitCode, p.exitCodeCount);
  }
  llvm::ArrayRef<uint8_t> opsOf(const CodeBlock &b) const {
    return llvm::ArrayRef<uint8_t>(ops).slice(b.offset, b.length);
  }
};

} // namespace wfc::bytecode

// Encodes a module as a .wfb file: the one writer of the format.
#include "runtime/bytecode/Writer.h"

#include "runtime/bytecode/Crc32c.h"
#include "runtime/bytecode/Encoding.h"

#include <algorithm>
#include <numeric>

namespace wfc::bytecode {
namespace {

class Buffer {
public:
  void u8(uint8_t v) { bytes.push_back(v); }
  void uleb(uint64_t v) { appendUleb(bytes, v); }
  void sleb(int64_t v) { appendSleb(bytes, v); }
  void fixed(uint64_t v, int size) {
    for (int i = 0; i < size; ++i)
      bytes.push_back(static_cast<uint8_t>(v >> (8 * i)));
  }
  void raw(llvm::ArrayRef<uint8_t> data) { bytes.insert(bytes.end(), data.begin(), data.end()); }
  void section(SectionId id, const Buffer &payload) {
    u8(static_cast<uint8_t>(id));
    uleb(payload.bytes.size());
    raw(payload.bytes);
  }

  std::vector<uint8_t> bytes;
};

void paramValue(Buffer &b, ParamType type, int64_t integer, uint32_t string) {
  switch (type) {
  case ParamType::String:
    b.uleb(string);
    break;
  case ParamType::Int:
    b.sleb(integer);
    break;
  case ParamType::Bool:
    b.u8(integer ? 1 : 0);
    break;
  case ParamType::Duration:
  case ParamType::Size:
  case ParamType::Enum:
    b.uleb(static_cast<uint64_t>(integer));
    break;
  case ParamType::Float:
    b.fixed(static_cast<uint64_t>(integer), 8);
    break;
  case ParamType::List:
    break;
  }
}

// --- One function per section (Sections.def), in the file's order ------------------

void writeStrings(Buffer &s, const Module &m) {
  s.uleb(m.strings.size());
  for (llvm::StringRef str : m.strings)
    s.uleb(str.size());
  for (llvm::StringRef str : m.strings)
    s.raw(llvm::ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>(str.data()), str.size()));
}

void writePipeline(Buffer &pipeline, const Module &m) {
  pipeline.uleb(m.pipeline.name);
  pipeline.uleb(m.pipeline.description);
  pipeline.uleb(m.pipeline.deadlineMs);
  pipeline.uleb(m.pipeline.maxParallel);
}

void writeParams(Buffer &params, const Module &m) {
  params.uleb(m.params.size());
  for (const Param &p : m.params) {
    params.uleb(p.name);
    params.u8(static_cast<uint8_t>(p.type));
    if (p.type == ParamType::List)
      params.u8(static_cast<uint8_t>(p.element));
    if (p.type == ParamType::Enum || (p.type == ParamType::List && p.element == ParamType::Enum)) {
      params.uleb(p.enumCount);
      for (uint32_t i = 0; i < p.enumCount; ++i)
        params.uleb(m.enumValues[p.firstEnumValue + i]);
    }
    params.u8(p.hasDefault);
    if (!p.hasDefault)
      continue;
    if (p.type == ParamType::List) {
      params.uleb(p.listCount);
      for (uint32_t i = 0; i < p.listCount; ++i) {
        const ListValue &v = m.listValues[p.firstListValue + i];
        paramValue(params, p.element, v.integer, v.string);
      }
    } else {
      paramValue(params, p.type, p.integer, p.string);
    }
  }
}

void writeSecrets(Buffer &secrets, const Module &m) {
  secrets.uleb(m.secrets.size());
  for (uint32_t name : m.secrets)
    secrets.uleb(name);
}

void writeEnvironments(Buffer &envs, const Module &m) {
  envs.uleb(m.environments.size());
  for (const Environment &e : m.environments) {
    envs.uleb(e.name);
    envs.u8((e.network ? 1 : 0) | (e.approval ? 2 : 0));
    envs.uleb(e.secretCount);
    for (uint32_t s : m.secretsOf(e))
      envs.uleb(s);
    envs.uleb(e.maxTimeoutMs);
    envs.uleb(e.path);
    envs.uleb(e.writableCount);
    for (uint32_t w : m.writableOf(e))
      envs.uleb(w);
    envs.u8(e.limitMask);
    if (e.limitMask & kLimitMemory)
      envs.uleb(e.memoryBytes);
    if (e.limitMask & kLimitCpu)
      envs.uleb(e.cpuMs);
    if (e.limitMask & kLimitProcesses)
      envs.uleb(e.processes);
    if (e.limitMask & kLimitOpenFiles)
      envs.uleb(e.openFiles);
    if (e.limitMask & kLimitFileSize)
      envs.uleb(e.fileSizeBytes);
  }
}

void writePolicies(Buffer &policies, const Module &m) {
  policies.uleb(m.policies.size());
  for (const Policy &p : m.policies) {
    policies.uleb(p.timeoutMs);
    policies.uleb(p.attempts);
    policies.u8(static_cast<uint8_t>(p.backoff));
    policies.uleb(p.baseMs);
    policies.uleb(p.factorMilli);
    policies.uleb(p.capMs);
    policies.uleb(p.jitterMilli);
    policies.u8(p.retryOn);
    policies.uleb(p.exitCodeCount);
    for (uint8_t code : m.exitCodesOf(p))
      policies.u8(code);
  }
}

void writeCode(Buffer &code, const Module &m) {
  code.uleb(m.code.size());
  for (const CodeBlock &b : m.code) {
    code.u8(static_cast<uint8_t>(b.result));
    code.uleb(b.maxStack);
    code.uleb(b.length);
    code.raw(m.opsOf(b));
  }
}

void writeTasks(Buffer &tasks, const Module &m) {
  tasks.uleb(m.tasks.size());
  for (const Task &t : m.tasks) {
    tasks.uleb(t.name);
    tasks.u8(t.flags);
    tasks.u8(t.trigger);
    tasks.uleb(t.policy);
    if (t.flags & kTaskHasDescription)
      tasks.uleb(t.description.raw);
    if (t.flags & kTaskHasWhen)
      tasks.uleb(t.when.raw);
    if (t.flags & kTaskHasWorkdir)
      tasks.uleb(t.workdir.raw);
    if (t.flags & kTaskHasResources) {
      tasks.uleb(t.cpuMilli);
      tasks.uleb(t.memoryBytes);
    }
    tasks.uleb(t.argCount);
    for (Operand a : m.argsOf(t))
      tasks.uleb(a.raw);
    tasks.uleb(t.envCount);
    for (const EnvValue &e : m.envOf(t)) {
      tasks.uleb(e.name);
      tasks.uleb(e.value.raw);
    }
    tasks.uleb(t.outputCount);
    for (uint32_t k = 0; k < t.outputCount; ++k) {
      tasks.uleb(m.outputs[t.firstOutput + k]);
      if (m.minor >= 1) // a 1.0 file's outputs are strings, untyped
        tasks.u8(static_cast<uint8_t>(m.outputTypes[t.firstOutput + k]));
    }
    tasks.uleb(t.environmentCount);
    for (uint32_t e : m.environmentsOf(t))
      tasks.uleb(e);
  }
}

// CSR, each task's dependencies ascending and delta-coded.
void writeEdges(Buffer &edges, const Module &m) {
  for (const Task &t : m.tasks) {
    edges.uleb(t.depCount);
    uint32_t previous = 0;
    bool first = true;
    for (uint32_t dep : m.depsOf(t)) {
      edges.uleb(first ? dep : dep - previous - 1);
      previous = dep;
      first = false;
    }
  }
}

void writeDebug(Buffer &debug, const Module &m) {
  debug.uleb(m.debug.files.size());
  for (uint32_t f : m.debug.files)
    debug.uleb(f);
  for (const DebugInfo::Position &pos : m.debug.tasks) {
    debug.uleb(pos.file);
    debug.uleb(pos.line);
    debug.uleb(pos.column);
  }
}

// Whether an optional section is there: DEBUG, the only one, when the module
// has debug info.
bool optionalPresent(const Module &m, SectionId id) {
  return id == SectionId::Debug && m.hasDebug;
}

} // namespace

uint32_t StringTable::intern(llvm::StringRef text) {
  auto [it, inserted] = ids_.try_emplace(text, static_cast<uint32_t>(strings_.size()));
  if (inserted)
    strings_.push_back(it->getKey());
  return it->second;
}

std::vector<uint32_t> StringTable::finish(Module &module) {
  std::vector<uint32_t> order(strings_.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](uint32_t a, uint32_t b) { return strings_[a] < strings_[b]; });
  std::vector<uint32_t> remap(strings_.size());
  size_t total = 0;
  for (llvm::StringRef s : strings_)
    total += s.size();
  module.stringData.clear();
  module.stringData.reserve(total);
  for (uint32_t rank = 0; rank < order.size(); ++rank) {
    remap[order[rank]] = rank;
    llvm::StringRef s = strings_[order[rank]];
    module.stringData.insert(module.stringData.end(), s.begin(), s.end());
  }
  module.strings.clear();
  size_t at = 0;
  for (uint32_t rank = 0; rank < order.size(); ++rank) {
    size_t size = strings_[order[rank]].size();
    module.strings.push_back(llvm::StringRef(module.stringData.data() + at, size));
    at += size;
  }
  return remap;
}

std::vector<uint8_t> encode(const Module &m) {
  Buffer out;
  out.raw(kMagic);
  out.fixed(m.major, 2);
  out.fixed(m.minor, 2);
  out.fixed(m.flags, 4);
  out.fixed(0, 4); // file length, below
  out.fixed(0, 4); // CRC-32C, below
  out.fixed(m.sourceHash, 8);
  // Every section in Sections.def's order; an optional one when it is there.
#define WFC_SECTION(Name, Id, Spelling, Required)                                                  \
  if (Required || optionalPresent(m, SectionId::Name)) {                                           \
    Buffer payload;                                                                                \
    write##Name(payload, m);                                                                       \
    out.section(SectionId::Name, payload);                                                         \
  }
#include "runtime/bytecode/Sections.def"

  std::vector<uint8_t> &bytes = out.bytes;
  uint32_t length = static_cast<uint32_t>(bytes.size());
  for (int i = 0; i < 4; ++i)
    bytes[16 + i] = static_cast<uint8_t>(length >> (8 * i));
  uint32_t crc = crc32c(bytes.data() + kHeaderSize, bytes.size() - kHeaderSize);
  for (int i = 0; i < 4; ++i)
    bytes[20 + i] = static_cast<uint8_t>(crc >> (8 * i));
  return std::move(bytes);
}

} // namespace wfc::bytecode

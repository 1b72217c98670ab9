// `wfc disasm`: every section of a verified module, readably.
#include "runtime/bytecode/Disasm.h"

#include "runtime/bytecode/Verifier.h"
#include "support/Units.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cstring>

namespace wfc::bytecode {
namespace {

class Printer {
public:
  Printer(llvm::raw_ostream &os, const Module &m) : os_(os), m_(m) {}

  std::string quoted(uint32_t id) const { return quoteString(m_.str(id).str()); }
  std::string name(uint32_t id) const { return m_.str(id).str(); }

  std::string operand(Operand o) const {
    return o.isBlock() ? fmt::format("block #{}", o.index()) : quoted(o.index());
  }

  std::string paramTypeName(const Param &p, ParamType type) const {
    static const char *const kNames[] = {"?",        "string", "int",  "bool", "duration",
                                         "size",     "enum",   "list", "float"};
    if (type == ParamType::Enum) {
      std::string out = "enum(";
      for (uint32_t i = 0; i < p.enumCount; ++i)
        out += (i ? ", " : "") + quoted(m_.enumValues[p.firstEnumValue + i]);
      return out + ")";
    }
    if (type == ParamType::List)
      return "list(" + paramTypeName(p, p.element) + ")";
    return kNames[static_cast<uint8_t>(type)];
  }

  std::string value(const Param &p, ParamType type, int64_t integer, uint32_t string) const {
    switch (type) {
    case ParamType::String:
      return quoted(string);
    case ParamType::Int:
      return std::to_string(integer);
    case ParamType::Bool:
      return integer ? "true" : "false";
    case ParamType::Duration:
      return formatDuration(integer);
    case ParamType::Size:
      return formatSize(static_cast<uint64_t>(integer));
    case ParamType::Enum:
      return quoted(m_.enumValues[p.firstEnumValue + integer]);
    case ParamType::Float: {
      double d;
      uint64_t bits = static_cast<uint64_t>(integer);
      std::memcpy(&d, &bits, 8);
      return fmt::format("{}", d);
    }
    case ParamType::List:
      return "?";
    }
    return "?";
  }

  void instruction(const Instruction &in, size_t offset) {
    const OpcodeInfo *info = opcodeInfo(static_cast<uint8_t>(in.op));
    std::string text = info->mnemonic;
    std::string comment;
    switch (info->operands) {
    case OperandKind::None:
      break;
    case OperandKind::Str:
      text += fmt::format(" {}", in.a);
      comment = quoted(static_cast<uint32_t>(in.a));
      break;
    case OperandKind::Int:
    case OperandKind::Count:
      text += fmt::format(" {}", in.a);
      break;
    case OperandKind::Param:
      text += fmt::format(" {}", in.a);
      comment = "params." + name(m_.params[in.a].name);
      break;
    case OperandKind::Secret:
      text += fmt::format(" {}", in.a);
      comment = "secrets." + name(m_.secrets[in.a]);
      break;
    case OperandKind::Output:
      text += fmt::format(" {} {}", in.a, in.b);
      comment = (in.a < int64_t(m_.tasks.size()) ? name(m_.tasks[in.a].name)
                                                  : std::to_string(in.a)) +
                ".outputs." + name(in.b);
      break;
    }
    os_ << fmt::format("      {:04x}  {:<22}", offset, text);
    if (!comment.empty())
      os_ << "; " << comment;
    os_ << '\n';
  }

  void run(size_t fileSize) {
    os_ << fmt::format("wfb {}.{}  {} bytes  flags 0x{:x}  source hash {:016x}\n", m_.major,
                       m_.minor, fileSize, m_.flags, m_.sourceHash);
    // The pipeline first, as a title; then the sections in the file's order.
    printPipeline();
#define WFC_SECTION(Name, Id, Spelling, Required)                                                  \
  if (SectionId::Name != SectionId::Pipeline)                                                      \
    print##Name();
#include "runtime/bytecode/Sections.def"
  }

  // --- One function per section (Sections.def) ----------------------------------------

  // "\nTASK (12)": a section's heading, with what it counts.
  std::string heading(SectionId id, std::string count = "") const {
    return fmt::format("\n{}{}\n", sectionName(id), count.empty() ? "" : " (" + count + ")");
  }

  void printPipeline() {
    os_ << fmt::format("\n{} {}\n", sectionName(SectionId::Pipeline), name(m_.pipeline.name));
    if (m_.pipeline.description)
      os_ << "  description " << quoted(m_.pipeline.description - 1) << '\n';
    os_ << "  deadline "
        << (m_.pipeline.deadlineMs ? formatDuration(m_.pipeline.deadlineMs) : "none") << '\n';
    os_ << "  max_parallel " << m_.pipeline.maxParallel << '\n';
  }

  void printStrings() {
    os_ << heading(SectionId::Strings, fmt::format("{} strings", m_.strings.size()));
    for (size_t i = 0; i < m_.strings.size(); ++i)
      os_ << fmt::format("  {:>5}  {}\n", i, quoteString(m_.strings[i].str()));
  }

  void printParams() {
    os_ << heading(SectionId::Params, std::to_string(m_.params.size()));
    for (size_t i = 0; i < m_.params.size(); ++i) {
      const Param &p = m_.params[i];
      os_ << fmt::format("  #{} {}: {}", i, name(p.name), paramTypeName(p, p.type));
      if (p.hasDefault && p.type == ParamType::List) {
        os_ << " = [";
        for (uint32_t k = 0; k < p.listCount; ++k) {
          const ListValue &v = m_.listValues[p.firstListValue + k];
          os_ << (k ? ", " : "") << value(p, p.element, v.integer, v.string);
        }
        os_ << "]";
      } else if (p.hasDefault) {
        os_ << " = " << value(p, p.type, p.integer, p.string);
      }
      os_ << '\n';
    }
  }

  void printSecrets() {
    os_ << heading(SectionId::Secrets, std::to_string(m_.secrets.size()));
    for (size_t i = 0; i < m_.secrets.size(); ++i)
      os_ << fmt::format("  #{} {}\n", i, name(m_.secrets[i]));
  }

  void printEnvironments() {
    os_ << heading(SectionId::Environments, std::to_string(m_.environments.size()));
    for (size_t i = 0; i < m_.environments.size(); ++i)
      printEnvironment(i, m_.environments[i]);
  }

  void printEnvironment(size_t i, const Environment &e) {
    std::vector<std::string> secrets;
    for (uint32_t s : m_.secretsOf(e))
      secrets.push_back(name(m_.secrets[s]));
    os_ << fmt::format("  #{} {}  network={} approval={} secrets=[{}]", i, name(e.name),
                       e.network, e.approval, fmt::join(secrets, ", "));
    if (e.maxTimeoutMs)
      os_ << " max_timeout=" << formatDuration(e.maxTimeoutMs);
    if (e.path)
      os_ << " path=" << quoted(e.path - 1);
    if (e.writableCount) {
      std::vector<std::string> paths;
      for (uint32_t w : m_.writableOf(e))
        paths.push_back(quoted(w));
      os_ << fmt::format(" writable=[{}]", fmt::join(paths, ", "));
    }
    if (e.limitMask & kLimitMemory)
      os_ << " memory=" << formatSize(e.memoryBytes);
    if (e.limitMask & kLimitCpu)
      os_ << " cpu=" << formatDuration(e.cpuMs);
    if (e.limitMask & kLimitProcesses)
      os_ << " processes=" << e.processes;
    if (e.limitMask & kLimitOpenFiles)
      os_ << " open_files=" << e.openFiles;
    if (e.limitMask & kLimitFileSize)
      os_ << " file_size=" << formatSize(e.fileSizeBytes);
    os_ << '\n';
  }

  void printPolicies() {
    os_ << heading(SectionId::Policies, std::to_string(m_.policies.size()));
    for (size_t i = 0; i < m_.policies.size(); ++i) {
      const Policy &p = m_.policies[i];
      os_ << fmt::format("  #{} timeout={} attempts={}", i,
                         p.timeoutMs ? formatDuration(p.timeoutMs) : "none", p.attempts);
      if (p.backoff == Backoff::Fixed)
        os_ << " backoff=fixed(" << formatDuration(p.baseMs) << ")";
      if (p.backoff == Backoff::Exponential)
        os_ << fmt::format(" backoff=exponential({}, factor={}{})", formatDuration(p.baseMs),
                           p.factorMilli / 1000.0,
                           p.capMs ? ", max=" + formatDuration(p.capMs) : "");
      if (p.jitterMilli)
        os_ << fmt::format(" jitter={}", p.jitterMilli / 1000.0);
      std::vector<std::string> on;
      if (p.retryOn & kRetryOnFailure)
        on.push_back("failure");
      if (p.retryOn & kRetryOnTimeout)
        on.push_back("timeout");
      for (uint8_t code : m_.exitCodesOf(p))
        on.push_back(fmt::format("exit({})", code));
      os_ << fmt::format(" on=[{}]\n", fmt::join(on, ", "));
    }
  }

  void printCode() {
    os_ << heading(SectionId::Code, fmt::format("{} blocks", m_.code.size()));
    for (size_t i = 0; i < m_.code.size(); ++i) {
      const CodeBlock &b = m_.code[i];
      os_ << fmt::format("  block #{} -> {}  max_stack={}  {} bytes\n", i,
                         valueTypeName(b.result), b.maxStack, b.length);
      llvm::ArrayRef<uint8_t> ops = m_.opsOf(b);
      for (size_t pos = 0; pos < ops.size();) {
        Instruction in = decode(ops, pos);
        instruction(in, pos);
        pos += in.size;
      }
    }
  }

  void printTasks() {
    os_ << heading(SectionId::Tasks, std::to_string(m_.tasks.size()));
    for (size_t i = 0; i < m_.tasks.size(); ++i)
      printTask(i, m_.tasks[i]);
  }

  void printTask(size_t i, const Task &t) {
    os_ << fmt::format("  #{} {}  policy=#{}", i, name(t.name), t.policy);
    if (t.trigger)
      os_ << " trigger=" << triggerName(t.trigger);
    os_ << '\n';
    if (t.flags & kTaskHasDescription)
      os_ << "     description " << operand(t.description) << '\n';
    if (t.flags & kTaskHasWhen)
      os_ << "     when " << operand(t.when) << '\n';
    if (t.flags & kTaskHasWorkdir)
      os_ << "     workdir " << operand(t.workdir) << '\n';
    if (t.flags & kTaskHasResources) {
      os_ << "     resources";
      if (t.cpuMilli)
        os_ << " cpu=" << formatCpu(t.cpuMilli);
      if (t.memoryBytes)
        os_ << " memory=" << formatSize(t.memoryBytes);
      os_ << '\n';
    }
    if (t.argCount) {
      std::vector<std::string> args;
      for (Operand a : m_.argsOf(t))
        args.push_back(operand(a));
      os_ << fmt::format("     run {}[{}]\n", t.flags & kTaskShell ? "shell " : "argv ",
                         fmt::join(args, ", "));
    }
    for (const EnvValue &v : m_.envOf(t))
      os_ << "     env " << name(v.name) << " = " << operand(v.value) << '\n';
    if (t.outputCount) {
      std::vector<std::string> outputs;
      for (uint32_t k = 0; k < t.outputCount; ++k) {
        ValueType type = m_.outputTypesOf(t)[k];
        std::string shown = name(m_.outputsOf(t)[k]);
        outputs.push_back(type == ValueType::String ? shown
                                                    : shown + ": " + valueTypeName(type));
      }
      os_ << fmt::format("     outputs [{}]\n", fmt::join(outputs, ", "));
    }
    if (t.environmentCount) {
      std::vector<std::string> envs;
      for (uint32_t e : m_.environmentsOf(t))
        envs.push_back(name(m_.environments[e].name));
      os_ << fmt::format("     environments [{}]\n", fmt::join(envs, ", "));
    }
  }

  void printEdges() {
    os_ << heading(SectionId::Edges);
    for (size_t i = 0; i < m_.tasks.size(); ++i) {
      const Task &t = m_.tasks[i];
      if (!t.depCount)
        continue;
      std::vector<std::string> deps;
      for (uint32_t d : m_.depsOf(t))
        deps.push_back(fmt::format("#{} {}", d, name(m_.tasks[d].name)));
      os_ << fmt::format("  #{} {} after {}\n", i, name(t.name), fmt::join(deps, ", "));
    }
  }

  void printDebug() {
    if (!m_.hasDebug)
      return;
    os_ << heading(SectionId::Debug);
    for (size_t i = 0; i < m_.tasks.size(); ++i) {
      const DebugInfo::Position &p = m_.debug.tasks[i];
      os_ << fmt::format("  #{} {}  {}:{}:{}\n", i, name(m_.tasks[i].name),
                         name(m_.debug.files[p.file]), p.line, p.column);
    }
  }

private:
  llvm::raw_ostream &os_;
  const Module &m_;
};

} // namespace

void disassemble(llvm::raw_ostream &os, const Module &module, size_t fileSize) {
  Printer(os, module).run(fileSize);
}

} // namespace wfc::bytecode

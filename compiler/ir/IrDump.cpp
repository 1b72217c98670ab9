// A stable text form of the typed IR for tests: `wfc check --dump=ir`.
#include "compiler/ir/IrDump.h"

#include "support/Units.h"

#include <fmt/format.h>

namespace wfc::ir {

namespace {

// The text of a Concat's parts between its quotes.
std::string spellParts(const Program &p, OperandRange parts) {
  std::string out;
  for (ExprId part : p.operandsOf(parts)) {
    const Expr &pe = p.expr(part);
    if (pe.is<ConstExpr>() && p.value(pe.as<ConstExpr>().value).kind == Value::Kind::String) {
      std::string quoted = quoteString(p.value(pe.as<ConstExpr>().value).text);
      out += quoted.substr(1, quoted.size() - 2);
    } else {
      out += "${" + spell(p, part) + "}";
    }
  }
  return out;
}

} // namespace

std::string spell(const Program &p, ExprId id) {
  if (!id.valid())
    return "<none>";
  const Expr &e = p.expr(id);
  switch (e.kind) {
  case ExprKind::Const:
    return p.value(e.as<ConstExpr>().value).spelling();
  case ExprKind::ParamRef:
    return "params." + p.params[e.as<ParamRefExpr>().param.index()].name;
  case ExprKind::SecretRef:
    return "secrets." + p.secrets[e.as<SecretRefExpr>().secret.index()].name;
  case ExprKind::OutputRef: {
    OutputRefExpr o = e.as<OutputRefExpr>();
    return p.task(o.task).name + ".outputs." + p.value(o.key).text;
  }
  case ExprKind::RunEnvironment:
    return "run.environment";
  case ExprKind::Unary:
    return spelling(e.as<UnaryExpr>().op).str() + spell(p, e.as<UnaryExpr>().operand);
  case ExprKind::Binary: {
    BinaryExpr b = e.as<BinaryExpr>();
    return "(" + spell(p, b.lhs) + " " + spelling(b.op).str() + " " + spell(p, b.rhs) + ")";
  }
  case ExprKind::Conditional: {
    ConditionalExpr c = e.as<ConditionalExpr>();
    return "(" + spell(p, c.cond) + " ? " + spell(p, c.then) + " : " + spell(p, c.otherwise) + ")";
  }
  case ExprKind::Concat:
    return "\"" + spellParts(p, e.as<ConcatExpr>().parts) + "\"";
  case ExprKind::List: {
    std::string out = "[";
    bool first = true;
    for (ExprId item : p.operandsOf(e.as<ListExpr>().items)) {
      out += (first ? "" : ", ") + spell(p, item);
      first = false;
    }
    return out + "]";
  }
  case ExprKind::Via:
    return spell(p, e.as<ViaExpr>().value);
  case ExprKind::Convert: {
    ConvertExpr c = e.as<ConvertExpr>();
    return std::string(arith::spelling(c.to)) + "(" + spell(p, c.operand) + ")";
  }
  case ExprKind::Error:
    return "<error>";
  }
  return "?";
}

namespace {

std::string retryText(const RetryPolicy &r) {
  std::string out = fmt::format("attempts={}", r.attempts);
  switch (r.backoff) {
  case BackoffKind::None:
    out += " backoff=none";
    break;
  case BackoffKind::Fixed:
    out += " backoff=fixed(" + formatDuration(r.baseMs) + ")";
    break;
  case BackoffKind::Exponential:
    out += fmt::format(" backoff=exponential({}, factor={}{})", formatDuration(r.baseMs),
                       r.factor, r.maxMs ? ", max=" + formatDuration(r.maxMs) : "");
    break;
  }
  if (r.jitter != 0)
    out += fmt::format(" jitter={}", r.jitter);
  std::vector<std::string> on;
  if (r.onFailure)
    on.push_back("failure");
  if (r.onTimeout)
    on.push_back("timeout");
  for (int code : r.exitCodes)
    on.push_back(fmt::format("exit({})", code));
  out += " on=[" + fmt::format("{}", fmt::join(on, ", ")) + "]";
  return out;
}

// The position of `range`, " @line:col", or "" when it has none.
std::string at(const llvm::SourceMgr &sm, llvm::SMRange range) {
  if (!range.Start.isValid())
    return "";
  auto [line, col] = sm.getLineAndColumn(range.Start);
  return fmt::format(" @{}:{}", line, col);
}

void dumpEnvironment(llvm::raw_ostream &os, const Program &p, const Environment &env) {
  os << "environment " << env.name << '\n';
  std::vector<std::string> secrets;
  for (SecretId id : env.secrets)
    secrets.push_back(p.secrets[id.index()].name);
  os << "  secrets [" << fmt::format("{}", fmt::join(secrets, ", ")) << "]\n";
  os << "  network " << (env.network ? "true" : "false") << '\n';
  if (env.maxTimeoutMs)
    os << "  max_timeout " << formatDuration(*env.maxTimeoutMs) << '\n';
  if (env.approval)
    os << "  approval true\n";
  if (!env.path.empty())
    os << "  path " << quoteString(env.path) << '\n';
  if (!env.writable.empty()) {
    std::vector<std::string> paths;
    for (const std::string &w : env.writable)
      paths.push_back(quoteString(w));
    os << "  writable [" << fmt::format("{}", fmt::join(paths, ", ")) << "]\n";
  }
  const Limits &l = env.limits;
  if (l.memoryBytes)
    os << "  limit memory " << formatSize(*l.memoryBytes) << '\n';
  if (l.cpuMs)
    os << "  limit cpu " << formatDuration(*l.cpuMs) << '\n';
  if (l.processes)
    os << "  limit processes " << *l.processes << '\n';
  if (l.openFiles)
    os << "  limit open_files " << *l.openFiles << '\n';
  if (l.fileSizeBytes)
    os << "  limit file_size " << formatSize(*l.fileSizeBytes) << '\n';
}

void dumpTask(llvm::raw_ostream &os, const llvm::SourceMgr &sm, const Program &p,
              const Task &task) {
  os << "task " << task.name << at(sm, task.nameRange);
  if (!task.templateName.empty())
    os << " from template " << task.templateName;
  os << '\n';
  if (task.description)
    os << "  description " << spell(p, task.description) << '\n';
  if (!task.after.empty()) {
    std::vector<std::string> deps;
    for (const Dependency &d : task.after)
      deps.push_back(p.task(d.task).name);
    os << "  after [" << fmt::format("{}", fmt::join(deps, ", ")) << "]\n";
  }
  if (task.trigger != Trigger::AllSuccess)
    os << "  trigger " << spelling(task.trigger) << '\n';
  if (!task.environments.empty()) {
    std::vector<std::string> envs;
    for (EnvId id : task.environments)
      envs.push_back(p.environments[id.index()].name);
    os << "  environments [" << fmt::format("{}", fmt::join(envs, ", ")) << "]\n";
  }
  if (task.when)
    os << "  when " << spell(p, task.when) << " : " << p.types.name(p.expr(task.when).type)
       << '\n';
  for (const EnvVar &var : task.env)
    os << "  env " << var.name << " = " << spell(p, var.value) << " : "
       << p.types.name(p.expr(var.value).type) << '\n';
  if (task.workdir)
    os << "  workdir " << spell(p, task.workdir) << '\n';
  if (task.run) {
    os << "  run " << (task.run->shell ? "shell " : "argv [");
    for (size_t i = 0; i < task.run->argv.size(); ++i)
      os << (i ? ", " : "") << spell(p, task.run->argv[i]);
    os << (task.run->shell ? "" : "]") << '\n';
  }
  if (task.timeoutMs)
    os << "  timeout " << formatDuration(*task.timeoutMs)
       << (task.timeoutFromDefault ? " (default)" : "") << '\n';
  if (task.retry.set)
    os << "  retry " << retryText(task.retry) << (task.retry.fromDefault ? " (default)" : "")
       << '\n';
  if (task.resources.cpuMilli)
    os << "  resources cpu " << formatCpu(*task.resources.cpuMilli) << '\n';
  if (task.resources.memoryBytes)
    os << "  resources memory " << formatSize(*task.resources.memoryBytes) << '\n';
  if (!task.outputs.empty()) {
    std::vector<std::string> outputs;
    for (const OutputDecl &o : task.outputs)
      outputs.push_back(p.types.kind(o.type) == TypeKind::String
                            ? o.name
                            : o.name + ": " + p.types.name(o.type));
    os << "  outputs [" << fmt::format("{}", fmt::join(outputs, ", ")) << "]\n";
  }
}

} // namespace

void dump(llvm::raw_ostream &os, const llvm::SourceMgr &sm, const Program &p) {
  const Pipeline &pipeline = p.pipeline;
  os << "pipeline " << pipeline.name << at(sm, pipeline.nameRange) << '\n';
  if (!pipeline.description.empty())
    os << "  description " << quoteString(pipeline.description) << '\n';
  if (pipeline.deadlineMs)
    os << "  deadline " << formatDuration(*pipeline.deadlineMs) << '\n';
  os << "  max_parallel " << pipeline.maxParallel << '\n';

  for (const Param &param : p.params) {
    os << "param " << param.name << ": " << p.types.name(param.type);
    if (param.defaultValue)
      os << " = " << param.defaultValue->spelling();
    os << '\n';
  }
  for (const Secret &secret : p.secrets)
    os << "secret " << secret.name << '\n';
  for (const Environment &env : p.environments)
    dumpEnvironment(os, p, env);
  for (const Task &task : p.tasks)
    dumpTask(os, sm, p, task);
}

} // namespace wfc::ir

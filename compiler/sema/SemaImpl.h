// The semantic analyser's internals, shared by the files of compiler/sema/.
#pragma once

#include "compiler/sema/Sema.h"

#include "compiler/diag/Suggest.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"

#include <deque>
#include <map>

namespace wfc::sema {

using llvm::SMRange;
using llvm::StringRef;

// A template parameter or loop variable bound to a value; each use of the
// name becomes an ir Via expression that remembers the binding.
struct Binding {
  ir::ExprId value;
  ir::ViaId via;
};

struct Scope {
  const Scope *parent = nullptr;
  llvm::StringMap<Binding> names;
  // Set inside a template body: the instance that uses it (for notes).
  const ast::TemplateDecl *templateDecl = nullptr;
  SMRange instanceRange;

  const Binding *lookup(StringRef name) const;
  void collectNames(std::vector<std::string> &out) const;
  const Scope *instanceScope() const;
};

// An imported file: its templates, and the modules it imports itself.
struct Module {
  const ast::File *file = nullptr;
  llvm::StringMap<const ast::TemplateDecl *> templates;
  llvm::StringMap<const Module *> imports;
};

// A task declaration and the loop bindings it was expanded under.
struct PendingTask {
  const ast::TaskDecl *decl;
  const Scope *scope;
  ir::TaskId id;
};

// What expanding declarations costs, against the limits of Sema.h.
struct ExpansionCost {
  uint64_t tasks = 0;
  uint64_t iterations = 0;
  uint64_t bytes = 0;
};

// One field of a task, after template fields and instance overrides merged.
struct FieldSource {
  const ast::Item *item;
  const Scope *scope;
};

// A field being applied: its item, the scope its value is read in, and how
// messages name it ("'timeout'", "retry jitter").
struct FieldUse {
  const ast::Item &item;
  const Scope &scope;
  std::string what;
};

// The names of a table of fields, in its order.
template <typename Field, size_t N> std::vector<const char *> namesOf(const Field (&fields)[N]) {
  std::vector<const char *> names;
  for (const Field &field : fields)
    names.push_back(field.name);
  return names;
}

// The fields of TaskFields.def and RetryFields.def, in their order; those
// a pipeline's `defaults { … }` may set.
std::vector<const char *> taskFieldNames();
std::vector<const char *> defaultFieldNames();
std::vector<const char *> retryFieldNames();
std::vector<const char *> resourceFieldNames();

// Letters, digits and '_' (and '-', '.'), not starting with a digit.
bool isName(StringRef name, bool allowDashDot);

// "an environment", "a task": a noun with its article.
std::string article(StringRef noun);

// Where a name is looked up, for the names of other languages (ForeignNames.def).
enum class NameBlock : uint8_t { Task, Pipeline, Environment, Limits, Retry, RetryOn };
// suggest(), but what wfc writes for another language's name comes first
// (`depends_on` → 'after'), and `max-parallel` is 'max_parallel'.
std::string suggestName(NameBlock block, StringRef name, llvm::ArrayRef<const char *> candidates);
class Sema {
public:
  Sema(const ParsedModules &modules, DiagnosticEngine &diags);
  std::unique_ptr<ir::Program> run();

  // --- Declarations.cpp ---
  void collect(const ast::File &file);
  void declareParam(const ast::ParamDecl &decl);
  void declareSecret(const ast::SecretDecl &decl);
  void declareEnvironment(const ast::EnvironmentDecl &decl);
  void buildEnvironment(const ast::EnvironmentDecl &decl, ir::Environment &env);
  void buildPipeline(const ast::PipelineDecl &decl);
  ir::TypeId resolveType(const ast::TypeExpr *type, bool allowSecret);

  // --- Modules.cpp ---
  // The module `decl` names, collected the first time it is imported; none
  // when the loader refused the import.
  const Module *importedModule(const ast::ImportDecl &decl);
  // The templates and imports of parsed module `index` (0: the entry file).
  Module *collectModule(uint32_t index);

  // --- Exprs.cpp, ExprNames.cpp, ExprOperators.cpp ---
  // One function per kind of expression; `lower` dispatches.
  ir::ExprId lower(const ast::Expr *expr, const Scope &scope);
#define WFC_AST_EXPR(Name, Example)                                                                \
  ir::ExprId lower##Name(const ast::Name##Expr &e, const Scope &scope);
#include "compiler/ast/ExprKinds.def"
  ir::ExprId lowerParamRef(const ast::MemberExpr &m, const Scope &scope);
  ir::ExprId lowerSecretRef(const ast::MemberExpr &m, const Scope &scope);
  ir::ExprId lowerRunProperty(const ast::MemberExpr &m, const Scope &scope);
  ir::ExprId lowerOutputRef(const ast::MemberExpr &m, const ast::NameExpr &task,
                            const Scope &scope);
  ir::ExprId add(const ir::Expr &e);
  ir::OperandRange addOperands(llvm::ArrayRef<ir::ExprId> operands);
  ir::ExprId makeConst(ir::Value value, ir::TypeId type, SMRange range);
  ir::ExprId makeError(SMRange range);
  ir::ExprId makeVia(const Binding &binding, SMRange range);
  // The value of `id` if it is known before the run; reports `what` otherwise.
  // `scope` adds "in template 'x', used here" inside a template instance.
  std::optional<ir::Value> requireConstant(ir::ExprId id, StringRef what,
                                           const Scope *scope = nullptr);
  // Reports a mismatch; true when the type fits.
  bool expectType(ir::ExprId id, ir::TypeId expected, StringRef what,
                  const Scope *scope = nullptr);
  std::string describeRuntime(ir::ExprId id) const;
  // Reports arithmetic on known operands that overflows; false if it does.
  bool checkFault(ir::ExprId id, const Scope &scope);
  ir::TypeId typeOf(ir::ExprId id) const { return program_->expr(id).type; }

  // --- Expansion.cpp ---
  // What `loop` makes when its list has `items` items: nested loops over
  // list literals are counted exactly, others as if of one item (they are
  // counted again, exactly, before they expand).
  ExpansionCost loopCost(const ast::ForDecl &loop, uint64_t items) const;
  ExpansionCost declCost(const ast::Decl &decl) const;
  uint64_t taskBytes(const ast::TaskDecl &task) const;
  // The template a call names, without reporting anything if there is none.
  const ast::TemplateDecl *findTemplate(const ast::TemplateCall &call) const;
  // True when `more` fits in what is left of the limits; otherwise reports
  // it at the outermost loop being expanded (else at `at`) and stops every
  // further expansion.
  bool fits(const ExpansionCost &more, SMRange at);

  // --- Tasks.cpp ---
  void declareTasks(const ast::Decl *decl, const Scope &scope);
  void declareLoop(const ast::ForDecl *loop, const Scope &scope);
  void buildTask(const PendingTask &pending);
  void buildDefaults();
  void applyDefaults(ir::Task &task, llvm::ArrayRef<StringRef> set);
  const ast::TemplateDecl *resolveTemplate(const ast::TemplateCall &call);
  const Scope *bindTemplate(const ast::TemplateDecl &tmpl, const ast::TemplateCall &call,
                            const Scope &outer);
  void checkTemplate(const ast::TemplateDecl &tmpl);
  void resolveEdges();

  // --- TaskFields.cpp: one function per field of TaskFields.def ---
  void applyTaskField(ir::Task &task, StringRef name, const FieldSource &field);
  void applyDescription(ir::Task &task, const FieldUse &use);
  void applyRun(ir::Task &task, const FieldUse &use);
  void applyWorkdir(ir::Task &task, const FieldUse &use);
  void applyTimeout(ir::Task &task, const FieldUse &use);
  void applyRetry(ir::Task &task, const FieldUse &use);
  void applyAfter(ir::Task &task, const FieldUse &use);
  void applyTrigger(ir::Task &task, const FieldUse &use);
  void applyEnvironments(ir::Task &task, const FieldUse &use);
  void applyWhen(ir::Task &task, const FieldUse &use);
  void applyEnv(ir::Task &task, const FieldUse &use);
  void applyOutputs(ir::Task &task, const FieldUse &use);
  void applyResources(ir::Task &task, const FieldUse &use);

  // --- Outputs.cpp ---
  std::optional<ir::TypeId> outputType(const ast::TypeExpr &type);
  ir::TypeId declaredOutputType(ir::TaskId task, StringRef key);
  void mismatchedOperands(const ast::BinaryExpr &b, ir::ExprId lhs, ir::ExprId rhs,
                          const Scope &scope, const char *wanted);
  void applyTypedOutputs(const ast::MapExpr &map, const FieldUse &use,
                         llvm::function_ref<void(const std::string &, SMRange, ir::TypeId)> add);
  ir::ExprId runValue(const FieldUse &use, ir::TypeId type);
  bool isArgument(ir::ExprId id, const Scope &scope);
  bool commandFrom(ir::ExprId id, const FieldUse &use, ir::Command &command);
  std::optional<std::pair<std::string, SMRange>> nameIn(const ast::Expr *e, StringRef kind,
                                                        const Scope &scope);
  void forEachName(const FieldUse &use, StringRef kind,
                   llvm::function_ref<void(const std::string &, SMRange)> visit);
  bool isEnvName(const ast::MapEntry &entry, const Scope &scope);

  // --- ResourceFields.cpp: one function per field of ResourceFields.def ---
  bool applyResourceCpu(ir::Resources &resources, const FieldUse &use);
  bool applyResourceMemory(ir::Resources &resources, const FieldUse &use);

  // --- RetryFields.cpp: one function per field of RetryFields.def ---
  bool buildRetry(const ast::Item &item, const Scope &scope, ir::RetryPolicy &retry);
  bool retryAttemptsOnly(const ast::Item &item, const Scope &scope, ir::RetryPolicy &retry);
  bool applyRetryAttempts(ir::RetryPolicy &retry, const FieldUse &use);
  bool applyRetryBackoff(ir::RetryPolicy &retry, const FieldUse &use);
  bool applyRetryJitter(ir::RetryPolicy &retry, const FieldUse &use);
  bool applyRetryOn(ir::RetryPolicy &retry, const FieldUse &use);
  bool backoffArgument(ir::RetryPolicy &retry, const ast::NameExpr &callee, StringRef argName,
                       const ast::Arg &arg, const Scope &scope);
  void addExitCode(ir::RetryPolicy &retry, const ast::Arg &arg, const Scope &scope);
  std::optional<ir::Value> constantOf(const ast::Expr *e, ir::TypeId type, const std::string &what,
                                      const Scope &scope);

  // Reports through the engine, adding "used here" for template bodies.
  template <typename... Args>
  DiagnosticEngine::Builder report(DiagKind kind, SMRange range, const Scope *scope,
                                   const Args &...args) {
    DiagnosticEngine::Builder builder = diags_.report(kind, range, args...);
    if (scope)
      if (const Scope *instance = scope->instanceScope())
        builder.note(NoteKind::NoteInstantiatedHere, instance->instanceRange,
                     instance->templateDecl->name().name);
    return builder;
  }

  const ParsedModules &parsed_;
  DiagnosticEngine &diags_;
  std::unique_ptr<ir::Program> program_;

  const ast::File *entry_ = nullptr;
  const Module *entryModule_ = nullptr;
  llvm::StringMap<ir::ParamId> params_;
  llvm::StringMap<ir::SecretId> secrets_;
  llvm::StringMap<ir::EnvId> environments_;
  std::vector<const ast::EnvironmentDecl *> environmentDecls_;
  const ast::PipelineDecl *pipelineDecl_ = nullptr;
  // Pipeline `defaults { … }` fields, applied to tasks that do not set them;
  // `defaultsTask_` holds them evaluated once.
  llvm::StringMap<FieldSource> defaults_;
  ir::Task defaultsTask_;
  llvm::StringMap<bool> defaultsSet_;
  std::vector<PendingTask> pending_;
  // What loops and tasks have used of the limits; the loop being expanded
  // that no other loop holds; whether a limit stopped expansion.
  ExpansionCost expanded_;
  const ast::ForDecl *outerLoop_ = nullptr;
  bool expansionStopped_ = false;
  // How messages name the task being built.
  std::string taskLabel_;
  std::deque<Scope> scopes_;
  Scope global_;
  // Template checks run once per template, outside any instance.
  bool checkingTemplate_ = false;
  // A `run` string is a shell script: an unknown "${NAME}" in it was most
  // likely meant for the shell, and its message says how to write that.
  bool inShellScript_ = false;
  const ast::Expr *shellInterpolation_ = nullptr;
  llvm::DenseMap<const ast::TemplateDecl *, bool> checkedTemplates_;

  // Modules by canonical path (templates are checked in this order); the
  // same by index into `parsed_.modules`, null until collected.
  std::map<std::string, std::unique_ptr<Module>> modules_;
  std::vector<const Module *> moduleAt_;
  std::vector<bool> collecting_;
};

} // namespace wfc::sema

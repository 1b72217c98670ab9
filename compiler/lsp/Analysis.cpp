// Compiling a document through the driver, and indexing its names.
#include "compiler/lsp/Analysis.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

namespace wfc::lsp {

llvm::StringRef spelling(SymbolKind kind) {
  switch (kind) {
  case SymbolKind::Task:
    return "task";
  case SymbolKind::Param:
    return "param";
  case SymbolKind::Secret:
    return "secret";
  case SymbolKind::Environment:
    return "environment";
  case SymbolKind::Template:
    return "template";
  case SymbolKind::Module:
    return "module";
  }
  return "name";
}

namespace {

// Walks one file's declarations and expressions, recording each name.
class Indexer {
public:
  explicit Indexer(std::vector<Occurrence> &out) : out_(out) {}

  void decl(const ast::Decl &d);

private:
  void add(SymbolKind kind, llvm::StringRef name, llvm::SMRange range, bool declaration) {
    if (!name.empty())
      out_.push_back({kind, name.str(), range, declaration});
  }
  void block(const ast::Block *b, llvm::StringRef owner);
  void item(const ast::Item &item, llvm::StringRef owner);
  void names(const ast::Expr *e, SymbolKind kind);
  void expr(const ast::Expr *e);
  void member(const ast::MemberExpr &m);
  void args(llvm::ArrayRef<ast::Arg> args) {
    for (const ast::Arg &arg : args)
      expr(arg.value);
  }
  void templateCall(const ast::TemplateCall &call);

  std::vector<Occurrence> &out_;
};

void Indexer::decl(const ast::Decl &d) {
  if (auto *i = llvm::dyn_cast<ast::ImportDecl>(&d))
    return add(SymbolKind::Module, i->alias().name, i->alias().range, true);
  if (auto *p = llvm::dyn_cast<ast::PipelineDecl>(&d))
    return block(p->body(), "pipeline");
  if (auto *p = llvm::dyn_cast<ast::ParamDecl>(&d)) {
    add(SymbolKind::Param, p->name().name, p->name().range, true);
    return expr(p->defaultValue());
  }
  if (auto *s = llvm::dyn_cast<ast::SecretDecl>(&d))
    return add(SymbolKind::Secret, s->name().name, s->name().range, true);
  if (auto *e = llvm::dyn_cast<ast::EnvironmentDecl>(&d)) {
    add(SymbolKind::Environment, e->name().name, e->name().range, true);
    return block(e->body(), "environment");
  }
  if (auto *t = llvm::dyn_cast<ast::TaskDecl>(&d)) {
    add(SymbolKind::Task, t->name().name, t->name().range, true);
    if (t->nameString())
      expr(t->nameString());
    if (t->instance())
      templateCall(*t->instance());
    return block(t->body(), "task");
  }
  if (auto *t = llvm::dyn_cast<ast::TemplateDecl>(&d)) {
    add(SymbolKind::Template, t->name().name, t->name().range, true);
    for (const ast::TemplateParam &param : t->params())
      expr(param.defaultValue);
    return block(t->body(), "task");
  }
  if (auto *f = llvm::dyn_cast<ast::ForDecl>(&d)) {
    expr(f->iterable());
    for (const ast::Decl *inner : f->body())
      if (inner)
        decl(*inner);
  }
}

void Indexer::templateCall(const ast::TemplateCall &call) {
  if (call.path.size() == 1)
    add(SymbolKind::Template, call.path[0].name, call.path[0].range, false);
  if (call.path.size() == 2) {
    add(SymbolKind::Module, call.path[0].name, call.path[0].range, false);
    add(SymbolKind::Template, (call.path[0].name + "." + call.path[1].name).str(),
        call.path[1].range, false);
  }
  args(call.args);
}

void Indexer::block(const ast::Block *b, llvm::StringRef owner) {
  if (!b)
    return;
  for (const ast::Item &i : b->items)
    item(i, owner);
}

void Indexer::item(const ast::Item &i, llvm::StringRef owner) {
  if (i.kind != ast::ItemKind::Field)
    return block(i.block, i.name.name);
  llvm::StringRef field = i.name.name;
  if (owner == "task" && field == "after")
    return names(i.value, SymbolKind::Task);
  if (owner == "task" && field == "environments")
    return names(i.value, SymbolKind::Environment);
  if (owner == "environment" && field == "secrets")
    return names(i.value, SymbolKind::Secret);
  expr(i.value);
}

// A list of bare names (`after = [build, test]`).
void Indexer::names(const ast::Expr *e, SymbolKind kind) {
  auto *list = llvm::dyn_cast_or_null<ast::ListExpr>(e);
  if (!list)
    return expr(e);
  for (const ast::Expr *element : list->elements()) {
    if (auto *name = llvm::dyn_cast_or_null<ast::NameExpr>(element))
      add(kind, name->name(), name->range(), false);
    else
      expr(element);
  }
}

void Indexer::member(const ast::MemberExpr &m) {
  if (auto *base = llvm::dyn_cast_or_null<ast::NameExpr>(m.base())) {
    if (base->name() == "params")
      return add(SymbolKind::Param, m.member().name, m.member().range, false);
    if (base->name() == "secrets")
      return add(SymbolKind::Secret, m.member().name, m.member().range, false);
  }
  // T.outputs.K names task T.
  if (auto *outputs = llvm::dyn_cast_or_null<ast::MemberExpr>(m.base()))
    if (outputs->member().name == "outputs")
      if (auto *task = llvm::dyn_cast_or_null<ast::NameExpr>(outputs->base()))
        return add(SymbolKind::Task, task->name(), task->range(), false);
  expr(m.base());
}

void Indexer::expr(const ast::Expr *e) {
  if (!e)
    return;
  switch (e->kind()) {
  case ast::ExprKind::Member:
    return member(*llvm::cast<ast::MemberExpr>(e));
  case ast::ExprKind::String:
    for (const ast::StringPart &part : llvm::cast<ast::StringExpr>(e)->parts())
      expr(part.expr);
    return;
  case ast::ExprKind::Index:
    expr(llvm::cast<ast::IndexExpr>(e)->base());
    return expr(llvm::cast<ast::IndexExpr>(e)->index());
  case ast::ExprKind::Call:
    expr(llvm::cast<ast::CallExpr>(e)->callee());
    return args(llvm::cast<ast::CallExpr>(e)->args());
  case ast::ExprKind::Unary:
    return expr(llvm::cast<ast::UnaryExpr>(e)->operand());
  case ast::ExprKind::Binary:
    expr(llvm::cast<ast::BinaryExpr>(e)->lhs());
    return expr(llvm::cast<ast::BinaryExpr>(e)->rhs());
  case ast::ExprKind::Conditional: {
    auto *c = llvm::cast<ast::ConditionalExpr>(e);
    expr(c->cond());
    expr(c->then());
    return expr(c->otherwise());
  }
  case ast::ExprKind::List:
    for (const ast::Expr *element : llvm::cast<ast::ListExpr>(e)->elements())
      expr(element);
    return;
  case ast::ExprKind::Map:
    for (const ast::MapEntry &entry : llvm::cast<ast::MapExpr>(e)->entries())
      expr(entry.value);
    return;
  default:
    return;
  }
}

bool contains(llvm::SMRange range, const char *at) {
  return range.Start.isValid() && range.Start.getPointer() <= at &&
         at <= range.End.getPointer();
}

} // namespace

std::vector<Occurrence> indexFile(const ast::File &file) {
  std::vector<Occurrence> out;
  Indexer indexer(out);
  for (const ast::Decl *d : file.decls)
    if (d)
      indexer.decl(*d);
  return out;
}

Analysis::Analysis(std::string path, std::string text, int64_t version,
                   const AnalysisOptions &options)
    : path_(std::move(path)), version_(version) {
  DiagnosticEngine diags;
  driver::CompileOptions compileOptions;
  compileOptions.stdlibDir = options.stdlibDir;
  compileOptions.text = llvm::StringRef(text);
  compiled_ = driver::compileInput(path_, "", sm_, ast_, diags, std::move(compileOptions));
  diagnostics_ = std::move(compiled_->found);
  for (unsigned id = 1; id <= sm_.getNumBuffers(); ++id)
    if (sm_.getMemoryBuffer(id)->getBufferIdentifier() == path_) {
      text_ = sm_.getMemoryBuffer(id)->getBuffer();
      break;
    }
  if (file())
    occurrences_ = indexFile(*file());
}

const ast::File *Analysis::file() const { return compiled_->result.file; }

llvm::ArrayRef<const ast::File *> Analysis::files() const { return compiled_->result.files; }

const ir::Program *Analysis::program() const { return compiled_->result.program.get(); }

llvm::SMLoc Analysis::locAt(size_t offset) const {
  return llvm::SMLoc::getFromPointer(text_.data() + std::min(offset, text_.size()));
}

size_t Analysis::offsetOf(llvm::SMLoc loc) const {
  const char *at = loc.getPointer();
  if (!at || at < text_.begin() || at > text_.end())
    return 0;
  return static_cast<size_t>(at - text_.data());
}

const Occurrence *Analysis::occurrenceAt(size_t offset) const {
  const char *at = locAt(offset).getPointer();
  for (const Occurrence &o : occurrences_)
    if (contains(o.range, at))
      return &o;
  return nullptr;
}

llvm::SMRange Analysis::declarationOf(SymbolKind kind, llvm::StringRef name) const {
  if (kind == SymbolKind::Task && program()) {
    ir::TaskId id = program()->findTask(name);
    if (id.valid())
      return program()->task(id).nameRange;
  }
  if (kind == SymbolKind::Template && name.contains('.')) {
    auto [alias, local] = name.split('.');
    if (const ast::File *module = moduleOf(alias))
      for (const Occurrence &o : indexFile(*module))
        if (o.declaration && o.kind == SymbolKind::Template && o.name == local)
          return o.range;
    return {};
  }
  for (const Occurrence &o : occurrences_)
    if (o.declaration && o.kind == kind && o.name == name)
      return o.range;
  return {};
}

const ast::File *Analysis::moduleOf(llvm::StringRef alias) const {
  if (!file())
    return nullptr;
  for (const ast::Decl *d : file()->decls) {
    auto *import = llvm::dyn_cast_or_null<ast::ImportDecl>(d);
    if (!import || import->alias().name != alias || !import->path() ||
        !import->path()->isPlain())
      continue;
    // The module file is the one whose path ends with the import's.
    std::string wanted = import->path()->text().str();
    llvm::StringRef(wanted).consume_front("./");
    if (!llvm::StringRef(wanted).endswith(".wf"))
      wanted += ".wf";
    llvm::StringRef trimmed = llvm::StringRef(wanted).ltrim("./");
    for (const ast::File *f : files().drop_front())
      if (f && (f->path.endswith("/" + trimmed.str()) || f->path == trimmed))
        return f;
  }
  return nullptr;
}

} // namespace wfc::lsp

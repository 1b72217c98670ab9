// Top-level declarations: params, secrets, environments (their fields are
// in BlockFields.cpp), the pipeline, types.
#include "compiler/sema/SemaImpl.h"
#include "compiler/sema/Vocabulary.h"

namespace wfc::sema {

using ir::TypeId;
using ir::TypeKind;
using ir::Value;

namespace {

const char *const kTypeNames[] = {"string", "int",    "float", "bool",
                                  "duration", "size", "enum",  "list"};

} // namespace

TypeId Sema::resolveType(const ast::TypeExpr *type, bool allowSecret) {
  ir::TypeTable &types = program_->types;
  if (!type || type->name.name.empty())
    return types.error();
  StringRef name = type->name.name;
  auto noArgs = [&](TypeId id) {
    if (!type->args.empty())
      diags_.report(DiagKind::InvalidExpression, type->range,
                    fmt::format("type '{}' takes no arguments", name));
    return id;
  };
  if (name == "string")
    return noArgs(types.string());
  if (name == "int")
    return noArgs(types.int_());
  if (name == "float")
    return noArgs(types.float_());
  if (name == "bool")
    return noArgs(types.bool_());
  if (name == "duration")
    return noArgs(types.duration());
  if (name == "size")
    return noArgs(types.size());
  if (name == "secret" && allowSecret)
    return noArgs(types.secret());
  if (name == "enum") {
    std::vector<std::string> values;
    std::vector<SMRange> valueRanges;
    for (const ast::TypeArg &arg : type->args) {
      if (!arg.string || !arg.string->isPlain()) {
        diags_.report(DiagKind::InvalidExpression, type->range,
                      "enum takes its values as plain strings: enum(\"a\", \"b\")");
        return types.error();
      }
      std::string value = arg.string->text().str();
      if (auto first = llvm::find(values, value); first != values.end()) {
        diags_.report(DiagKind::DuplicateDefinition, arg.string->range(), "enum value", value, "")
            .note(NoteKind::NoteFirstDefined, valueRanges[first - values.begin()]);
        continue;
      }
      values.push_back(value);
      valueRanges.push_back(arg.string->range());
    }
    if (values.empty()) {
      diags_.report(DiagKind::InvalidExpression, type->range,
                    "enum needs at least one value: enum(\"a\", \"b\")");
      return types.error();
    }
    return types.enumOf(std::move(values));
  }
  if (name == "list") {
    if (type->args.size() != 1 || !type->args[0].type) {
      diags_.report(DiagKind::InvalidExpression, type->range,
                    "list takes one element type: list(string)");
      return types.error();
    }
    return types.list(resolveType(type->args[0].type, allowSecret));
  }
  std::vector<std::string> known(std::begin(kTypeNames), std::end(kTypeNames));
  if (allowSecret)
    known.push_back("secret");
  std::string hint = suggest(name, known);
  if (name == "secret" && !allowSecret)
    hint = "; a param cannot be a secret: declare `secret NAME` instead";
  diags_.report(DiagKind::UndefinedName, type->name.range, "type", name, hint);
  return types.error();
}

void Sema::collect(const ast::File &file) {
  entryModule_ = collectModule(0);
  for (const ast::Decl *decl : file.decls) {
    switch (decl->kind()) {
    case ast::DeclKind::Pipeline: {
      auto *pipeline = llvm::cast<ast::PipelineDecl>(decl);
      if (pipelineDecl_) {
        diags_.report(DiagKind::SecondPipeline, pipeline->name().range, pipeline->name().name)
            .note(NoteKind::NoteFirstPipeline, pipelineDecl_->name().range,
                  pipelineDecl_->name().name);
        break;
      }
      pipelineDecl_ = pipeline;
      break;
    }
    case ast::DeclKind::Param:
      declareParam(*llvm::cast<ast::ParamDecl>(decl));
      break;
    case ast::DeclKind::Secret:
      declareSecret(*llvm::cast<ast::SecretDecl>(decl));
      break;
    case ast::DeclKind::Environment:
      declareEnvironment(*llvm::cast<ast::EnvironmentDecl>(decl));
      break;
    default:
      break;
    }
  }
}

void Sema::declareParam(const ast::ParamDecl &decl) {
  ir::Program &p = *program_;
  StringRef name = decl.name().name;
  if (name.empty())
    return;
  if (auto it = params_.find(name); it != params_.end()) {
    diags_.report(DiagKind::DuplicateDefinition, decl.name().range, "param", name, "")
        .note(NoteKind::NoteFirstDefined, p.params[it->second.index()].nameRange);
    return;
  }
  ir::Param param;
  param.name = name.str();
  param.range = decl.range();
  param.nameRange = decl.name().range;
  param.type = decl.type() ? resolveType(decl.type(), false) : TypeId();
  std::string what = "the default of param '" + param.name + "'";
  if (decl.defaultValue()) {
    ir::ExprId value = lower(decl.defaultValue(), global_);
    if (!param.type.valid())
      param.type = typeOf(value);
    if (expectType(value, param.type, what))
      param.defaultValue = requireConstant(value, what);
    const ir::TypeInfo &info = p.types.info(param.type);
    if (param.defaultValue && info.kind == TypeKind::Enum &&
        !llvm::is_contained(info.enumValues, param.defaultValue->text)) {
      diags_.report(DiagKind::InvalidValue, decl.defaultValue()->range(), what,
                    "one of the enum's values", param.defaultValue->spelling());
      param.defaultValue.reset();
    }
  }
  if (!param.type.valid()) {
    diags_.report(DiagKind::InvalidExpression, decl.range(),
                  fmt::format("param '{}' needs a type or a default: param {}: string", name, name));
    param.type = p.types.error();
  }
  params_[name] = ir::ParamId(static_cast<uint32_t>(p.params.size()));
  p.params.push_back(std::move(param));
  p.paramUsed.push_back(false);
}

void Sema::declareSecret(const ast::SecretDecl &decl) {
  ir::Program &p = *program_;
  StringRef name = decl.name().name;
  if (name.empty())
    return;
  if (auto it = secrets_.find(name); it != secrets_.end()) {
    diags_.report(DiagKind::DuplicateDefinition, decl.name().range, "secret", name, "")
        .note(NoteKind::NoteFirstDefined, p.secrets[it->second.index()].nameRange);
    return;
  }
  secrets_[name] = ir::SecretId(static_cast<uint32_t>(p.secrets.size()));
  p.secrets.push_back({name.str(), decl.range(), decl.name().range});
  p.secretUsed.push_back(false);
}

void Sema::declareEnvironment(const ast::EnvironmentDecl &decl) {
  ir::Program &p = *program_;
  StringRef name = decl.name().name;
  if (name.empty())
    return;
  if (auto it = environments_.find(name); it != environments_.end()) {
    diags_.report(DiagKind::DuplicateDefinition, decl.name().range, "environment", name, "")
        .note(NoteKind::NoteFirstDefined, p.environments[it->second.index()].nameRange);
    return;
  }
  environments_[name] = ir::EnvId(static_cast<uint32_t>(p.environments.size()));
  ir::Environment env;
  env.name = name.str();
  env.range = decl.range();
  env.nameRange = decl.name().range;
  p.environments.push_back(std::move(env));
  environmentDecls_.push_back(&decl);
}

llvm::ArrayRef<const char *> typeNames() { return kTypeNames; }

} // namespace wfc::sema

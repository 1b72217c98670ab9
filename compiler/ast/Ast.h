// wfc's syntax tree: what the source says, with a source range on every node.
//
// Nodes live in an ast::Context arena and are never destroyed one by one, so
// every node is trivially destructible: strings and arrays point into the
// arena or into the source buffer. Kinds are enums; llvm::isa/dyn_cast work
// through the classof functions.
#pragma once

#include "support/Operators.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Allocator.h"
#include "llvm/Support/Casting.h"
#include "llvm/Support/SMLoc.h"

#include <cstdint>
#include <cstring>
#include <memory>
#include <type_traits>

namespace wfc::ast {

using llvm::ArrayRef;
using llvm::SMRange;
using llvm::StringRef;

// A name as written, with where it was written. An empty name means the
// parser could not read one (after a syntax error).
struct Ident {
  StringRef name;
  SMRange range;
};

// --- Expressions -------------------------------------------------------------

enum class ExprKind : uint8_t {
#define WFC_AST_EXPR(Name, Example) Name,
#include "compiler/ast/ExprKinds.def"
};

class Expr {
public:
  ExprKind kind() const { return kind_; }
  SMRange range() const { return range_; }

protected:
  Expr(ExprKind kind, SMRange range) : kind_(kind), range_(range) {}

private:
  ExprKind kind_;
  SMRange range_;
};

template <ExprKind K> class ExprBase : public Expr {
public:
  static bool classof(const Expr *e) { return e->kind() == K; }

protected:
  explicit ExprBase(SMRange range) : Expr(K, range) {}
};

// One piece of a string: literal text, or an interpolated "${expr}".
struct StringPart {
  StringRef text; // decoded; empty when `expr` is set
  const Expr *expr = nullptr;
  SMRange range;
};

class StringExpr : public ExprBase<ExprKind::String> {
public:
  StringExpr(SMRange range, ArrayRef<StringPart> parts, bool triple)
      : ExprBase(range), parts_(parts), triple_(triple) {}
  ArrayRef<StringPart> parts() const { return parts_; }
  bool isTripleQuoted() const { return triple_; }
  // True when the string has no interpolation; then text() is its value.
  bool isPlain() const { return parts_.size() <= 1 && (parts_.empty() || !parts_[0].expr); }
  StringRef text() const { return parts_.empty() ? StringRef() : parts_[0].text; }

private:
  ArrayRef<StringPart> parts_;
  bool triple_;
};

class IntExpr : public ExprBase<ExprKind::Int> {
public:
  IntExpr(SMRange range, int64_t value) : ExprBase(range), value_(value) {}
  int64_t value() const { return value_; }

private:
  int64_t value_;
};

class FloatExpr : public ExprBase<ExprKind::Float> {
public:
  FloatExpr(SMRange range, double value) : ExprBase(range), value_(value) {}
  double value() const { return value_; }

private:
  double value_;
};

class BoolExpr : public ExprBase<ExprKind::Bool> {
public:
  BoolExpr(SMRange range, bool value) : ExprBase(range), value_(value) {}
  bool value() const { return value_; }

private:
  bool value_;
};

class DurationExpr : public ExprBase<ExprKind::Duration> {
public:
  DurationExpr(SMRange range, int64_t millis) : ExprBase(range), millis_(millis) {}
  int64_t millis() const { return millis_; }

private:
  int64_t millis_;
};

class SizeExpr : public ExprBase<ExprKind::Size> {
public:
  SizeExpr(SMRange range, uint64_t bytes) : ExprBase(range), bytes_(bytes) {}
  uint64_t bytes() const { return bytes_; }

private:
  uint64_t bytes_;
};

class NameExpr : public ExprBase<ExprKind::Name> {
public:
  NameExpr(SMRange range, StringRef name) : ExprBase(range), name_(name) {}
  StringRef name() const { return name_; }

private:
  StringRef name_;
};

class MemberExpr : public ExprBase<ExprKind::Member> {
public:
  MemberExpr(SMRange range, const Expr *base, Ident member)
      : ExprBase(range), base_(base), member_(member) {}
  const Expr *base() const { return base_; }
  Ident member() const { return member_; }

private:
  const Expr *base_;
  Ident member_;
};

class IndexExpr : public ExprBase<ExprKind::Index> {
public:
  IndexExpr(SMRange range, const Expr *base, const Expr *index)
      : ExprBase(range), base_(base), index_(index) {}
  const Expr *base() const { return base_; }
  const Expr *index() const { return index_; }

private:
  const Expr *base_;
  const Expr *index_;
};

// `f(a, name = b)`: positional arguments have an empty name.
struct Arg {
  Ident name;
  const Expr *value = nullptr;
};

class CallExpr : public ExprBase<ExprKind::Call> {
public:
  CallExpr(SMRange range, const Expr *callee, ArrayRef<Arg> args)
      : ExprBase(range), callee_(callee), args_(args) {}
  const Expr *callee() const { return callee_; }
  ArrayRef<Arg> args() const { return args_; }

private:
  const Expr *callee_;
  ArrayRef<Arg> args_;
};

// The operators and their spellings: support/Operators.def.
using wfc::BinaryOp;
using wfc::UnaryOp;

class UnaryExpr : public ExprBase<ExprKind::Unary> {
public:
  UnaryExpr(SMRange range, UnaryOp op, const Expr *operand)
      : ExprBase(range), op_(op), operand_(operand) {}
  UnaryOp op() const { return op_; }
  const Expr *operand() const { return operand_; }

private:
  UnaryOp op_;
  const Expr *operand_;
};

class BinaryExpr : public ExprBase<ExprKind::Binary> {
public:
  BinaryExpr(SMRange range, BinaryOp op, SMRange opRange, const Expr *lhs, const Expr *rhs)
      : ExprBase(range), op_(op), opRange_(opRange), lhs_(lhs), rhs_(rhs) {}
  BinaryOp op() const { return op_; }
  SMRange opRange() const { return opRange_; }
  const Expr *lhs() const { return lhs_; }
  const Expr *rhs() const { return rhs_; }

private:
  BinaryOp op_;
  SMRange opRange_;
  const Expr *lhs_;
  const Expr *rhs_;
};

class ConditionalExpr : public ExprBase<ExprKind::Conditional> {
public:
  ConditionalExpr(SMRange range, const Expr *cond, const Expr *then, const Expr *otherwise)
      : ExprBase(range), cond_(cond), then_(then), otherwise_(otherwise) {}
  const Expr *cond() const { return cond_; }
  const Expr *then() const { return then_; }
  const Expr *otherwise() const { return otherwise_; }

private:
  const Expr *cond_;
  const Expr *then_;
  const Expr *otherwise_;
};

class ListExpr : public ExprBase<ExprKind::List> {
public:
  ListExpr(SMRange range, ArrayRef<const Expr *> elements)
      : ExprBase(range), elements_(elements) {}
  ArrayRef<const Expr *> elements() const { return elements_; }

private:
  ArrayRef<const Expr *> elements_;
};

struct TypeExpr;

// `{ KEY = value, "other key" = value }`, or `{ KEY: type }` where a map
// declares names and their types (a typed `outputs`): `type` set, no value.
struct MapEntry {
  Ident key;
  const Expr *value = nullptr;
  const TypeExpr *type = nullptr;
};

class MapExpr : public ExprBase<ExprKind::Map> {
public:
  MapExpr(SMRange range, ArrayRef<MapEntry> entries) : ExprBase(range), entries_(entries) {}
  ArrayRef<MapEntry> entries() const { return entries_; }

private:
  ArrayRef<MapEntry> entries_;
};

// Stands where the parser could not read an expression; already reported.
class ErrorExpr : public ExprBase<ExprKind::Error> {
public:
  explicit ErrorExpr(SMRange range) : ExprBase(range) {}
};

// --- Blocks ------------------------------------------------------------------

struct Block;

enum class ItemKind : uint8_t {
  Field,  // name = value
  Block,  // name { … }
  Object, // name = kind { … }, e.g. `retry = retry { … }`
};

struct Item {
  ItemKind kind = ItemKind::Field;
  Ident name;
  const Expr *value = nullptr;   // Field
  Ident objectKind;              // Object
  const Block *block = nullptr;  // Block, Object
  SMRange range;
};

struct Block {
  ArrayRef<Item> items;
  SMRange range; // from '{' to '}'
};

// --- Types -------------------------------------------------------------------

struct TypeExpr;

// An argument of a type: another type (`list(string)`) or a string (`enum("a")`).
struct TypeArg {
  const TypeExpr *type = nullptr;
  const StringExpr *string = nullptr;
};

struct TypeExpr {
  Ident name;
  ArrayRef<TypeArg> args;
  SMRange range;
};

// --- Declarations ------------------------------------------------------------

enum class DeclKind : uint8_t { Import, Pipeline, Param, Secret, Environment, Task, Template, For };

StringRef spelling(DeclKind kind);

class Decl {
public:
  DeclKind kind() const { return kind_; }
  SMRange range() const { return range_; }

protected:
  Decl(DeclKind kind, SMRange range) : kind_(kind), range_(range) {}

private:
  DeclKind kind_;
  SMRange range_;
};

template <DeclKind K> class DeclBase : public Decl {
public:
  static bool classof(const Decl *d) { return d->kind() == K; }

protected:
  explicit DeclBase(SMRange range) : Decl(K, range) {}
};

class ImportDecl : public DeclBase<DeclKind::Import> {
public:
  ImportDecl(SMRange range, const StringExpr *path, Ident alias)
      : DeclBase(range), path_(path), alias_(alias) {}
  const StringExpr *path() const { return path_; }
  Ident alias() const { return alias_; }

private:
  const StringExpr *path_;
  Ident alias_;
};

class PipelineDecl : public DeclBase<DeclKind::Pipeline> {
public:
  PipelineDecl(SMRange range, Ident name, const Block *body)
      : DeclBase(range), name_(name), body_(body) {}
  Ident name() const { return name_; }
  const Block *body() const { return body_; }

private:
  Ident name_;
  const Block *body_;
};

class ParamDecl : public DeclBase<DeclKind::Param> {
public:
  ParamDecl(SMRange range, Ident name, const TypeExpr *type, const Expr *defaultValue)
      : DeclBase(range), name_(name), type_(type), default_(defaultValue) {}
  Ident name() const { return name_; }
  const TypeExpr *type() const { return type_; }          // may be null
  const Expr *defaultValue() const { return default_; }   // may be null

private:
  Ident name_;
  const TypeExpr *type_;
  const Expr *default_;
};

class SecretDecl : public DeclBase<DeclKind::Secret> {
public:
  SecretDecl(SMRange range, Ident name) : DeclBase(range), name_(name) {}
  Ident name() const { return name_; }

private:
  Ident name_;
};

class EnvironmentDecl : public DeclBase<DeclKind::Environment> {
public:
  EnvironmentDecl(SMRange range, Ident name, const Block *body)
      : DeclBase(range), name_(name), body_(body) {}
  Ident name() const { return name_; }
  const Block *body() const { return body_; }

private:
  Ident name_;
  const Block *body_;
};

// `tmpl(args)` or `module.tmpl(args)` after a task's name.
struct TemplateCall {
  ArrayRef<Ident> path;
  ArrayRef<Arg> args;
  SMRange range;
};

class TaskDecl : public DeclBase<DeclKind::Task> {
public:
  TaskDecl(SMRange range, Ident name, const StringExpr *nameString,
           const TemplateCall *instance, const Block *body)
      : DeclBase(range), name_(name), nameString_(nameString), instance_(instance),
        body_(body) {}
  // `task build` has a name; `task "smoke_${r}"` has a name string instead.
  Ident name() const { return name_; }
  const StringExpr *nameString() const { return nameString_; }
  const TemplateCall *instance() const { return instance_; } // may be null
  const Block *body() const { return body_; }                // may be null

private:
  Ident name_;
  const StringExpr *nameString_;
  const TemplateCall *instance_;
  const Block *body_;
};

struct TemplateParam {
  Ident name;
  const TypeExpr *type = nullptr;
  const Expr *defaultValue = nullptr;
  SMRange range;
};

class TemplateDecl : public DeclBase<DeclKind::Template> {
public:
  TemplateDecl(SMRange range, Ident name, ArrayRef<TemplateParam> params, const Block *body)
      : DeclBase(range), name_(name), params_(params), body_(body) {}
  Ident name() const { return name_; }
  ArrayRef<TemplateParam> params() const { return params_; }
  const Block *body() const { return body_; }

private:
  Ident name_;
  ArrayRef<TemplateParam> params_;
  const Block *body_;
};

class ForDecl : public DeclBase<DeclKind::For> {
public:
  ForDecl(SMRange range, Ident var, const Expr *iterable, ArrayRef<const Decl *> body)
      : DeclBase(range), var_(var), iterable_(iterable), body_(body) {}
  Ident var() const { return var_; }
  const Expr *iterable() const { return iterable_; }
  ArrayRef<const Decl *> body() const { return body_; }

private:
  Ident var_;
  const Expr *iterable_;
  ArrayRef<const Decl *> body_;
};

// A comment, kept for `// wfc:ignore[...]` suppressions.
struct Comment {
  StringRef text;
  SMRange range;
};

struct File {
  unsigned bufferId = 0;
  StringRef path;
  ArrayRef<const Decl *> decls;
  ArrayRef<Comment> comments;
  // Tokens the parser read, comments and the end of file not counted (for
  // the benchmarks' tokens a second).
  size_t tokens = 0;
};

// Owns every node of the files parsed into it.
class Context {
public:
  template <typename T, typename... Args> T *make(Args &&...args) {
    static_assert(std::is_trivially_destructible_v<T>, "AST nodes are never destroyed");
    return new (arena_.Allocate<T>()) T(std::forward<Args>(args)...);
  }

  template <typename T> ArrayRef<T> copy(ArrayRef<T> items) {
    if (items.empty())
      return {};
    T *out = arena_.Allocate<T>(items.size());
    std::uninitialized_copy(items.begin(), items.end(), out);
    return ArrayRef<T>(out, items.size());
  }

  StringRef save(StringRef text) {
    if (text.empty())
      return {};
    char *out = arena_.Allocate<char>(text.size());
    std::memcpy(out, text.data(), text.size());
    return StringRef(out, text.size());
  }

  size_t bytesAllocated() const { return arena_.getBytesAllocated(); }

private:
  llvm::BumpPtrAllocator arena_;
};

} // namespace wfc::ast

// The parser builds the AST it should, and survives anything thrown at it.
#include "compiler/syntax/Parse.h"

#include "compiler/ast/AstDump.h"

#include "llvm/Support/MemoryBuffer.h"

#include <gtest/gtest.h>

#include <random>

namespace wfc {
namespace {

struct Parsed {
  llvm::SourceMgr sm;
  ast::Context ctx;
  DiagnosticEngine diags;
  const ast::File *file = nullptr;

  explicit Parsed(const std::string &text, unsigned errorLimit = 0) {
    unsigned id = sm.AddNewSourceBuffer(llvm::MemoryBuffer::getMemBufferCopy(text, "t.wf"),
                                        llvm::SMLoc());
    diags.setErrorLimit(errorLimit);
    file = parse(sm, id, ctx, diags);
  }

  std::string dump() {
    std::string out;
    llvm::raw_string_ostream os(out);
    ast::dump(os, sm, *file);
    return os.str();
  }

  bool has(DiagKind kind) const {
    for (const Diagnostic &d : diags.diagnostics())
      if (d.kind == kind)
        return true;
    return false;
  }
};

TEST(ParseTest, BuildsDeclarationsInOrder) {
  Parsed p("secret s\nparam x: int = 1\ntask a { run = \"x\" }\n");
  EXPECT_FALSE(p.diags.hasErrors());
  ASSERT_EQ(p.file->decls.size(), 3u);
  EXPECT_EQ(p.file->decls[0]->kind(), ast::DeclKind::Secret);
  EXPECT_EQ(p.file->decls[1]->kind(), ast::DeclKind::Param);
  EXPECT_EQ(p.file->decls[2]->kind(), ast::DeclKind::Task);
  auto *task = llvm::cast<ast::TaskDecl>(p.file->decls[2]);
  EXPECT_EQ(task->name().name, "a");
  ASSERT_EQ(task->body()->items.size(), 1u);
  auto *run = llvm::dyn_cast<ast::StringExpr>(task->body()->items[0].value);
  ASSERT_NE(run, nullptr);
  EXPECT_EQ(run->text(), "x");
}

TEST(ParseTest, BindsOperatorsByPrecedence) {
  Parsed p("task a { when = !x || y && z == 1 + 2 * 3 }");
  EXPECT_FALSE(p.diags.hasErrors());
  auto *task = llvm::cast<ast::TaskDecl>(p.file->decls[0]);
  auto *orExpr = llvm::cast<ast::BinaryExpr>(task->body()->items[0].value);
  EXPECT_EQ(orExpr->op(), ast::BinaryOp::Or);
  EXPECT_TRUE(llvm::isa<ast::UnaryExpr>(orExpr->lhs()));
  auto *andExpr = llvm::cast<ast::BinaryExpr>(orExpr->rhs());
  EXPECT_EQ(andExpr->op(), ast::BinaryOp::And);
  auto *eq = llvm::cast<ast::BinaryExpr>(andExpr->rhs());
  EXPECT_EQ(eq->op(), ast::BinaryOp::Eq);
  auto *add = llvm::cast<ast::BinaryExpr>(eq->rhs());
  EXPECT_EQ(add->op(), ast::BinaryOp::Add);
  EXPECT_EQ(llvm::cast<ast::BinaryExpr>(add->rhs())->op(), ast::BinaryOp::Mul);
}

TEST(ParseTest, ReportsEveryBrokenDeclaration) {
  Parsed p("task a { x = }\ntask b { y = }\ntask c { z = }\n");
  EXPECT_EQ(p.diags.errorCount(), 3u);
  EXPECT_EQ(p.file->decls.size(), 3u);
}

TEST(ParseTest, DeepBracketsAreAnErrorNotACrash) {
  std::string text = "task a { x = " + std::string(100000, '(') + "1" +
                     std::string(100000, ')') + " }";
  Parsed p(text);
  EXPECT_TRUE(p.has(DiagKind::SyntaxNestingTooDeep));
}

TEST(ParseTest, LongOperatorChainsAreAnErrorNotACrash) {
  std::string text = "task a { x = 1";
  for (int i = 0; i < 100000; ++i)
    text += " + 1";
  text += " }";
  Parsed p(text);
  EXPECT_TRUE(p.has(DiagKind::SyntaxNestingTooDeep));
}

TEST(ParseTest, DeepUnaryChainsAreAnErrorNotACrash) {
  Parsed p("task a { x = " + std::string(100000, '!') + "y }");
  EXPECT_TRUE(p.has(DiagKind::SyntaxNestingTooDeep));
}

TEST(ParseTest, ModestNestingIsFine) {
  Parsed p("task a { x = " + std::string(100, '[') + "1" + std::string(100, ']') + " }");
  EXPECT_FALSE(p.diags.hasErrors());
}

TEST(ParseTest, StopsAtTheErrorLimit) {
  std::string text;
  for (int i = 0; i < 100; ++i)
    text += "task t" + std::to_string(i) + " { x = }\n";
  Parsed p(text, /*errorLimit=*/10);
  EXPECT_TRUE(p.diags.limitReached());
  EXPECT_EQ(p.diags.diagnostics().size(), 11u);
  EXPECT_EQ(p.diags.diagnostics().back().kind, DiagKind::TooManyErrors);
}

TEST(ParseTest, SurvivesRandomInput) {
  const char *const pieces[] = {"task", "a", "{", "}", "=", "\"s\"", "[", "]", "(", ")",
                                ",", ":", "1", "10m", "for", "in", "template", "param",
                                "\"${x}\"", ".", "!", "&&", "?", "\n", "pipeline", "env",
                                "environment", "secret", "import", "as", "{a = 1}"};
  std::mt19937 rng(7);
  std::uniform_int_distribution<size_t> pick(0, std::size(pieces) - 1);
  for (int i = 0; i < 3000; ++i) {
    std::string text;
    for (int n = 0; n < 40; ++n)
      text += std::string(pieces[pick(rng)]) + " ";
    Parsed p(text);
    ASSERT_NE(p.file, nullptr);
    p.dump();
  }
}

} // namespace
} // namespace wfc

// Parses a file one top-level declaration at a time, in two stages.
//
// Stage one predicts with SLL and bails out at the first error; only a
// declaration that fails it is parsed again with full LL and error recovery
// (the scheme of Surelog's ParseFile.cpp). Each declaration's parse tree is
// turned into AST and freed before the next one is read, so memory stays
// proportional to the source, not to ANTLR's trees.
#include "compiler/syntax/Parse.h"

#include "compiler/syntax/AstBuilder.h"
#include "compiler/syntax/Lexer.h"
#include "compiler/syntax/ParseSupport.h"

#include "BailErrorStrategy.h"
#include "Exceptions.h"
#include "atn/ParserATNSimulator.h"
#include "atn/PredictionMode.h"

namespace wfc {

namespace syntax {

void reportLexProblems(const FileSyntax &file, const LexedTokens &lexed) {
  for (const TokenSpan &problem : lexed.problems) {
    llvm::SMRange range = file.range(problem.begin, problem.end);
    if (problem.type == WfParser::UNTERMINATED_COMMENT) {
      file.diags.report(DiagKind::SyntaxUnterminatedComment,
                        file.range(problem.begin, problem.begin + 2));
      continue;
    }
    llvm::StringRef text(file.base + problem.begin, problem.end - problem.begin);
    std::string shown = fmt::format("'{}'", text);
    if (text.size() == 1 && (static_cast<unsigned char>(text[0]) < 0x20 || text[0] == 0x7f))
      shown = fmt::format("U+{:04X}", static_cast<unsigned>(text[0]));
    file.diags.report(DiagKind::SyntaxUnexpectedCharacter, range, shown);
  }
  for (const WfToken &token : lexed.tokens) {
    if (token.getType() != WfParser::UNTERMINATED_STRING)
      continue;
    llvm::StringRef text(file.base + token.begin(), token.end() - token.begin());
    bool triple = text.startswith("\"\"\"");
    file.diags.report(DiagKind::SyntaxUnterminatedString,
                      file.range(token.begin(), token.begin() + (triple ? 3 : 1)),
                      triple ? "'\"\"\"'" : "'\"'", triple ? "file" : "line");
  }
}

namespace {

void setStage(GuardedParser &parser, const std::shared_ptr<antlr4::ANTLRErrorStrategy> &strategy,
              antlr4::atn::PredictionMode mode) {
  parser.setErrorHandler(strategy);
  parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(mode);
}

} // namespace
} // namespace syntax

const ast::File *parse(const llvm::SourceMgr &sm, unsigned bufferId, ast::Context &ctx,
                       DiagnosticEngine &diags) {
  using namespace syntax;
  const llvm::MemoryBuffer *buffer = sm.getMemoryBuffer(bufferId);
  llvm::StringRef source = buffer->getBuffer();
  FileSyntax file{sm, bufferId, source.data(), diags};

  LexedTokens lexed;
  lex(source, 0, static_cast<uint32_t>(source.size()), lexed);
  reportLexProblems(file, lexed);

  WfTokenStream stream(lexed.tokens);
  GuardedParser parser(&stream);
  parser.removeErrorListeners();
  auto bail = std::make_shared<antlr4::BailErrorStrategy>();
  auto recover = std::make_shared<WfErrorStrategy>(file, /*inInterpolation=*/false);
  AstBuilder builder(file, ctx);
  std::vector<const ast::Decl *> decls;

  auto skipToDeclaration = [&] {
    do
      stream.consume();
    while (stream.LA(1) != antlr4::Token::EOF && !startsDeclaration(stream.LA(1)));
  };

  // After a declaration with errors, what follows up to the next declaration
  // is most likely its own remains: skip it without another report.
  bool lastHadErrors = false;
  while (stream.LA(1) != antlr4::Token::EOF && !diags.limitReached()) {
    if (!startsDeclaration(stream.LA(1))) {
      if (!lastHadErrors)
        diags.report(DiagKind::SyntaxExpectedDeclaration, file.range(stream.LT(1)),
                     describeToken(file, stream.LT(1)));
      skipToDeclaration();
      lastHadErrors = false;
      continue;
    }
    unsigned errorsBefore = diags.errorCount();
    size_t start = stream.index();
    WfParser::DeclContext *tree = nullptr;
    try {
      setStage(parser, bail, antlr4::atn::PredictionMode::SLL);
      parser.armGuard();
      tree = parser.decl();
    } catch (const antlr4::ParseCancellationException &) {
      parser.reset();
      stream.seek(start);
      setStage(parser, recover, antlr4::atn::PredictionMode::LL);
      try {
        parser.armGuard();
        tree = parser.decl();
      } catch (const NestingTooDeep &e) {
        diags.report(DiagKind::SyntaxNestingTooDeep, file.range(stream.get(e.tokenIndex)),
                     "brackets and blocks", "the parser's stack budget");
        tree = nullptr;
      }
    } catch (const NestingTooDeep &e) {
      diags.report(DiagKind::SyntaxNestingTooDeep, file.range(stream.get(e.tokenIndex)),
                   "brackets and blocks", "the parser's stack budget");
      tree = nullptr;
    }
    if (tree) {
      if (const ast::Decl *decl = builder.buildDecl(tree))
        decls.push_back(decl);
    } else {
      stream.seek(start);
      skipToDeclaration();
    }
    // reset() frees the tree but also rewinds the stream.
    size_t next = stream.index();
    parser.reset();
    stream.seek(next);
    if (next == start)
      skipToDeclaration();
    lastHadErrors = diags.errorCount() > errorsBefore;
  }

  std::vector<ast::Comment> comments;
  comments.reserve(lexed.comments.size());
  for (const TokenSpan &comment : lexed.comments)
    comments.push_back({llvm::StringRef(source.data() + comment.begin, comment.end - comment.begin),
                        file.range(comment.begin, comment.end)});

  auto *result = ctx.make<ast::File>();
  result->bufferId = bufferId;
  result->path = ctx.save(buffer->getBufferIdentifier());
  result->decls = ctx.copy(llvm::ArrayRef(decls));
  result->comments = ctx.copy(llvm::ArrayRef(comments));
  return result;
}

} // namespace wfc

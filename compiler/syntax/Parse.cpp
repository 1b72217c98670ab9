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
#include "support/Units.h"

#include "BailErrorStrategy.h"
#include "Exceptions.h"
#include "atn/ParserATNSimulator.h"
#include "atn/PredictionMode.h"

#include "llvm/Support/thread.h"

#include <pthread.h>

namespace wfc {

namespace syntax {

namespace {

// Where an unterminated string holds a "${" that never closes, if it does.
uint32_t unclosedInterpolation(const FileSyntax &file, const WfToken &token) {
  llvm::StringRef source(file.base, token.end());
  for (uint32_t p = token.begin() + 1; p + 1 < token.end(); ++p) {
    if (file.base[p] == '\\') {
      ++p;
      continue;
    }
    if (file.base[p] == '$' && file.base[p + 1] == '$') {
      ++p;
      continue;
    }
    if (file.base[p] == '$' && file.base[p + 1] == '{') {
      uint32_t close = scanInterpolation(source, p, token.end());
      if (close == 0)
        return p;
      p = close - 1;
    }
  }
  return UINT32_MAX;
}

} // namespace

LexProblems::LexProblems(const FileSyntax &file, const LexedTokens &lexed) : file_(file) {
  for (const TokenSpan &problem : lexed.problems)
    problems_.push_back({problem.begin, problem.end, problem.type});
  for (const WfToken &token : lexed.tokens)
    if (token.getType() == WfParser::UNTERMINATED_STRING)
      problems_.push_back({token.begin(), token.end(), WfParser::UNTERMINATED_STRING});
  std::sort(problems_.begin(), problems_.end(),
            [](const Problem &a, const Problem &b) { return a.begin < b.begin; });
}

void LexProblems::flushBefore(uint32_t offset) {
  for (; next_ < problems_.size() && problems_[next_].begin < offset; ++next_) {
    const Problem &problem = problems_[next_];
    if (problem.type == WfParser::UNTERMINATED_COMMENT) {
      file_.diags.report(DiagKind::SyntaxUnterminatedComment,
                         file_.range(problem.begin, problem.begin + 2));
      continue;
    }
    if (problem.type == WfParser::UNTERMINATED_STRING) {
      llvm::StringRef text(file_.base + problem.begin, problem.end - problem.begin);
      bool triple = text.startswith("\"\"\"");
      WfToken token(file_.base, problem.type, problem.begin, problem.end, 0);
      uint32_t open = triple ? UINT32_MAX : unclosedInterpolation(file_, token);
      if (open != UINT32_MAX) {
        file_.diags.report(DiagKind::SyntaxInvalidInterpolation, file_.range(open, open + 2),
                           "'${' without a closing '}' on the same line");
        continue;
      }
      file_.diags.report(DiagKind::SyntaxUnterminatedString,
                         file_.range(problem.begin, problem.begin + (triple ? 3 : 1)),
                         triple ? "'\"\"\"'" : "'\"'", triple ? "file" : "line");
      continue;
    }
    llvm::StringRef text(file_.base + problem.begin, problem.end - problem.begin);
    std::string shown = fmt::format("'{}'", text);
    if (text.size() == 1 && (static_cast<unsigned char>(text[0]) < 0x20 || text[0] == 0x7f))
      shown = fmt::format("U+{:04X}", static_cast<unsigned>(text[0]));
    file_.diags.report(DiagKind::SyntaxUnexpectedCharacter, file_.range(problem.begin, problem.end),
                       shown);
  }
}

void FileSyntax::flushLexProblems(uint32_t offset) const {
  if (lexProblems)
    lexProblems->flushBefore(offset);
}

void reportLexProblems(const FileSyntax &file, const LexedTokens &lexed) {
  LexProblems(file, lexed).flushAll();
}

namespace {

// Where lexing `source` would stop at the token limit, or UINT32_MAX when it
// has no more than kMaxTokens tokens, comments and bad characters. Counted a
// block at a time, so that a file refused for its tokens never holds them
// all (32 bytes each: a gigabyte at the limit).
uint32_t tokenLimitOffset(llvm::StringRef source) {
  // Each item takes one byte at least.
  if (source.size() <= kMaxTokens)
    return UINT32_MAX;
  constexpr size_t kBlock = 1 << 20;
  LexedTokens block;
  size_t items = 0;
  uint32_t at = 0;
  for (;;) {
    block.tokens.clear();
    block.comments.clear();
    block.problems.clear();
    size_t room = kMaxTokens - items;
    lex(source, at, static_cast<uint32_t>(source.size()), block, std::min(room, kBlock));
    if (block.stoppedAt == UINT32_MAX)
      return UINT32_MAX;
    if (room <= kBlock)
      return block.stoppedAt;
    items += kBlock;
    at = block.stoppedAt;
  }
}

// `"a ${b"`: the lexer reads an unterminated string up to the quote the
// interpolation could not use, then another from that quote. One mistake, so
// one token (and one error, at the '${').
void mergeUnclosedInterpolations(const FileSyntax &file, LexedTokens &lexed) {
  std::vector<WfToken> &tokens = lexed.tokens;
  size_t out = 0;
  for (size_t i = 0; i < tokens.size(); ++i) {
    WfToken token = tokens[i];
    while (token.getType() == WfParser::UNTERMINATED_STRING && i + 1 < tokens.size() &&
           tokens[i + 1].getType() == WfParser::UNTERMINATED_STRING &&
           tokens[i + 1].begin() == token.end() &&
           unclosedInterpolation(file, token) != UINT32_MAX) {
      token = WfToken(file.base, WfParser::UNTERMINATED_STRING, token.begin(), tokens[i + 1].end(),
                      0);
      ++i;
    }
    tokens[out] = WfToken(file.base, static_cast<uint32_t>(token.getType() == antlr4::Token::EOF
                                                               ? WfToken::kEof
                                                               : token.getType()),
                          token.begin(), token.end(), static_cast<uint32_t>(out));
    ++out;
  }
  tokens.resize(out, tokens.back());
}

void setStage(GuardedParser &parser, const std::shared_ptr<antlr4::ANTLRErrorStrategy> &strategy,
              antlr4::atn::PredictionMode mode) {
  parser.setErrorHandler(strategy);
  parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(mode);
}

// Parses the declaration at the stream's position: with SLL and bail-out
// first, and only if that fails once more with LL and error recovery.
WfParser::DeclContext *parseDeclaration(GuardedParser &parser, WfTokenStream &stream,
                                        const std::shared_ptr<antlr4::ANTLRErrorStrategy> &bail,
                                        const std::shared_ptr<antlr4::ANTLRErrorStrategy> &recover) {
  size_t start = stream.index();
  try {
    setStage(parser, bail, antlr4::atn::PredictionMode::SLL);
    parser.armGuard();
    return parser.decl();
  } catch (const antlr4::ParseCancellationException &) {
  }
  parser.reset();
  stream.seek(start);
  setStage(parser, recover, antlr4::atn::PredictionMode::LL);
  parser.armGuard();
  return parser.decl();
}

const ast::File *makeFile(ast::Context &ctx, const FileSyntax &file, const LexedTokens &lexed,
                          llvm::ArrayRef<const ast::Decl *> decls) {
  std::vector<ast::Comment> comments;
  comments.reserve(lexed.comments.size());
  for (const TokenSpan &comment : lexed.comments)
    comments.push_back({llvm::StringRef(file.base + comment.begin, comment.end - comment.begin),
                        file.range(comment.begin, comment.end)});
  const llvm::MemoryBuffer *buffer = file.sm.getMemoryBuffer(file.bufferId);
  auto *result = ctx.make<ast::File>();
  result->bufferId = file.bufferId;
  result->path = ctx.save(buffer->getBufferIdentifier());
  result->decls = ctx.copy(decls);
  result->comments = ctx.copy(llvm::ArrayRef(comments));
  result->tokens = lexed.tokens.empty() ? 0 : lexed.tokens.size() - 1;
  return result;
}

} // namespace

void reportStopped(const FileSyntax &file, const ParseStopped &stop, llvm::SMRange at,
                   llvm::SMRange whole) {
  switch (stop.reason) {
  case ParseStopped::TooDeep:
    file.diags.report(DiagKind::SyntaxNestingTooDeep, at, "brackets and blocks",
                      fmt::format("{} levels", kMaxNesting));
    return;
  case ParseStopped::OutOfStack:
    // Only a chain far longer than the AST builder's limit gets this far.
    file.diags.report(DiagKind::SyntaxNestingTooDeep, at, "expressions", kMaxExprDepthText);
    return;
  case ParseStopped::TooLong:
    file.diags.report(DiagKind::InputTooLarge, whole,
                      fmt::format("declaration has more than {} tokens{}",
                                  withThousands(kMaxDeclarationTokens), kSplitAdvice));
    return;
  case ParseStopped::ErrorLimit:
    return; // nothing more is reported
  }
}

namespace {

// The bytes of stack the calling thread has left below this frame; 0 when
// that cannot be known.
size_t stackLeft() {
  // Asking reads /proc/self/maps for the main thread: once a thread is enough.
  thread_local uintptr_t lowest = [] {
    pthread_attr_t attr;
    if (pthread_getattr_np(pthread_self(), &attr) != 0)
      return uintptr_t(0);
    void *low = nullptr;
    size_t size = 0;
    int failed = pthread_attr_getstack(&attr, &low, &size);
    pthread_attr_destroy(&attr);
    return failed ? uintptr_t(0) : reinterpret_cast<uintptr_t>(low);
  }();
  auto here = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  return lowest != 0 && here > lowest ? here - lowest : 0;
}

// How many more '{' than '}' tokens [start, end) of `stream` holds.
int braceBalance(WfTokenStream &stream, size_t start, size_t end) {
  int balance = 0;
  for (size_t i = start; i < end; ++i)
    balance += stream.at(i).getType() == WfParser::LBRACE
                   ? 1
                   : stream.at(i).getType() == WfParser::RBRACE ? -1 : 0;
  return balance;
}

// The file's declarations, one parse each (SLL first, then LL with
// recovery); what cannot start one is reported once and skipped.
std::vector<const ast::Decl *> parseDeclarations(FileSyntax &file, WfTokenStream &stream,
                                                 LexProblems &problems, ast::Context &ctx,
                                                 DiagnosticEngine &diags) {
  GuardedParser parser(&stream, diags);
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
  // is most likely its own remains: skip it without another report. So are
  // the '}' that close braces its recovery skipped over.
  bool lastHadErrors = false;
  int pendingClosers = 0;
  while (stream.LA(1) != antlr4::Token::EOF && !diags.limitReached()) {
    if (stream.LA(1) == WfParser::RBRACE && pendingClosers > 0) {
      --pendingClosers;
      stream.consume();
      continue;
    }
    if (!startsDeclaration(stream.LA(1))) {
      problems.flushBefore(stream.at(stream.index()).begin());
      if (!lastHadErrors)
        diags.report(DiagKind::SyntaxExpectedDeclaration, file.range(stream.LT(1)),
                     describeToken(file, stream.LT(1)));
      skipToDeclaration();
      lastHadErrors = false;
      continue;
    }
    unsigned errorsBefore = diags.errorCount();
    problems.flushBefore(stream.at(stream.index()).begin());
    size_t start = stream.index();
    WfParser::DeclContext *tree = nullptr;
    try {
      tree = parseDeclaration(parser, stream, bail, recover);
    } catch (const ParseStopped &stop) {
      if (stop.reason == ParseStopped::ErrorLimit)
        break;
      reportStopped(file, stop, file.range(stream.get(stop.tokenIndex)),
                    file.range(stream.get(start)));
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
    if (lastHadErrors)
      pendingClosers += std::max(braceBalance(stream, start, stream.index()), 0);
  }

  return decls;
}

const ast::File *parseOnThisThread(const llvm::SourceMgr &sm, unsigned bufferId,
                                   ast::Context &ctx, DiagnosticEngine &diags) {
  llvm::StringRef source = sm.getMemoryBuffer(bufferId)->getBuffer();
  FileSyntax file{sm, bufferId, source.data(), diags};

  LexedTokens lexed;
  lexed.stoppedAt = tokenLimitOffset(source);
  if (lexed.stoppedAt == UINT32_MAX)
    lex(source, 0, static_cast<uint32_t>(source.size()), lexed);
  if (lexed.stoppedAt != UINT32_MAX) {
    // Not parsed at all: the file is refused, like one larger than kMaxSourceBytes.
    diags.report(DiagKind::InputTooLarge, file.range(lexed.stoppedAt, lexed.stoppedAt),
                 fmt::format("file has more than {} tokens{}", withThousands(kMaxTokens),
                             kSplitAdvice));
    lexed.comments.clear();
    return makeFile(ctx, file, lexed, {});
  }
  mergeUnclosedInterpolations(file, lexed);
  LexProblems problems(file, lexed);
  file.lexProblems = &problems;

  WfTokenStream stream(lexed.tokens);
  file.tokens = &stream;
  std::vector<const ast::Decl *> decls = parseDeclarations(file, stream, problems, ctx, diags);

  problems.flushAll();
  file.lexProblems = nullptr;
  return makeFile(ctx, file, lexed, decls);
}

} // namespace
} // namespace syntax

const ast::File *parse(const llvm::SourceMgr &sm, unsigned bufferId, ast::Context &ctx,
                       DiagnosticEngine &diags) {
  // Not always on a thread of its own: memory allocated on another thread
  // comes from another malloc arena, which made parsing a fifth slower.
  if (syntax::stackLeft() >= syntax::kParseStackBytes)
    return syntax::parseOnThisThread(sm, bufferId, ctx, diags);
  const ast::File *file = nullptr;
  llvm::thread parser(llvm::Optional<unsigned>(syntax::kParseStackBytes), [&] {
    file = syntax::parseOnThisThread(sm, bufferId, ctx, diags);
  });
  parser.join();
  return file;
}

} // namespace wfc

// hardcoded-secret: credentials written into the source.
//
// Known formats are matched by their fixed prefixes and character classes
// (AWS key ids, GitHub, Slack, Stripe and Google keys, private key blocks,
// JSON web tokens, passwords in URLs). Other values count only when they are
// assigned to a name that says "secret" (…_KEY, …_TOKEN, …_SECRET, PASSWORD)
// and look random: at least 16 characters, no spaces, not ordinary, and a
// Shannon entropy of at least 3.5 bits a character — the threshold gitleaks
// uses for generic keys. Entropy alone cannot tell "npm-linux-x64-node20"
// from a token, so ordinary values are set aside first: placeholders
// ("REPLACE_ME", "<your-token>") and values made of words, numbers and
// separators ("storefront-db-credentials", "~/.ssh/deploy_ed25519"); random
// tokens mix cases and digits inside their pieces. No output shows more than
// the first four characters of what was found.
#include "compiler/checks/Checks.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/ConvertUTF.h"

#include <cmath>

namespace wfc::checks {
namespace {

constexpr size_t kShown = 4;
constexpr size_t kMinEntropyLength = 16;
constexpr double kMinEntropyBits = 3.5;

struct Finding {
  const char *kind;
  size_t offset;
  size_t length;
};

// What a message may show of a credential: its first characters (not
// bytes: a preview never ends inside a UTF-8 sequence), at most four and at
// most half of them, so that even a short password is never shown whole.
llvm::StringRef preview(llvm::StringRef credential) {
  size_t characters = llvm::count_if(credential, [](char c) { return (c & 0xC0) != 0x80; });
  size_t bytes = 0;
  for (size_t n = std::min(kShown, characters / 2); n > 0 && bytes < credential.size(); --n)
    bytes += llvm::getNumBytesForUTF8(static_cast<llvm::UTF8>(credential[bytes]));
  return credential.take_front(bytes);
}

bool isWordChar(char c) { return llvm::isAlnum(c) || c == '_'; }

// Length of the run at `pos` of characters accepted by `ok`.
template <typename Pred> size_t run(llvm::StringRef text, size_t pos, Pred ok) {
  size_t n = 0;
  while (pos + n < text.size() && ok(text[pos + n]))
    ++n;
  return n;
}

bool upperDigit(char c) { return (c >= 'A' && c <= 'Z') || llvm::isDigit(c); }
bool alnum(char c) { return llvm::isAlnum(c); }
bool base64url(char c) { return llvm::isAlnum(c) || c == '_' || c == '-'; }

bool startsWord(llvm::StringRef text, size_t pos) { return pos == 0 || !isWordChar(text[pos - 1]); }

// `prefix` at `pos`, then between minLength and maxLength characters `ok`.
std::optional<Finding> prefixedAt(llvm::StringRef text, size_t pos, llvm::StringRef prefix,
                                  const char *kind, bool (*ok)(char), size_t minLength,
                                  size_t maxLength) {
  if (!text.substr(pos).startswith(prefix) || !startsWord(text, pos))
    return std::nullopt;
  size_t n = run(text, pos + prefix.size(), ok);
  if (n < minLength || n > maxLength)
    return std::nullopt;
  return Finding{kind, pos, prefix.size() + n};
}

std::optional<Finding> jsonWebTokenAt(llvm::StringRef text, size_t pos) {
  if (!text.substr(pos).startswith("eyJ"))
    return std::nullopt;
  size_t header = run(text, pos, base64url);
  if (header < 10 || text.substr(pos + header, 4) != ".eyJ")
    return std::nullopt;
  size_t payloadAt = pos + header + 1;
  size_t payload = run(text, payloadAt, base64url);
  if (payload < 10 || text.substr(payloadAt + payload, 1) != ".")
    return std::nullopt;
  size_t signature = run(text, payloadAt + payload + 1, base64url);
  if (signature < 10)
    return std::nullopt;
  return Finding{"a JSON web token", pos, header + 1 + payload + 1 + signature};
}

std::optional<Finding> urlPassword(llvm::StringRef text) {
  for (size_t pos = text.find("://"); pos != llvm::StringRef::npos; pos = text.find("://", pos + 3)) {
    size_t start = pos + 3;
    size_t end = text.find_first_of("/?# \t\n", start);
    llvm::StringRef authority = text.slice(start, end);
    size_t at = authority.rfind('@');
    if (at == llvm::StringRef::npos)
      continue;
    llvm::StringRef userinfo = authority.take_front(at);
    size_t colon = userinfo.find(':');
    if (colon == llvm::StringRef::npos)
      continue;
    llvm::StringRef password = userinfo.substr(colon + 1);
    // `$TOKEN` is read from the environment by the shell: not hardcoded.
    if (password.empty() || password.startswith("$"))
      continue;
    return Finding{"a password in a URL", start + colon + 1, password.size()};
  }
  return std::nullopt;
}

double entropy(llvm::StringRef text) {
  unsigned counts[256] = {};
  for (unsigned char c : text)
    ++counts[c];
  double bits = 0;
  for (unsigned count : counts) {
    if (!count)
      continue;
    double p = double(count) / text.size();
    bits -= p * std::log2(p);
  }
  return bits;
}

// Names that say their value is a credential: *_KEY, *TOKEN, *SECRET,
// *PASSWORD, *PASSWD, *_PWD, APIKEY (case-insensitive).
bool secretName(llvm::StringRef name) {
  for (llvm::StringRef word : {"TOKEN", "SECRET", "PASSWORD", "PASSWD", "_KEY", "_PWD"})
    if (name.endswith_insensitive(word))
      return true;
  return name.equals_insensitive("APIKEY");
}

// A word optionally followed by digits ("node20", "x64", "ed25519",
// "SHA256", "Debian12"), or a number. Random tokens fail here: their case
// changes inside a piece, or digits come between letters.
bool isOrdinaryPiece(llvm::StringRef piece) {
  llvm::StringRef letters = piece.take_while(llvm::isAlpha);
  if (!llvm::all_of(piece.drop_front(letters.size()), llvm::isDigit))
    return false;
  if (letters.empty())
    return true;
  auto lower = [](char c) { return c >= 'a' && c <= 'z'; };
  auto upper = [](char c) { return c >= 'A' && c <= 'Z'; };
  llvm::StringRef rest = letters.drop_front();
  return llvm::all_of(letters, lower) || llvm::all_of(letters, upper) ||
         (upper(letters.front()) && llvm::all_of(rest, lower));
}

// Ordinary pieces between separators: ids, names, versions and paths
// ("storefront/nightly/storefront-2.14.0.tar.gz").
bool isOrdinaryWords(llvm::StringRef text) {
  for (size_t i = 0; i < text.size();) {
    size_t end = text.find_first_of("-_./:~@ +", i);
    if (end == llvm::StringRef::npos)
      end = text.size();
    if (!isOrdinaryPiece(text.slice(i, end)))
      return false;
    i = end + 1;
  }
  return true;
}

// What people write where a credential will go: a word that says so, or a
// name in angle brackets ("<api-token>").
bool isPlaceholder(llvm::StringRef text) {
  std::string lower = text.lower();
  for (llvm::StringRef word : {"replace", "placeholder", "changeme", "change_me", "change-me",
                               "example", "dummy", "your", "xxx", "todo", "fixme", "sample"})
    if (llvm::StringRef(lower).contains(word))
      return true;
  size_t open = text.find('<');
  if (open == llvm::StringRef::npos)
    return false;
  size_t close = text.find('>', open);
  if (close == llvm::StringRef::npos)
    return false;
  // Not any '<' and '>' of a random password: a name between them.
  llvm::StringRef inside = text.slice(open + 1, close);
  return inside.size() >= 3 && isOrdinaryWords(inside);
}

bool isOrdinary(llvm::StringRef text) { return isPlaceholder(text) || isOrdinaryWords(text); }

// A value that names another (`${NPM_TOKEN}`, `$API_KEY`) for whatever reads
// it to expand. Only that: env values reach a task as they are, never through
// a shell, so a `$` inside a password is just one of its characters.
bool isReference(llvm::StringRef text) {
  if (text.contains("${"))
    return true;
  return text.startswith("$") && text.size() > 1 && llvm::all_of(text.drop_front(), isWordChar);
}

std::optional<Finding> highEntropy(llvm::StringRef text) {
  if (text.size() < kMinEntropyLength || text.find_first_of(" \t\n") != llvm::StringRef::npos)
    return std::nullopt;
  if (text.contains("://") || isReference(text) || isOrdinary(text))
    return std::nullopt;
  if (entropy(text) < kMinEntropyBits)
    return std::nullopt;
  return Finding{"a secret (a long random value)", 0, text.size()};
}

// One pass over the text: a pattern is tried only where its first character is.
std::optional<Finding> findCredential(llvm::StringRef text, llvm::StringRef name) {
  auto isSlackChar = [](char c) { return alnum(c) || c == '-'; };
  auto isPatChar = [](char c) { return isWordChar(c); };
  for (size_t pos = 0; pos < text.size(); ++pos) {
    std::optional<Finding> f;
    switch (text[pos]) {
    case 'A':
      for (const char *prefix : {"AKIA", "ASIA", "AGPA", "AIDA", "AROA", "AIPA", "ANPA", "ANVA"})
        if ((f = prefixedAt(text, pos, prefix, "an AWS access key id", upperDigit, 16, 16)))
          return f;
      if ((f = prefixedAt(text, pos, "AIza", "a Google API key", base64url, 35, 35)))
        return f;
      break;
    case 'g':
      for (const char *prefix : {"ghp_", "gho_", "ghu_", "ghs_", "ghr_"})
        if ((f = prefixedAt(text, pos, prefix, "a GitHub token", alnum, 36, 255)))
          return f;
      if ((f = prefixedAt(text, pos, "github_pat_", "a GitHub token", isPatChar, 22, 255)))
        return f;
      break;
    case 'x':
      for (const char *prefix : {"xoxa-", "xoxb-", "xoxp-", "xoxr-", "xoxs-"})
        if ((f = prefixedAt(text, pos, prefix, "a Slack token", isSlackChar, 10, 255)))
          return f;
      break;
    case 's':
    case 'r':
      for (const char *prefix : {"sk_live_", "rk_live_"})
        if ((f = prefixedAt(text, pos, prefix, "a Stripe live key", alnum, 16, 255)))
          return f;
      break;
    case '-':
      if (text.substr(pos).startswith("-----BEGIN ")) {
        size_t end = text.find("-----", pos + 11);
        if (end != llvm::StringRef::npos && text.slice(pos, end).endswith("PRIVATE KEY"))
          return Finding{"a private key", pos, end + 5 - pos};
      }
      break;
    case 'e':
      if ((f = jsonWebTokenAt(text, pos)))
        return f;
      break;
    case ':':
      if (text.substr(pos).startswith("://"))
        if ((f = urlPassword(text)))
          return f;
      break;
    default:
      break;
    }
  }
  if (!name.empty() && secretName(name))
    return highEntropy(text);
  return std::nullopt;
}

class Scanner {
public:
  explicit Scanner(CheckContext &ctx) : ctx_(ctx) {}

  void decl(const ast::Decl *decl) {
    switch (decl->kind()) {
    case ast::DeclKind::Param: {
      auto *param = llvm::cast<ast::ParamDecl>(decl);
      expr(param->defaultValue(), param->name().name);
      return;
    }
    case ast::DeclKind::Pipeline:
      block(llvm::cast<ast::PipelineDecl>(decl)->body());
      return;
    case ast::DeclKind::Environment:
      block(llvm::cast<ast::EnvironmentDecl>(decl)->body());
      return;
    case ast::DeclKind::Task: {
      auto *task = llvm::cast<ast::TaskDecl>(decl);
      if (task->instance())
        for (const ast::Arg &arg : task->instance()->args)
          expr(arg.value, arg.name.name);
      block(task->body());
      return;
    }
    case ast::DeclKind::Template: {
      auto *tmpl = llvm::cast<ast::TemplateDecl>(decl);
      for (const ast::TemplateParam &param : tmpl->params())
        expr(param.defaultValue, param.name.name);
      block(tmpl->body());
      return;
    }
    case ast::DeclKind::For: {
      auto *loop = llvm::cast<ast::ForDecl>(decl);
      expr(loop->iterable(), loop->var().name);
      for (const ast::Decl *inner : loop->body())
        this->decl(inner);
      return;
    }
    case ast::DeclKind::Secret:
    case ast::DeclKind::Import:
      return;
    }
  }

private:
  void block(const ast::Block *b) {
    if (!b)
      return;
    for (const ast::Item &item : b->items) {
      if (item.kind == ast::ItemKind::Field)
        expr(item.value, item.name.name);
      else
        block(item.block);
    }
  }

  void expr(const ast::Expr *e, llvm::StringRef name) {
    if (!e)
      return;
    switch (e->kind()) {
    case ast::ExprKind::String:
      for (const ast::StringPart &part : llvm::cast<ast::StringExpr>(e)->parts()) {
        if (part.expr)
          expr(part.expr, {});
        else
          text(part, name);
      }
      return;
    case ast::ExprKind::List:
      for (const ast::Expr *item : llvm::cast<ast::ListExpr>(e)->elements())
        expr(item, name);
      return;
    case ast::ExprKind::Map:
      for (const ast::MapEntry &entry : llvm::cast<ast::MapExpr>(e)->entries())
        expr(entry.value, entry.key.name);
      return;
    case ast::ExprKind::Call:
      for (const ast::Arg &arg : llvm::cast<ast::CallExpr>(e)->args())
        expr(arg.value, arg.name.name);
      return;
    case ast::ExprKind::Binary:
      expr(llvm::cast<ast::BinaryExpr>(e)->lhs(), name);
      expr(llvm::cast<ast::BinaryExpr>(e)->rhs(), name);
      return;
    case ast::ExprKind::Conditional: {
      auto *c = llvm::cast<ast::ConditionalExpr>(e);
      expr(c->then(), name);
      expr(c->otherwise(), name);
      return;
    }
    default:
      return;
    }
  }

  void text(const ast::StringPart &part, llvm::StringRef name) {
    std::optional<Finding> found = findCredential(part.text, name);
    if (!found)
      return;
    llvm::StringRef credential = part.text.substr(found->offset, found->length);
    llvm::StringRef shown = preview(credential);
    std::string what = name.empty() ? "this string" : "the value of '" + name.str() + "'";
    // Point at the credential itself when the source spells the text as is;
    // otherwise (escapes) at the whole string, all of it hidden.
    llvm::SMRange at = part.range;
    llvm::SMRange hidden = part.range;
    llvm::StringRef source(part.range.Start.getPointer(),
                           part.range.End.getPointer() - part.range.Start.getPointer());
    if (size_t offset = source.find(credential); offset != llvm::StringRef::npos) {
      const char *start = source.data() + offset;
      at = {llvm::SMLoc::getFromPointer(start),
            llvm::SMLoc::getFromPointer(start + credential.size())};
      hidden = {llvm::SMLoc::getFromPointer(start + shown.size()), at.End};
    }
    // The text report prints the source line: there, too, only the preview.
    ctx_.diags.report(DiagKind::HardcodedSecret, at, what, found->kind, shown).redact(hidden);
  }

  CheckContext &ctx_;
};

} // namespace

void checkHardcodedSecrets(CheckContext &ctx) {
  Scanner scanner(ctx);
  for (const ast::File *file : ctx.files)
    for (const ast::Decl *decl : file->decls)
      scanner.decl(decl);
}

} // namespace wfc::checks

// hardcoded-secret: credentials written into the source.
//
// Known formats are matched by their fixed prefixes and character classes
// (AWS key ids, GitHub, Slack, Stripe and Google keys, private key blocks,
// JSON web tokens, passwords in URLs), unless what matched is a placeholder
// (AWS's documented AKIAIOSFODNN7EXAMPLE). Other values count only when they
// are assigned to a name that says "secret" (…_KEY, …_TOKEN, …_SECRET,
// PASSWORD) and look random: at least 16 characters, no spaces, not ordinary,
// and a Shannon entropy of at least 3.5 bits a character — the threshold
// gitleaks uses for generic keys. Entropy alone cannot tell
// "npm-linux-x64-node20" or a SHA-1 from a token, so ordinary values are set
// aside first: placeholders ("REPLACE_ME", "<your-token>"), values made of
// words, numbers and separators ("storefront-db-credentials",
// "~/.ssh/deploy_ed25519"), timestamps, and digests and ids (hex of a
// hash's length, "sha256:…", UUIDs) unless the name says outright that it
// holds a secret (…SECRET…, …PASSWORD…, …API_KEY…): "key" and "token" alone
// also name cache keys and fingerprints. Random tokens mix cases and digits
// inside their pieces.
// Whatever is found stays out of every report, reported or not: no output
// shows more than its first four characters.
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

// A password in the user info of the URL whose "://" is at `pos`.
std::optional<Finding> urlPasswordAt(llvm::StringRef text, size_t pos) {
  size_t start = pos + 3;
  size_t end = text.find_first_of("/?# \t\n", start);
  llvm::StringRef authority = text.slice(start, end);
  size_t at = authority.rfind('@');
  if (at == llvm::StringRef::npos)
    return std::nullopt;
  llvm::StringRef userinfo = authority.take_front(at);
  size_t colon = userinfo.find(':');
  if (colon == llvm::StringRef::npos)
    return std::nullopt;
  llvm::StringRef password = userinfo.substr(colon + 1);
  // `$TOKEN` is read from the environment by the shell: not hardcoded.
  if (password.empty() || password.startswith("$"))
    return std::nullopt;
  return Finding{"a password in a URL", start + colon + 1, password.size()};
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

// Of those, the names that say so outright. "Key" and "token" alone also
// name cache keys, object keys, key fingerprints and commit ids: digests.
bool certainlySecretName(llvm::StringRef name) {
  for (llvm::StringRef word : {"SECRET", "PASSW", "_PWD", "API_KEY", "APIKEY", "PRIVATE_KEY",
                               "MASTER_KEY", "ENCRYPTION_KEY"})
    if (name.contains_insensitive(word))
      return true;
  return false;
}

constexpr llvm::StringLiteral kSeparators = "-_./:~@ +";

bool isSeparator(char c) { return kSeparators.contains(c); }

// Whether `text` at `pos` has the shape `shape`: 'd' a digit, 'h' a hex
// digit, anything else itself.
bool hasShape(llvm::StringRef text, size_t pos, llvm::StringRef shape) {
  if (pos > text.size() || text.size() - pos < shape.size())
    return false;
  for (size_t i = 0; i < shape.size(); ++i) {
    char c = text[pos + i];
    bool ok = shape[i] == 'd'   ? llvm::isDigit(c)
              : shape[i] == 'h' ? llvm::isHexDigit(c)
                                : c == shape[i];
    if (!ok)
      return false;
  }
  return true;
}

// Hex letters all of one case, as digests and ids are printed.
bool oneCase(llvm::StringRef hex) {
  return llvm::none_of(hex, [](char c) { return c >= 'a' && c <= 'f'; }) ||
         llvm::none_of(hex, [](char c) { return c >= 'A' && c <= 'F'; });
}

// An ISO 8601 date or date and time at `pos` ("2024-05-01",
// "2024-05-01T12:30:00.5+02:00", "20240501T123000Z"); its length, or 0.
size_t timestampAt(llvm::StringRef text, size_t pos) {
  size_t n;
  if (hasShape(text, pos, "dddd-dd-dd") && !hasShape(text, pos + 10, "Td"))
    return 10;
  if (hasShape(text, pos, "dddd-dd-ddTdd:dd"))
    n = 16 + (hasShape(text, pos + 16, ":dd") ? 3 : 0);
  else if (hasShape(text, pos, "ddddddddTdddd"))
    n = 13 + (hasShape(text, pos + 13, "dd") ? 2 : 0);
  else
    return 0;
  if (hasShape(text, pos + n, ".d"))
    n += 1 + run(text, pos + n + 1, llvm::isDigit);
  if (hasShape(text, pos + n, "Z"))
    return n + 1;
  if (text.size() > pos + n && (text[pos + n] == '+' || text[pos + n] == '-')) {
    if (hasShape(text, pos + n + 1, "dd:dd"))
      return n + 6;
    if (hasShape(text, pos + n + 1, "dddd"))
      return n + 5;
  }
  return n;
}

// A digest or an id at `pos`: hex of the length of an MD5, SHA-1, SHA-2 or
// SHA-3 hash (optionally 0x…), a UUID, or an algorithm's name and a digest
// ("sha256:e3b0…", SSH's "SHA256:nThb…" in base64, "sha512-…" in SRI);
// its length, or 0.
size_t digestAt(llvm::StringRef text, size_t pos) {
  size_t hexAt = text.substr(pos).startswith_insensitive("0x") ? pos + 2 : pos;
  size_t hex = run(text, hexAt, llvm::isHexDigit);
  constexpr size_t kHashLengths[] = {32, 40, 56, 64, 96, 128};
  if (llvm::is_contained(kHashLengths, hex) && oneCase(text.substr(hexAt, hex)))
    return hexAt - pos + hex;
  if (hasShape(text, pos, "hhhhhhhh-hhhh-hhhh-hhhh-hhhhhhhhhhhh") && oneCase(text.substr(pos, 36)))
    return 36;
  for (llvm::StringRef algorithm : {"md5", "sha1", "sha224", "sha256", "sha384", "sha512"}) {
    llvm::StringRef rest = text.substr(pos);
    if (!rest.startswith_insensitive(algorithm) || rest.size() == algorithm.size() ||
        (rest[algorithm.size()] != ':' && rest[algorithm.size()] != '-'))
      continue;
    size_t bodyAt = pos + algorithm.size() + 1;
    // Base64 and hex, and MD5 fingerprints' "12:f8:7e:…".
    size_t body = run(text, bodyAt, [](char c) {
      return llvm::isAlnum(c) || llvm::StringRef("+/=_-:").contains(c);
    });
    if (body >= 16)
      return bodyAt - pos + body;
  }
  return 0;
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

// Where the ordinary piece at `pos` ends: a timestamp or (with `digests`) a
// digest, which may span separators, or a word or a number up to the next
// separator. npos when the piece is not ordinary.
size_t ordinaryPieceEnd(llvm::StringRef text, size_t pos, bool digests) {
  auto endsAtSeparator = [&](size_t n) {
    return n && (pos + n == text.size() || isSeparator(text[pos + n]));
  };
  if (size_t n = timestampAt(text, pos); endsAtSeparator(n))
    return pos + n;
  if (size_t n = digests ? digestAt(text, pos) : 0; endsAtSeparator(n))
    return pos + n;
  size_t end = std::min(text.find_first_of(kSeparators, pos), text.size());
  return isOrdinaryPiece(text.slice(pos, end)) ? end : llvm::StringRef::npos;
}

// Ordinary pieces between separators: ids, names, versions, paths and
// timestamps ("storefront/nightly/storefront-2.14.0.tar.gz",
// "2024-05-01T12:30:00Z-build-1234"), and with `digests`, digests and ids.
bool isOrdinaryWords(llvm::StringRef text, bool digests) {
  for (size_t i = 0; i < text.size();) {
    size_t end = ordinaryPieceEnd(text, i, digests);
    if (end == llvm::StringRef::npos)
      return false;
    i = end + 1;
  }
  return true;
}

// Words that people write where a credential will go.
constexpr llvm::StringLiteral kPlaceholderWords[] = {
    "replace", "placeholder", "changeme", "change_me", "change-me", "example",
    "dummy",   "your",        "todo",     "fixme",     "sample"};

// A name in angle brackets ("<api-token>"), not any '<' and '>' of a random
// password.
bool hasBracketedName(llvm::StringRef text) {
  size_t open = text.find('<');
  if (open == llvm::StringRef::npos)
    return false;
  size_t close = text.find('>', open);
  if (close == llvm::StringRef::npos)
    return false;
  llvm::StringRef inside = text.slice(open + 1, close);
  return inside.size() >= 3 && isOrdinaryWords(inside, /*digests=*/false);
}

// What people write where a credential will go: a word that says so, "xxx",
// or a name in angle brackets ("<api-token>").
bool isPlaceholder(llvm::StringRef text) {
  std::string lower = text.lower();
  for (llvm::StringRef word : kPlaceholderWords)
    if (llvm::StringRef(lower).contains(word))
      return true;
  return llvm::StringRef(lower).contains("xxx") || hasBracketedName(text);
}

// A known format filled in with a placeholder: AWS's documented
// AKIAIOSFODNN7EXAMPLE, "xoxb-YOUR-TOKEN", "ghp_xxxx…", "AKIA000000…". The
// words count only as people write them (example, EXAMPLE, Example), and a
// character only repeated six times: any letters in any case turn up inside
// one random key in a few hundred; these, in one in millions.
bool isPlaceholderCredential(llvm::StringRef credential) {
  for (llvm::StringRef word : kPlaceholderWords) {
    std::string capitalised = word.str();
    capitalised[0] = llvm::toUpper(capitalised[0]);
    if (credential.contains(word) || credential.contains(word.upper()) ||
        credential.contains(capitalised))
      return true;
  }
  if (hasBracketedName(credential))
    return true;
  for (size_t i = 0; i < credential.size();) {
    size_t n = run(credential, i, [&](char c) { return c == credential[i]; });
    if (n >= 6 && llvm::isAlnum(credential[i]))
      return true;
    i += n;
  }
  return false;
}

// A value that names another (`${NPM_TOKEN}`, `$API_KEY`) for whatever reads
// it to expand. Only that: env values reach a task as they are, never through
// a shell, so a `$` inside a password is just one of its characters.
bool isReference(llvm::StringRef text) {
  if (text.contains("${"))
    return true;
  return text.startswith("$") && text.size() > 1 && llvm::all_of(text.drop_front(), isWordChar);
}

std::optional<Finding> highEntropy(llvm::StringRef text, llvm::StringRef name) {
  if (text.size() < kMinEntropyLength || text.find_first_of(" \t\n") != llvm::StringRef::npos)
    return std::nullopt;
  if (text.contains("://") || isReference(text) || isPlaceholder(text))
    return std::nullopt;
  if (isOrdinaryWords(text, /*digests=*/!certainlySecretName(name)))
    return std::nullopt;
  if (entropy(text) < kMinEntropyBits)
    return std::nullopt;
  return Finding{"a secret (a long random value)", 0, text.size()};
}

// A known format at `pos`: a pattern is tried only where its first character is.
std::optional<Finding> credentialAt(llvm::StringRef text, size_t pos) {
  auto isSlackChar = [](char c) { return alnum(c) || c == '-'; };
  auto isPatChar = [](char c) { return isWordChar(c); };
  std::optional<Finding> f;
  switch (text[pos]) {
  case 'A':
    for (const char *prefix : {"AKIA", "ASIA", "AGPA", "AIDA", "AROA", "AIPA", "ANPA", "ANVA"})
      if ((f = prefixedAt(text, pos, prefix, "an AWS access key id", upperDigit, 16, 16)))
        return f;
    return prefixedAt(text, pos, "AIza", "a Google API key", base64url, 35, 35);
  case 'g':
    for (const char *prefix : {"ghp_", "gho_", "ghu_", "ghs_", "ghr_"})
      if ((f = prefixedAt(text, pos, prefix, "a GitHub token", alnum, 36, 255)))
        return f;
    return prefixedAt(text, pos, "github_pat_", "a GitHub token", isPatChar, 22, 255);
  case 'x':
    for (const char *prefix : {"xoxa-", "xoxb-", "xoxp-", "xoxr-", "xoxs-"})
      if ((f = prefixedAt(text, pos, prefix, "a Slack token", isSlackChar, 10, 255)))
        return f;
    return std::nullopt;
  case 's':
  case 'r':
    for (const char *prefix : {"sk_live_", "rk_live_"})
      if ((f = prefixedAt(text, pos, prefix, "a Stripe live key", alnum, 16, 255)))
        return f;
    return std::nullopt;
  case '-':
    if (text.substr(pos).startswith("-----BEGIN ")) {
      size_t end = text.find("-----", pos + 11);
      if (end != llvm::StringRef::npos && text.slice(pos, end).endswith("PRIVATE KEY"))
        return Finding{"a private key", pos, end + 5 - pos};
    }
    return std::nullopt;
  case 'e':
    return jsonWebTokenAt(text, pos);
  case ':':
    if (text.substr(pos).startswith("://"))
      return urlPasswordAt(text, pos);
    return std::nullopt;
  default:
    return std::nullopt;
  }
}

std::optional<Finding> findCredential(llvm::StringRef text, llvm::StringRef name) {
  for (size_t pos = 0; pos < text.size(); ++pos)
    if (std::optional<Finding> f = credentialAt(text, pos))
      if (!isPlaceholderCredential(text.substr(f->offset, f->length)))
        return f;
  if (!name.empty() && secretName(name))
    return highEntropy(text, name);
  return std::nullopt;
}

// Every string literal in the source, with the name it is the value of.
class Scanner {
public:
  // With `report`, reports what it finds; either way keeps it out of reports.
  Scanner(const llvm::SourceMgr &sm, DiagnosticEngine &diags, bool report)
      : sm_(sm), diags_(diags), report_(report) {}

  void decl(const ast::Decl *decl) {
    switch (decl->kind()) {
    case ast::DeclKind::Param: {
      auto *param = llvm::cast<ast::ParamDecl>(decl);
      type(param->type());
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
      expr(task->nameString(), {});
      if (task->instance())
        for (const ast::Arg &arg : task->instance()->args)
          expr(arg.value, arg.name.name);
      block(task->body());
      return;
    }
    case ast::DeclKind::Template: {
      auto *tmpl = llvm::cast<ast::TemplateDecl>(decl);
      for (const ast::TemplateParam &param : tmpl->params()) {
        type(param.type);
        expr(param.defaultValue, param.name.name);
      }
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
    case ast::DeclKind::Import:
      expr(llvm::cast<ast::ImportDecl>(decl)->path(), {});
      return;
    case ast::DeclKind::Secret:
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

  // `enum("a", "b")`.
  void type(const ast::TypeExpr *t) {
    if (!t)
      return;
    for (const ast::TypeArg &arg : t->args) {
      type(arg.type);
      expr(arg.string, {});
    }
  }

  // Every kind is listed: a new kind that holds strings must be scanned too.
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
      expr(llvm::cast<ast::CallExpr>(e)->callee(), {});
      for (const ast::Arg &arg : llvm::cast<ast::CallExpr>(e)->args())
        expr(arg.value, arg.name.name);
      return;
    case ast::ExprKind::Index:
      // `["ghp_…"][0]` is the value of the field; the index is not.
      expr(llvm::cast<ast::IndexExpr>(e)->base(), name);
      expr(llvm::cast<ast::IndexExpr>(e)->index(), {});
      return;
    case ast::ExprKind::Member:
      expr(llvm::cast<ast::MemberExpr>(e)->base(), {});
      return;
    case ast::ExprKind::Unary:
      expr(llvm::cast<ast::UnaryExpr>(e)->operand(), name);
      return;
    case ast::ExprKind::Binary:
      expr(llvm::cast<ast::BinaryExpr>(e)->lhs(), name);
      expr(llvm::cast<ast::BinaryExpr>(e)->rhs(), name);
      return;
    case ast::ExprKind::Conditional: {
      auto *c = llvm::cast<ast::ConditionalExpr>(e);
      expr(c->cond(), {});
      expr(c->then(), name);
      expr(c->otherwise(), name);
      return;
    }
    case ast::ExprKind::Int:
    case ast::ExprKind::Float:
    case ast::ExprKind::Bool:
    case ast::ExprKind::Duration:
    case ast::ExprKind::Size:
    case ast::ExprKind::Name:
    case ast::ExprKind::Error:
      return;
    }
  }

  void text(const ast::StringPart &part, llvm::StringRef name) {
    std::optional<Finding> found = findCredential(part.text, name);
    if (!found)
      return;
    llvm::StringRef credential = part.text.substr(found->offset, found->length);
    llvm::StringRef shown = preview(credential);
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
    // Before reporting, and whether or not the finding is reported (the rule
    // may be off, or the finding suppressed): other diagnostics on the line
    // print it too, and messages may quote it.
    diags_.redact(sm_, hidden, credential, shown);
    if (!report_)
      return;
    std::string what = name.empty() ? "this string" : "the value of '" + name.str() + "'";
    diags_.report(DiagKind::HardcodedSecret, at, what, found->kind, shown);
  }

  const llvm::SourceMgr &sm_;
  DiagnosticEngine &diags_;
  bool report_;
};

} // namespace

void checkHardcodedSecrets(CheckContext &ctx) {
  Scanner scanner(ctx.sm, ctx.diags, /*report=*/true);
  for (const ast::File *file : ctx.files)
    for (const ast::Decl *decl : file->decls)
      scanner.decl(decl);
}

void redactHardcodedSecrets(const llvm::SourceMgr &sm, llvm::ArrayRef<const ast::File *> files,
                            DiagnosticEngine &diags) {
  Scanner scanner(sm, diags, /*report=*/false);
  for (const ast::File *file : files)
    for (const ast::Decl *decl : file->decls)
      scanner.decl(decl);
}

} // namespace wfc::checks

// What rules cannot say with a regex: credential names, placeholders,
// ordinary words, digests and ids, and randomness.
//
// A value counts as a random credential only when it is assigned to a name
// that says "secret" (…_KEY, …_TOKEN, …_SECRET, PASSWORD) and looks random: at
// least 16 characters, no spaces, not ordinary, and a Shannon entropy of
// more than 3.5 bits a character — the threshold gitleaks uses for generic keys.
// Entropy alone cannot tell "npm-linux-x64-node20" or a SHA-1 from a token,
// so ordinary values are set aside first: placeholders ("REPLACE_ME",
// "<your-token>"), values made of words, numbers and separators
// ("storefront-db-credentials", "~/.ssh/deploy_ed25519"), timestamps, and
// digests and ids (hex of a hash's length, "sha256:…", UUIDs) unless the name
// says outright that it holds a secret (…SECRET…, …PASSWORD…, …API_KEY…):
// "key" and "token" alone also name cache keys and fingerprints. Random
// tokens mix cases and digits inside their pieces.
#include "compiler/secrets/Heuristics.h"

#include "compiler/secrets/SecretRules.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace wfc::secrets {
namespace {

constexpr size_t kMinEntropyLength = 16;
constexpr double kMinEntropyBits = 3.5;

bool isWordChar(char c) { return llvm::isAlnum(c) || c == '_'; }

// Length of the run at `pos` of characters accepted by `ok`.
template <typename Pred> size_t run(llvm::StringRef text, size_t pos, Pred ok) {
  size_t n = 0;
  while (pos + n < text.size() && ok(text[pos + n]))
    ++n;
  return n;
}

// Of those, the names that say so outright. "Key" and "token" alone also
// name cache keys, object keys, key fingerprints and commit ids: digests.
// An API, access or auth token is one whatever its shape: many providers'
// tokens are UUIDs or hex (Heroku, Snyk), and nothing else is called that.
// Names are compared with '-' and '.' read as '_' ("api-key", "api.token").
bool certainlySecretName(llvm::StringRef name) {
  std::string normal = name.str();
  std::replace_if(normal.begin(), normal.end(), [](char c) { return c == '-' || c == '.'; }, '_');
  for (llvm::StringRef word :
       {"SECRET", "PASSW", "_PWD", "API_KEY", "APIKEY", "PRIVATE_KEY", "MASTER_KEY",
        "ENCRYPTION_KEY", "CREDENTIAL", "CREDS", "API_TOKEN", "APITOKEN", "ACCESS_TOKEN",
        "AUTH_TOKEN"})
    if (llvm::StringRef(normal).contains_insensitive(word))
      return true;
  return false;
}

// What separates the pieces of ordinary text: punctuation of paths, names,
// versions and code ("struct_X509_pubkey_st;", "require('x').y").
constexpr llvm::StringLiteral kSeparators = "-_./:~@ +;,()[]{}<>'\"%#!=*&|?^";

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

bool isVowel(char c) { return llvm::StringRef("aeiouyAEIOUY").contains(c); }
bool isConsonant(char c) { return llvm::isAlpha(c) && !isVowel(c); }

// Words run together make a long chunk ("buildcachemirror",
// "imagepullsecretstore" in hostnames and bucket names): a vowel in every three
// letters or more, as words have, where random letters have one in five (the
// caller also refuses four consonants in a row).
bool readsAsWordsRunTogether(llvm::StringRef chunk) {
  return size_t(llvm::count_if(chunk, isVowel)) * 3 >= chunk.size();
}

// Identifiers in camelCase or PascalCase ("ultraPictureBox1", "Key128Bit",
// "APIOrganizationExist"): words of 2 to 16 letters without four consonants
// in a row, at most one without a vowel (an acronym such as "Pdf"), and at
// most two numbers. A random token has one-letter chunks, consonant runs or
// many numbers between its letters.
bool isCamelCaseWords(llvm::StringRef piece) {
  auto lower = [](char c) { return c >= 'a' && c <= 'z'; };
  auto upper = [](char c) { return c >= 'A' && c <= 'Z'; };
  unsigned withoutVowel = 0, numbers = 0;
  for (size_t i = 0; i < piece.size();) {
    if (llvm::isDigit(piece[i])) {
      i += run(piece, i, llvm::isDigit);
      ++numbers;
      continue;
    }
    if (!llvm::isAlpha(piece[i]))
      return false;
    size_t caps = run(piece, i, upper);
    size_t n = caps > 1 && i + caps < piece.size() && lower(piece[i + caps])
                   ? caps - 1 // "APIOrganization": "API", then "Organization"
                   : caps + run(piece, i + caps, lower);
    llvm::StringRef chunk = piece.substr(i, n);
    if (chunk.size() < 2 || (chunk.size() > 16 && !readsAsWordsRunTogether(chunk)))
      return false;
    for (size_t at = 0; at < chunk.size(); ++at)
      if (run(chunk, at, isConsonant) >= 4)
        return false;
    withoutVowel += llvm::none_of(chunk, isVowel);
    i += n;
  }
  return withoutVowel <= 1 && numbers <= 2;
}

// A word optionally followed by digits ("node20", "x64", "ed25519",
// "SHA256", "Debian12"), a number, or words in camelCase. Random tokens fail
// here: their case changes inside a piece, or digits come between letters.
bool isOrdinaryPiece(llvm::StringRef piece) {
  llvm::StringRef letters = piece.take_while(llvm::isAlpha);
  if (!llvm::all_of(piece.drop_front(letters.size()), llvm::isDigit))
    return isCamelCaseWords(piece);
  if (letters.empty())
    return true;
  auto lower = [](char c) { return c >= 'a' && c <= 'z'; };
  auto upper = [](char c) { return c >= 'A' && c <= 'Z'; };
  llvm::StringRef rest = letters.drop_front();
  return llvm::all_of(letters, lower) || llvm::all_of(letters, upper) ||
         (upper(letters.front()) && llvm::all_of(rest, lower)) || isCamelCaseWords(piece);
}

// Where the ordinary piece at `pos` ends: a timestamp or (with `digests`) a
// digest, which may span separators, or a word or a number up to the next
// separator. npos when the piece is not ordinary.
size_t ordinaryPieceEnd(llvm::StringRef text, size_t pos, bool digests, bool shortHashes) {
  auto endsAtSeparator = [&](size_t n) {
    return n && (pos + n == text.size() || isSeparator(text[pos + n]));
  };
  if (size_t n = timestampAt(text, pos); endsAtSeparator(n))
    return pos + n;
  if (size_t n = digests ? digestAt(text, pos) : 0; endsAtSeparator(n))
    return pos + n;
  // A hash cut short beside words ("npm-linux-x64-3f78a6b2c1d0e9f8").
  if (size_t n = run(text, pos, llvm::isHexDigit);
      shortHashes && n >= 7 && endsAtSeparator(n) && oneCase(text.substr(pos, n)))
    return pos + n;
  size_t end = std::min(text.find_first_of(kSeparators, pos), text.size());
  return isOrdinaryPiece(text.slice(pos, end)) ? end : llvm::StringRef::npos;
}

// Whether a piece between separators is a word of three letters or more.
bool hasWordPiece(llvm::StringRef text) {
  llvm::SmallVector<llvm::StringRef, 8> pieces;
  text.split(pieces, '-');
  for (llvm::StringRef piece : pieces)
    for (llvm::StringRef part : llvm::split(piece, '_'))
      if (part.size() >= 3 && llvm::all_of(part, [](char c) { return c >= 'a' && c <= 'z'; }))
        return true;
  return false;
}

// Ordinary pieces between separators: ids, names, versions, paths and
// timestamps ("storefront/nightly/storefront-2.14.0.tar.gz",
// "2024-05-01T12:30:00Z-build-1234"), and with `digests`, digests and ids.
bool isOrdinaryWords(llvm::StringRef text, bool digests) {
  bool shortHashes = digests && hasWordPiece(text);
  for (size_t i = 0; i < text.size();) {
    size_t end = ordinaryPieceEnd(text, i, digests, shortHashes);
    if (end == llvm::StringRef::npos)
      return false;
    i = end + 1;
  }
  return true;
}

// Code and markup with a piece or two that is not a word
// (".sidebar.visible.right~.content{transform:rotate3d(1,0,0)}"): four
// words of three letters or more between punctuation, and the pieces that are
// not ordinary a fifth of the letters and digits at most. Random tokens with
// punctuation in them (base64's '+' and '/', passwords) have one such word by
// chance, not four, and their pieces are not ordinary.
bool isMostlyWords(llvm::StringRef text) {
  size_t words = 0, characters = 0, other = 0;
  for (size_t i = 0; i <= text.size();) {
    size_t end = std::min(text.find_first_of(kSeparators, i), text.size());
    llvm::StringRef piece = text.slice(i, end);
    characters += piece.size();
    if (!isOrdinaryPiece(piece))
      other += piece.size();
    else if (llvm::count_if(piece, llvm::isAlpha) >= 3)
      ++words;
    i = end + 1;
  }
  return words >= 4 && other * 5 <= characters;
}

// Words that people write where a credential will go.
constexpr llvm::StringLiteral kPlaceholderWords[] = {
    "replace", "placeholder", "changeme", "change_me", "change-me", "example",
    "dummy",   "your",        "todo",     "fixme",     "sample",  "redacted"};

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
  // "…" and "..." stand for what was cut out.
  return llvm::StringRef(lower).contains("xxx") || llvm::StringRef(lower).contains("...") ||
         llvm::StringRef(lower).contains("…") || hasBracketedName(text);
}

// A value that names another (`${NPM_TOKEN}`, `$API_KEY`) for whatever reads
// it to expand. Only that: env values reach a task as they are, never through
// a shell, so a `$` inside a password is just one of its characters.
bool isReference(llvm::StringRef text) {
  if (text.contains("${"))
    return true;
  if (text.startswith("$") && text.size() > 1 && llvm::all_of(text.drop_front(), isWordChar))
    return true;
  // "%TestSourcePassword%": a Windows or NuGet variable.
  if (text.size() > 2 && text.startswith("%") && text.endswith("%") &&
      llvm::all_of(text.drop_front().drop_back(), isWordChar))
    return true;
  // "$GITHUB_USERNAME:$GITHUB_PASSWORD": shell variables, named as they are.
  auto upperOrUnderscore = [](char c) { return (c >= 'A' && c <= 'Z') || c == '_'; };
  for (size_t at = text.find('$'); at != llvm::StringRef::npos; at = text.find('$', at + 1))
    if (run(text, at + 1, upperOrUnderscore) >= 3)
      return true;
  return false;
}

// Sample credentials printed in providers' documentation, which are copied
// with the example around them: the two feed passwords of NuGet's nuget.config
// reference ("When using unencrypted passwords").
constexpr llvm::StringLiteral kDocumentedSamples[] = {"33f!!lloppa", "hal+9ooo_da!sY"};

// How many characters stand in runs of three or more that count up by one
// ("123", "abc", "ABCD", "klmnop"): what people type for a value that should
// look random ("abc123def456", "12345678-ABCD-ABCD-ABCD-1234567890AB").
// Random text of 62 symbols has such a run at one position in ~3,800, and
// hex at one in ~260: never a third of it.
size_t countingCharacters(llvm::StringRef text) {
  size_t total = 0;
  for (size_t i = 0; i < text.size();) {
    size_t n = 1;
    while (i + n < text.size() && llvm::isAlnum(text[i + n]) && llvm::isAlnum(text[i]) &&
           text[i + n] == text[i + n - 1] + 1)
      ++n;
    if (n >= 3)
      total += n;
    i += n;
  }
  return total;
}

} // namespace

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

// Names of what is not secret, though it is next to a credential:
// "SSH_PUBLIC_KEY", "credentialsId", "csrf-token", "dev.credentials.url".
bool namesSomethingElse(llvm::StringRef name) {
  for (llvm::StringRef word : {"PUBLIC", "CSRF", "XSRF", "PRIMARYKEY", "FOREIGNKEY"})
    if (name.contains_insensitive(word))
      return true;
  for (llvm::StringRef end : {"ID", "_IDS", "URL", "URI", "NAME", "PATH", "FILE", "TYPE", "HASH"})
    if (name.endswith_insensitive(end))
      return true;
  return false;
}

bool isCredentialName(llvm::StringRef name) {
  if (namesSomethingElse(name))
    return false;
  for (llvm::StringRef word : {"TOKEN", "SECRET", "PASSWORD", "PASSWD", "_KEY", "-KEY", ".KEY",
                               "_PWD", "CREDENTIAL", "CREDENTIALS", "CREDS"})
    if (name.endswith_insensitive(word))
      return true;
  return name.equals_insensitive("APIKEY");
}

// A known format filled in with a placeholder: AWS's documented
// AKIAIOSFODNN7EXAMPLE, "xoxb-YOUR-TOKEN", "ghp_xxxx…", "AKIA000000…". The
// words count only as people write them (example, EXAMPLE, Example), and a
// character only repeated six times: any letters in any case turn up inside
// one random key in a few hundred; these, in one in millions.
bool isPlaceholderCredential(llvm::StringRef credential) {
  if (llvm::is_contained(kDocumentedSamples, credential))
    return true;
  // Each word as written in lower case, in upper case and capitalised; made
  // once, as this runs for every candidate.
  static const std::vector<std::string> forms = [] {
    std::vector<std::string> out;
    for (llvm::StringRef word : kPlaceholderWords) {
      std::string capitalised = word.str();
      capitalised[0] = llvm::toUpper(capitalised[0]);
      out.push_back(word.str());
      out.push_back(word.upper());
      out.push_back(std::move(capitalised));
    }
    return out;
  }();
  for (const std::string &form : forms)
    if (credential.contains(form))
      return true;
  if (hasBracketedName(credential))
    return true;
  // A run long enough to be what fills the token, not the zero bytes that
  // base64 spells "AAAAAAAA" inside a real one.
  for (size_t i = 0; i < credential.size();) {
    size_t n = run(credential, i, [&](char c) { return c == credential[i]; });
    if (n >= 6 && n * 3 >= credential.size() && llvm::isAlnum(credential[i]))
      return true;
    i += n;
  }
  return false;
}

bool isRandomValue(llvm::StringRef text, llvm::StringRef name) {
  if (text.size() < kMinEntropyLength || text.find_first_of(" \t\n") != llvm::StringRef::npos)
    return false;
  if (text.contains("://") || isReference(text) || isPlaceholder(text))
    return false;
  // Shannon entropy counts distinct characters, and typed runs have many.
  if (countingCharacters(text) * 3 >= text.size())
    return false;
  // Hex digits in both cases: hex is printed in one case, and a random token
  // of 62 symbols is all hex digits once in 10^7 at 16 characters. What is
  // left is made up, or an address with a checksum in its case (EIP-55,
  // written after "0x").
  llvm::StringRef digits = text.startswith("0x") ? text.drop_front(2) : text;
  if (llvm::all_of(digits, llvm::isHexDigit) && !oneCase(digits))
    return false;
  // Paths, and a format whose own rule did not take it (a truncated or
  // sample token: "AIzaSy" followed by the wrong length).
  for (llvm::StringRef path : {"/", "./", "../", "~/"})
    if (text.startswith(path))
      return false;
  if (startsLikeKnownToken(text))
    return false;
  // A line of configuration ("primaryKey=…", "\"accessor\":\"…\""), not a
  // value: its own name decides, when the rules read inside it. Its name is
  // words: base64 has '=' inside it too ("tkwtDDbxHKas1VOq=Zn9…").
  size_t key = run(text, 0, [](char c) { return isWordChar(c) || c == '.' || c == '-'; });
  if (text.contains('"') ||
      (key >= 2 && key < text.size() && text[key] == '=' && llvm::isAlpha(text.front()) &&
       isOrdinaryWords(text.take_front(key), /*digests=*/false)))
    return false;
  // More bits than the threshold, as gitleaks counts them; then the costlier
  // tests.
  if (entropy(text) <= kMinEntropyBits)
    return false;
  return !isOrdinaryWords(text, /*digests=*/!certainlySecretName(name)) &&
         !isMostlyWords(text) && !isPlaceholderCredential(text);
}

bool isOrdinaryText(llvm::StringRef text) {
  // Hex and digits alone are a shape ("cafebabe", "6190042667528047"): the
  // rule's own pattern says whether it is the secret.
  if (llvm::none_of(text, [](char c) { return llvm::isAlpha(c) && !llvm::isHexDigit(c); }))
    return false;
  return isOrdinaryWords(text, /*digests=*/false);
}

bool mentionsCredential(llvm::StringRef name) {
  if (isCredentialName(name))
    return true;
  if (namesSomethingElse(name))
    return false;
  for (llvm::StringRef word : {"SECRET", "PASSW", "TOKEN", "CREDENTIAL", "CREDS", "APIKEY",
                               "API_KEY", "PRIVATE_KEY", "PRIVATE-KEY", "ACCESS_KEY"})
    if (name.contains_insensitive(word))
      return true;
  return name.endswith_insensitive("AUTH");
}

bool isUrlPassword(llvm::StringRef password) {
  // "[PASSWORD]", "<password>" and "{db_pass}" are blanks to fill in; random
  // text in brackets ("{ZqL5kVrX1n8tA2}", as some docs quote a value) is the
  // password, and an unclosed bracket is not a password either.
  if (!password.empty() && llvm::StringRef("[<{").contains(password.front())) {
    char close = password.front() == '[' ? ']' : password.front() == '<' ? '>' : '}';
    if (password.size() < 3 || password.back() != close)
      return false;
    password = password.drop_front().drop_back();
    if (isOrdinaryWords(password, /*digests=*/false))
      return false;
  }
  // `$TOKEN` is read from the environment by the shell: not hardcoded.
  return !password.empty() && !password.startswith("$") && !isPlaceholder(password) &&
         !isPlaceholderCredential(password) && !isReference(password);
}

} // namespace wfc::secrets

// Validators: private key bodies, JSON web token headers, URL passwords and
// random values under credential names.
#include "compiler/secrets/Validators.h"

#include "compiler/secrets/Heuristics.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

#include <optional>
#include <string>

namespace wfc::secrets {
namespace {

constexpr size_t kMinKeyBody = 40;

bool isBase64Char(char c) { return llvm::isAlnum(c) || c == '+' || c == '/' || c == '='; }

// A key block's body is key material: base64 lines (and armor headers such
// as "Proc-Type: 4,ENCRYPTED" or "Version: GnuPG"), at least 40 characters of
// it, random, and no "...", "<your key>" or "xxxx" standing in for it.
bool isKeyMaterial(llvm::StringRef block) {
  size_t headerEnd = block.find("-----", 11);
  if (headerEnd == llvm::StringRef::npos)
    return false;
  llvm::StringRef body = block.drop_front(headerEnd + 5);
  body = body.take_front(body.find("-----END"));
  // Keys inside JSON carry their line breaks as the two characters \n.
  std::string text = body.str();
  for (size_t at = text.find('\\'); at != std::string::npos; at = text.find('\\', at + 1))
    if (at + 1 < text.size() && (text[at + 1] == 'n' || text[at + 1] == 'r'))
      text[at] = text[at + 1] = ' ';
  std::string material;
  llvm::SmallVector<llvm::StringRef, 32> lines;
  llvm::StringRef(text).split(lines, '\n');
  for (llvm::StringRef line : lines) {
    line = line.trim();
    if (line.empty() || line.contains(": "))
      continue;
    for (char c : line) {
      if (c == ' ' || c == '\t' || c == '\r')
        continue;
      if (!isBase64Char(c))
        return false;
      material += c;
    }
  }
  return material.size() >= kMinKeyBody && !isPlaceholderCredential(material) &&
         entropy(material) > 3.5;
}

std::optional<std::string> decodeBase64(llvm::StringRef text) {
  std::string out;
  unsigned bits = 0, value = 0;
  for (char c : text) {
    int v = (c >= 'A' && c <= 'Z')   ? c - 'A'
            : (c >= 'a' && c <= 'z') ? c - 'a' + 26
            : llvm::isDigit(c) ? c - '0' + 52
            : (c == '+' || c == '-') ? 62
            : (c == '/' || c == '_') ? 63
                                     : -1;
    if (c == '=')
      break;
    if (v < 0)
      return std::nullopt;
    value = (value << 6) | unsigned(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += char((value >> bits) & 0xFF);
    }
  }
  return out;
}

// A token whose header is JSON that names an algorithm; one without a
// signature only if that algorithm is "none" (an unsigned token anyone can
// forge, and still a credential where a server accepts it).
bool isJsonWebToken(llvm::StringRef token) {
  if (token.startswith("ZXlK")) {
    std::optional<std::string> inner = decodeBase64(token.take_while(isBase64Char));
    return inner && isJsonWebToken(llvm::StringRef(*inner).trim());
  }
  llvm::SmallVector<llvm::StringRef, 3> parts;
  token.split(parts, '.');
  if (parts.size() < 2)
    return false;
  std::optional<std::string> header = decodeBase64(parts[0]);
  if (!header || !llvm::StringRef(*header).ltrim().startswith("{"))
    return false;
  llvm::StringRef h(*header);
  if (!h.contains("\"alg\"") && !h.contains("\"typ\"") && !h.contains("\"kid\""))
    return false;
  bool signed_ = parts.size() == 3 && !parts[2].empty();
  return signed_ || h.contains_insensitive("\"none\"");
}

constexpr llvm::StringLiteral kThrowawayPasswords[] = {
    "test", "testing", "tests", "tester", "postgres", "mysql", "root", "guest", "dev", "ci"};

// The word "password" itself, perhaps with digits after it ("password",
// "Password1"): what a throwaway service or keychain is given in CI, a value
// that says no more than its name.
bool isPasswordWord(llvm::StringRef password) {
  llvm::StringRef word = password.rtrim("0123456789");
  return word.equals_insensitive("password") || word.equals_insensitive("passwd");
}

// The databases and brokers that CI runs as services beside a job.
bool isServiceScheme(llvm::StringRef scheme) {
  for (llvm::StringRef s : {"postgres", "postgresql", "mysql", "mariadb", "redis", "rediss",
                            "amqp", "mongodb", "mssql", "sqlserver"})
    if (scheme.equals_insensitive(s))
      return true;
  return false;
}

bool isLocalOrServiceHost(llvm::StringRef host) {
  if (host.startswith("[")) // [::1]:5432
    return host.startswith("[::1]");
  host = host.take_until([](char c) { return c == ':' || c == '/'; });
  return host == "localhost" || host.startswith("127.") || host == "0.0.0.0" ||
         (!host.empty() && !host.contains('.'));
}

} // namespace

// "username:password", "user:token": the form of a login, not one.
bool isPlaceholderLogin(llvm::StringRef match, llvm::StringRef secret) {
  llvm::StringRef before = match.take_front(secret.data() - match.data());
  before = before.rtrim("'\":");
  size_t start = before.find_last_of(" \t\n'\"/=");
  llvm::StringRef user = start == llvm::StringRef::npos ? before : before.drop_front(start + 1);
  // "<user:password>", "[user]:[password]": the same form, in brackets.
  user = user.ltrim("<[{").rtrim(">]}");
  for (llvm::StringRef word : {"user", "username", "usr", "login", "name"})
    if (user.equals_insensitive(word))
      return true;
  return false;
}

bool isThrowawayServiceLogin(llvm::StringRef url) {
  size_t scheme = url.find("://");
  if (scheme == llvm::StringRef::npos)
    return false;
  llvm::StringRef rest = url.drop_front(scheme + 3);
  size_t at = rest.rfind('@');
  if (at == llvm::StringRef::npos)
    return false;
  llvm::StringRef user = rest.take_front(at).take_until([](char c) { return c == ':'; });
  llvm::StringRef password = rest.take_front(at).drop_front(user.size() + 1);
  llvm::StringRef host = rest.drop_front(at + 1);
  llvm::StringRef schemeName = url.take_front(scheme);
  schemeName = schemeName.drop_front(schemeName.find_last_of(" \t\"'=") + 1);
  bool throwaway = password == user || llvm::is_contained(kThrowawayPasswords, password) ||
                   (isServiceScheme(schemeName) && isPasswordWord(password));
  return throwaway && isLocalOrServiceHost(host);
}

bool validate(Validator validator, llvm::StringRef secret, llvm::StringRef match,
              llvm::StringRef firstGroup) {
  switch (validator) {
  case Validator::None:
    return true;
  case Validator::PrivateKey:
    return isKeyMaterial(secret);
  case Validator::JsonWebToken:
    return isJsonWebToken(secret);
  case Validator::UrlPassword:
    return isUrlPassword(secret) && !isThrowawayServiceLogin(match) &&
           !isPlaceholderLogin(match, secret);
  case Validator::KeyAsUser:
    return isUrlPassword(secret) && !isOrdinaryText(secret);
  case Validator::Password:
    return isUrlPassword(secret) && !llvm::is_contained(kThrowawayPasswords, secret.lower()) &&
           !isPasswordWord(secret);
  case Validator::Generic:
    return mentionsCredential(firstGroup) && isRandomValue(secret, firstGroup);
  }
  return true;
}

} // namespace wfc::secrets

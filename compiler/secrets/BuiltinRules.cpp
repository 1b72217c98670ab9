// The built-in rule set: BuiltinRules.def made into rules, and the Firebase
// SDKs' published sample keys, which are not anyone's credentials.
#include "compiler/secrets/SecretRules.h"

#include "compiler/secrets/Heuristics.h"

#include "llvm/ADT/StringExtras.h"

#include <mutex>

namespace wfc::secrets {
namespace {

// Shapes of token bodies, for BuiltinRules.def.
#define ALNUM "[A-Za-z0-9]"
#define HEX "[a-f0-9]"
#define B64 "[A-Za-z0-9+/]"
#define B64URL "[A-Za-z0-9_-]"
#define UUID_LOWER "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
#define ALNUM_UUID "[A-Za-z0-9]{8}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{12}"
#define UUID_ANY                                                                                  \
  "[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}"

// What may stand before and after a token: anything that cannot continue it.
// After a token: not a file's "….ico-7a38….png". (What may stand before
// one, RuleSet checks: a regex that starts with the token's own prefix is
// found by RE2 far faster than one that starts with a character class.)
constexpr llvm::StringLiteral kTokenAfter = ")(?:$|[^A-Za-z0-9_.]|\\.(?:$|[^A-Za-z0-9_]))";
// After a token that may end in '-' (Telegram's, Discord's): a '-' as well,
// which would carry it on past its length ("…UMFxk-and-more-words").
constexpr llvm::StringLiteral kDashTokenAfter =
    ")(?:$|[^A-Za-z0-9_.-]|\\.(?:$|[^A-Za-z0-9_]))";

// What may follow `pattern`: whether its last characters come from a class
// that holds '-' ("[A-Za-z0-9_-]{34}") decides.
llvm::StringRef tokenAfter(llvm::StringRef pattern) {
  size_t close = pattern.rfind(']');
  if (close == llvm::StringRef::npos || !pattern.take_front(close).endswith("-"))
    return kTokenAfter;
  llvm::StringRef rest = pattern.drop_front(close + 1);
  bool lastIsClass = rest.empty() || rest == "+" || rest == "*" ||
                     (rest.startswith("{") && rest.endswith("}") &&
                      rest.find_first_not_of("{0123456789,}") == llvm::StringRef::npos);
  return lastIsClass ? kDashTokenAfter : kTokenAfter;
}
// Between a name and its value: the rest of the name, a quote, and `=`, `:`,
// `:=`, `=>`, `,`, Make's `?=`, `::=` and `:::=`, or a space (`--heroku-key
// VALUE`), and an opening quote. A second word may follow the name before
// `:` or `=` ("telegram bot: …", "Heroku key = …"), not before a space.
constexpr llvm::StringLiteral kNamedGap =
    "[A-Za-z0-9_.-]{0,40}(?:[ \\t][A-Za-z0-9_.-]{1,20}[\"']?[ \\t]{0,4}[:=>|,?]{1,4}[ \\t]{0,4}|"
    "[\"']?[ \\t]{0,4}(?:[:=>|,?]{1,4}[ \\t]{0,4}|[ \\t]))[\"'`]{0,2}(";

// `name` with each optional separator before a letter ("new[_-]?relic")
// replaced by that letter in upper case ("newRelic").
std::string camelCase(llvm::StringRef name) {
  constexpr llvm::StringLiteral kSeparator = "[_-]?";
  std::string out;
  for (size_t i = 0; i < name.size(); ++i) {
    if (name.substr(i).startswith(kSeparator) && i + kSeparator.size() < name.size() &&
        llvm::isAlpha(name[i + kSeparator.size()])) {
      i += kSeparator.size();
      out += llvm::toUpper(name[i]);
      continue;
    }
    out += name[i];
  }
  return out;
}

// A provider's name as names spell it: "heroku", "Heroku" or "HEROKU" (in
// "HEROKU_API_KEY", "myHerokuToken", "heroku_token"), not any mix of cases,
// which finds "meraki" in "CameraKit" and "okta" in "rookTable".
std::string nameForms(llvm::StringRef name) {
  llvm::SmallVector<llvm::StringRef, 4> alternatives;
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i <= name.size(); ++i) {
    if (i < name.size() && name[i] == '(')
      ++depth;
    else if (i < name.size() && name[i] == ')')
      --depth;
    else if (i == name.size() || (name[i] == '|' && depth == 0)) {
      alternatives.push_back(name.slice(start, i));
      start = i + 1;
    }
  }
  std::string out = "(?:";
  for (llvm::StringRef a : alternatives) {
    std::string capitalised = a.str();
    capitalised[0] = llvm::toUpper(capitalised[0]);
    out += a.lower() + "|" + capitalised + "|" + a.upper() + "|";
    // Words that a separator may join are also run together in camelCase
    // ("newRelicKey", "LinkedInSecret").
    std::string camel = camelCase(a);
    if (camel != a) {
      out += camel + "|";
      camel[0] = llvm::toUpper(camel[0]);
      out += camel + "|";
    }
  }
  out.back() = ')';
  return out;
}

std::vector<std::string> words(llvm::StringRef text) {
  llvm::SmallVector<llvm::StringRef, 8> parts;
  text.split(parts, ' ', -1, /*KeepEmpty=*/false);
  std::vector<std::string> out;
  for (llvm::StringRef part : parts)
    out.push_back(part.lower());
  return out;
}

Rule rule(const char *id, const char *provider, const char *finding, const char *keywords,
          double entropy, std::string regex, int group, Validator validator) {
  Rule r;
  r.id = id;
  r.provider = provider;
  r.finding = finding;
  r.keywords = words(keywords);
  r.entropy = entropy;
  r.regex = std::move(regex);
  r.secretGroup = group;
  r.builtin = true;
  r.validator = validator;
  return r;
}

// Keys that the Firebase SDKs publish in their sources and tests as samples
// (firebase-android-sdk, firebase-js-sdk): reported by every scanner that
// does not know them, and of no use to anyone.
constexpr const char *kFirebaseSampleKeys[] = {
    "AIzaSyabcdefghijklmnopqrstuvwxyz1234567", "AIzaSyAnLA7NfeLquW1tJFpx_eQCxoX-oo6YyIs",
    "AIzaSyCkEhVjf3pduRDt6d1yKOMitrUEke8agEM", "AIzaSyDMAScliyLx7F0NPDEJi1QmyCgHIAODrlU",
    "AIzaSyD3asb-2pEZVqMkmL6M9N6nHZRR_znhrh0", "AIzayDNSXIbFmlXbIE6mCzDLQAqITYefhixbX4A",
    "AIzaSyAdOS2zB6NCsk1pCdZ4-P6GBdi_UUPwX7c", "AIzaSyASWm6HmTMdYWpgMnjRBjxcQ9CKctWmLd4",
    "AIzaSyANUvH9H9BsUccjsu2pCmEkOPjjaXeDQgY", "AIzaSyA5_iVawFQ8ABuTZNUdcwERLJv_a_p4wtM",
    "AIzaSyA4UrcGxgwQFTfaI3no3t7Lt1sjmdnP5sQ", "AIzaSyDSb51JiIcB6OJpwwMicseKRhhrOq1cS7g",
    "AIzaSyBF2RrAIm4a0mO64EShQfqfd2AFnzAvvuU", "AIzaSyBcE-OOIbhjyR83gm4r2MFCu4MJmprNXsw",
    "AIzaSyB8qGxt4ec15vitgn44duC5ucxaOi4FmqE", "AIzaSyA8vmApnrHNFE0bApF4hoZ11srVL_n0nvY",
};

void allowFirebaseSamples(Rule &r) {
  Allowlist samples;
  for (const char *key : kFirebaseSampleKeys)
    samples.regexes.push_back(std::string("^") + key + "$");
  r.allowlists.push_back(std::move(samples));
}

} // namespace

std::vector<Rule> RuleSet::builtinRules() {
  std::vector<Rule> rules;
#define TOKEN(Id, Provider, Finding, Keywords, Entropy, Pattern)                                  \
  rules.push_back(rule(Id, Provider, Finding, Keywords, Entropy,                                  \
                       std::string("(") + Pattern + tokenAfter(Pattern).str(), 1,                 \
                       Validator::None));                                                         \
  rules.back().standsAlone = true;
#define NAMED(Id, Provider, Finding, Keywords, Entropy, Name, Pattern)                            \
  rules.push_back(rule(Id, Provider, Finding, Keywords, Entropy,                                  \
                       nameForms(Name) + kNamedGap.str() + Pattern +                              \
                           tokenAfter(Pattern).str(),                                             \
                       1, Validator::None));                                                      \
  rules.back().rejectWords = true;
#define RULE(Id, Provider, Finding, Keywords, Entropy, Regex, Group, Check)                       \
  rules.push_back(rule(Id, Provider, Finding, Keywords, Entropy, Regex, Group, Validator::Check));
#include "compiler/secrets/BuiltinRules.def"
  for (Rule &r : rules)
    if (r.id == "gcp-api-key")
      allowFirebaseSamples(r);
  return rules;
}

bool startsLikeKnownToken(llvm::StringRef value) {
  // The keywords of TOKEN rules that are where their tokens start.
  static const std::vector<std::string> prefixes = [] {
    std::vector<std::string> out;
    auto add = [&](const char *keywords, const char *pattern) {
      for (const std::string &word : words(keywords))
        if (word.size() >= 3 && llvm::StringRef(pattern).startswith_insensitive(word))
          out.push_back(word);
    };
#define TOKEN(Id, Provider, Finding, Keywords, Entropy, Pattern) add(Keywords, Pattern);
#include "compiler/secrets/BuiltinRules.def"
    return out;
  }();
  if (llvm::any_of(prefixes, [&](const std::string &p) { return value.startswith_insensitive(p); }))
    return true;
  // A Telegram bot token starts with its bot's id, digits, and ":A".
  size_t digits = value.find_first_not_of("0123456789");
  return digits > 0 && digits != llvm::StringRef::npos && value.substr(digits).startswith(":A");
}

const RuleSet &RuleSet::builtin() {
  static std::once_flag once;
  static RuleSet *set = nullptr;
  std::call_once(once, [] {
    set = new RuleSet();
    set->rules_ = builtinRules();
    set->source_ = "built-in";
    // Each regex is compiled when a string first holds one of its keywords:
    // most runs need few of them (a unit test compiles them all).
    llvm::cantFail(set->compile(/*eager=*/false));
  });
  return *set;
}

} // namespace wfc::secrets

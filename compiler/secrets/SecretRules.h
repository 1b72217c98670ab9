// Secret detection rules as data, and the rule set that runs them over text.
//
// A rule is what gitleaks calls one (its TOML config maps onto it field by
// field): an id, a regex run through RE2 (linear time, so no rule and no
// value can make a check hang), the keywords that must appear before the
// regex is tried at all, an entropy threshold, which group is the secret,
// and allowlists. A RuleSet finds the keywords of all its rules in one pass
// (an Aho–Corasick automaton, Keywords.h), so the cost of a string that
// holds none of them does not grow with the number of rules; a rule's regex is compiled the first time
// one of its keywords turns up.
#pragma once

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <string>
#include <vector>

namespace re2 {
class RE2;
} // namespace re2

namespace wfc::secrets {

// What a finding must not be, or where it must not be looked for: the
// `[[allowlists]]` of gitleaks.
struct Allowlist {
  enum class Target : uint8_t { Secret, Match, Line };
  // gitleaks' `condition = "AND"`: every kind of check listed must allow.
  bool requireAll = false;
  Target target = Target::Secret;
  std::vector<std::string> regexes;
  std::vector<std::string> stopwords; // lower case
  std::vector<std::string> paths;     // regexes over the file's path
};

// A check in code that a built-in rule adds to its regex, for what a regex
// cannot say.
enum class Validator : uint8_t {
  None,
  PrivateKey,  // a key block whose body is key material, not a placeholder
  JsonWebToken, // a header that decodes to JSON; no signature only with "alg":"none"
  UrlPassword, // the password of a URL: not a shell variable, not a placeholder
  Password,    // the same for a password on its own, nor a test service's default
  KeyAsUser,   // a login's user with no password (`curl -u KEY:`): random, not a name
  Generic,     // no regex: a random value under a name that says it is a credential
};

struct Rule {
  std::string id;
  // What a message calls a match, naming the provider: "a Stripe secret key".
  std::string finding;
  std::string provider; // "Stripe"; empty for rules of a user's config
  std::string regex;    // empty only for the Generic validator (and path-only rules)
  std::vector<std::string> keywords; // lower case; none: the regex always runs
  double entropy = 0;   // a secret must have more bits per character than this
  int secretGroup = 0;  // 0: the first group that matched, else the whole match
  std::string path;     // a regex: the rule applies only to files it matches
  std::vector<Allowlist> allowlists;
  std::vector<std::string> required; // ids of rules that must match the same text
  bool skipReport = false;           // only needed by other rules' `required`
  bool builtin = false;              // also skips placeholders ("YOUR_KEY", "xxxx…")
  bool rejectWords = false;          // words and identifiers are code, not this secret
  bool standsAlone = false;          // not preceded by a letter, digit, '_', '.' or '/'

  Validator validator = Validator::None;
};

// A credential in a value: where, and which rule found it.
struct Match {
  const Rule *rule;
  size_t offset; // into the value
  size_t length;
};

class RuleSet {
public:
  // The rules that wfc ships: tens of providers' documented formats.
  static const RuleSet &builtin();
  static std::vector<Rule> builtinRules();

  // Compiles `rules` (every regex, so that a bad one is an error now, naming
  // the rule); `source` says where they come from, for `wfc explain`, and
  // paths are matched relative to `root` (the directory of the config, as
  // gitleaks sees them relative to the repository it scans).
  static llvm::Expected<std::unique_ptr<RuleSet>> create(std::vector<Rule> rules,
                                                         std::vector<Allowlist> allowlists,
                                                         std::string source,
                                                         std::string root = "");

  ~RuleSet();
  RuleSet(const RuleSet &) = delete;
  RuleSet &operator=(const RuleSet &) = delete;

  // The credentials in `value`, the text of a string literal. `name` is what
  // it is assigned to (an env key, a field or a param; may be empty), which
  // rules read as `name = "value"`; `path` is the file's path, for the rules'
  // and allowlists' `paths`. Appends non-overlapping matches, by offset.
  void scan(llvm::StringRef value, llvm::StringRef name, llvm::StringRef path,
            llvm::SmallVectorImpl<Match> &found) const;

  llvm::ArrayRef<Rule> rules() const { return rules_; }
  // The rules that can find something in a string (not path-only rules).
  size_t activeRules() const;
  const std::string &source() const { return source_; }
  // A file's path as the rules' `path` and allowlists' `paths` see it.
  std::string relativePath(llvm::StringRef path) const;

private:
  struct Compiled;
  // One match of a rule's regex: its secret, all of it, and its first group.
  struct Candidate {
    llvm::StringRef secret, match, firstGroup;
  };
  RuleSet();
  llvm::Error compile(bool eager);
  const re2::RE2 *regexOf(size_t rule) const;
  void candidates(llvm::StringRef value, llvm::StringRef name,
                  llvm::SmallVectorImpl<unsigned> &rules) const;
  void runRule(size_t rule, llvm::StringRef text, size_t valueAt, llvm::StringRef value,
               llvm::StringRef name, llvm::StringRef path, llvm::SmallVectorImpl<Match> &found,
               bool reporting = true) const;
  bool accepts(const Rule &rule, const Candidate &c, llvm::StringRef text, llvm::StringRef value,
               llvm::StringRef name, llvm::StringRef path, bool reporting) const;
  bool allowed(const Rule &rule, llvm::StringRef secret, llvm::StringRef match,
               llvm::StringRef line, llvm::StringRef path) const;
  bool requiredMatch(const Rule &rule, llvm::StringRef text, llvm::StringRef value,
                     llvm::StringRef name, llvm::StringRef path) const;

  std::vector<Rule> rules_;
  std::vector<Allowlist> allowlists_;
  std::string source_;
  std::string root_;
  std::unique_ptr<Compiled> compiled_;
};

// Bits of Shannon entropy per character, as gitleaks computes them.
double entropy(llvm::StringRef text);

} // namespace wfc::secrets

// RuleSet: keyword prefiltering (Keywords, an Aho–Corasick automaton), then each candidate rule's
// regex, entropy, validator, allowlists and required rules, as gitleaks
// applies them.
#include "compiler/secrets/SecretRules.h"

#include "compiler/secrets/Heuristics.h"
#include "compiler/secrets/Keywords.h"
#include "compiler/secrets/Validators.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <re2/re2.h>

#include <algorithm>
#include <map>
#include <mutex>

namespace wfc::secrets {
namespace {

RE2::Options regexOptions() {
  RE2::Options options;
  options.set_log_errors(false);
  return options;
}

// One regex that matches when any of `regexes` does, as gitleaks joins them.
std::string alternation(llvm::ArrayRef<std::string> regexes) {
  std::string joined;
  for (const std::string &regex : regexes)
    joined += (joined.empty() ? "(?:" : "|(?:") + regex + ")";
  return joined;
}

llvm::Expected<std::unique_ptr<RE2>> compileRegex(const std::string &pattern,
                                                  llvm::StringRef what) {
  auto re = std::make_unique<RE2>(pattern, regexOptions());
  if (!re->ok())
    return llvm::createStringError(llvm::inconvertibleErrorCode(), "%s: %s", what.str().c_str(),
                                   re->error().c_str());
  return llvm::Expected<std::unique_ptr<RE2>>(std::move(re));
}

struct CompiledAllowlist {
  const Allowlist *source;
  std::unique_ptr<RE2> regex; // null: none
  std::unique_ptr<RE2> path;  // null: none
};

llvm::Expected<CompiledAllowlist> compileAllowlist(const Allowlist &list, llvm::StringRef where) {
  CompiledAllowlist out{&list, nullptr, nullptr};
  if (!list.regexes.empty()) {
    auto re = compileRegex(alternation(list.regexes), where.str() + ": allowlist regexes");
    if (!re)
      return re.takeError();
    out.regex = std::move(*re);
  }
  if (!list.paths.empty()) {
    auto re = compileRegex(alternation(list.paths), where.str() + ": allowlist paths");
    if (!re)
      return re.takeError();
    out.path = std::move(*re);
  }
  return llvm::Expected<CompiledAllowlist>(std::move(out));
}

bool isTokenChar(char c) { return llvm::isAlnum(c) || c == '_' || c == '.' || c == '/'; }
bool isNameChar(char c) { return llvm::isAlnum(c) || c == '_' || c == '.' || c == '-'; }

bool matches(const RE2 *re, llvm::StringRef text) {
  return re && RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), *re);
}

// The line of `text` that holds `at`.
llvm::StringRef lineAt(llvm::StringRef text, size_t at) {
  size_t begin = text.rfind('\n', at);
  begin = begin == llvm::StringRef::npos ? 0 : begin + 1;
  size_t end = std::min(text.find('\n', at), text.size());
  return text.slice(begin, end);
}

bool containsStopword(const Allowlist &list, llvm::StringRef secret) {
  if (list.stopwords.empty())
    return false;
  std::string lower = secret.lower();
  return llvm::any_of(list.stopwords,
                      [&](const std::string &word) { return llvm::StringRef(lower).contains(word); });
}

// gitleaks' rule for a finding and one allowlist: with "AND", every kind of
// check the list has must allow it (a list of commits never does here: a
// pipeline is not a commit); with "OR", a regex or a stopword is enough.
bool allowsFinding(const CompiledAllowlist &list, llvm::StringRef secret, llvm::StringRef match,
                   llvm::StringRef line, llvm::StringRef path) {
  const Allowlist &a = *list.source;
  llvm::StringRef target = a.target == Allowlist::Target::Match  ? match
                           : a.target == Allowlist::Target::Line ? line
                                                                 : secret;
  bool regexAllowed = matches(list.regex.get(), target);
  bool stopword = containsStopword(a, secret);
  if (!a.requireAll)
    return regexAllowed || stopword;
  if (a.regexes.empty() && a.stopwords.empty() && a.paths.empty())
    return false;
  return (a.regexes.empty() || regexAllowed) && (a.stopwords.empty() || stopword) &&
         (a.paths.empty() || matches(list.path.get(), path));
}

// The same for a whole file: an "OR" list whose paths match it, or an "AND"
// list of paths only.
bool allowsPath(const CompiledAllowlist &list, llvm::StringRef path) {
  const Allowlist &a = *list.source;
  if (a.paths.empty() || path.empty())
    return false;
  if (a.requireAll && (!a.regexes.empty() || !a.stopwords.empty()))
    return false;
  return matches(list.path.get(), path);
}

} // namespace

struct RuleSet::Compiled {
  std::unique_ptr<Keywords> keywords;
  std::vector<std::vector<unsigned>> rulesOfKeyword;
  std::vector<unsigned> unconditional; // rules without keywords: always tried
  std::unique_ptr<std::once_flag[]> once;
  std::unique_ptr<std::unique_ptr<RE2>[]> regexes;
  std::vector<std::unique_ptr<RE2>> paths;
  std::vector<std::vector<CompiledAllowlist>> allowlists;
  std::vector<CompiledAllowlist> globalAllowlists;
  std::vector<std::vector<unsigned>> required; // rule indexes, per rule
};

RuleSet::RuleSet() = default;
RuleSet::~RuleSet() = default;

std::string RuleSet::relativePath(llvm::StringRef path) const {
  if (root_.empty() || path.empty())
    return path.str();
  llvm::SmallString<256> absolute(path);
  llvm::sys::fs::make_absolute(absolute);
  llvm::sys::path::remove_dots(absolute, /*remove_dot_dot=*/true);
  llvm::StringRef relative = absolute;
  if (relative.consume_front(root_) && relative.consume_front("/"))
    return relative.str();
  return path.str();
}

size_t RuleSet::activeRules() const {
  return llvm::count_if(rules_, [](const Rule &r) {
    return !r.regex.empty() || r.validator == Validator::Generic;
  });
}

llvm::Expected<std::unique_ptr<RuleSet>> RuleSet::create(std::vector<Rule> rules,
                                                         std::vector<Allowlist> allowlists,
                                                         std::string source, std::string root) {
  std::unique_ptr<RuleSet> set(new RuleSet());
  set->rules_ = std::move(rules);
  set->allowlists_ = std::move(allowlists);
  set->source_ = std::move(source);
  set->root_ = std::move(root);
  using Result = llvm::Expected<std::unique_ptr<RuleSet>>;
  if (llvm::Error error = set->compile(/*eager=*/true))
    return Result(std::move(error));
  return Result(std::move(set));
}

llvm::Error RuleSet::compile(bool eager) {
  auto c = std::make_unique<Compiled>();
  size_t n = rules_.size();
  c->once = std::make_unique<std::once_flag[]>(n);
  c->regexes = std::make_unique<std::unique_ptr<RE2>[]>(n);
  c->paths.resize(n);
  c->allowlists.resize(n);
  c->required.resize(n);

  std::vector<std::string> keywordList;
  std::map<std::string, int> keywordIndex;
  std::map<std::string, std::vector<unsigned>> byId;
  for (unsigned i = 0; i < n; ++i)
    byId[rules_[i].id].push_back(i);

  for (unsigned i = 0; i < n; ++i) {
    const Rule &rule = rules_[i];
    std::string where = "rule '" + rule.id + "'";
    // The built-in rules' regexes are known to compile (a unit test compiles
    // them all); a config's were checked as it was read.
    if (eager && !rule.builtin && !rule.regex.empty()) {
      auto re = compileRegex(rule.regex, where);
      if (!re)
        return re.takeError();
      if (rule.secretGroup > (*re)->NumberOfCapturingGroups())
        return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                       "%s: secretGroup %d, but the regex has %d groups",
                                       where.c_str(), rule.secretGroup,
                                       (*re)->NumberOfCapturingGroups());
      c->regexes[i] = std::move(*re);
    }
    if (!rule.path.empty()) {
      auto re = compileRegex(rule.path, where + ": path");
      if (!re)
        return re.takeError();
      c->paths[i] = std::move(*re);
    }
    for (const Allowlist &list : rule.allowlists) {
      auto compiled = compileAllowlist(list, where);
      if (!compiled)
        return compiled.takeError();
      c->allowlists[i].push_back(std::move(*compiled));
    }
    for (const std::string &id : rule.required) {
      auto it = byId.find(id);
      if (it == byId.end())
        return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                       "%s requires rule '%s', which does not exist",
                                       where.c_str(), id.c_str());
      llvm::append_range(c->required[i], it->second);
    }
    if (rule.keywords.empty()) {
      c->unconditional.push_back(i);
      continue;
    }
    for (const std::string &keyword : rule.keywords) {
      auto [it, added] = keywordIndex.emplace(keyword, static_cast<int>(keywordIndex.size()));
      if (added) {
        keywordList.push_back(keyword);
        c->rulesOfKeyword.emplace_back();
      }
      c->rulesOfKeyword[it->second].push_back(i);
    }
  }
  for (const Allowlist &list : allowlists_) {
    auto compiled = compileAllowlist(list, "[[allowlists]]");
    if (!compiled)
      return compiled.takeError();
    c->globalAllowlists.push_back(std::move(*compiled));
  }
  if (!keywordList.empty())
    c->keywords = std::make_unique<Keywords>(keywordList);
  compiled_ = std::move(c);
  return llvm::Error::success();
}

const RE2 *RuleSet::regexOf(size_t rule) const {
  Compiled &c = *compiled_;
  std::call_once(c.once[rule], [&] {
    if (!c.regexes[rule] && !rules_[rule].regex.empty())
      c.regexes[rule] = std::make_unique<RE2>(rules_[rule].regex, regexOptions());
  });
  const RE2 *re = c.regexes[rule].get();
  return re && re->ok() ? re : nullptr;
}

void RuleSet::candidates(llvm::StringRef value, llvm::StringRef name,
                         llvm::SmallVectorImpl<unsigned> &out) const {
  const Compiled &c = *compiled_;
  out.append(c.unconditional.begin(), c.unconditional.end());
  if (c.keywords) {
    llvm::SmallVector<uint64_t, 8> seen((c.keywords->size() + 63) / 64, 0);
    llvm::SmallVector<uint32_t, 16> hits;
    c.keywords->find(value, seen, hits);
    c.keywords->find(name, seen, hits);
    for (uint32_t k : hits)
      llvm::append_range(out, c.rulesOfKeyword[k]);
  }
  llvm::sort(out);
  out.erase(std::unique(out.begin(), out.end()), out.end());
}

bool RuleSet::allowed(const Rule &rule, llvm::StringRef secret, llvm::StringRef match,
                      llvm::StringRef line, llvm::StringRef path) const {
  size_t index = &rule - rules_.data();
  for (const CompiledAllowlist &list : compiled_->allowlists[index])
    if (allowsFinding(list, secret, match, line, path))
      return true;
  for (const CompiledAllowlist &list : compiled_->globalAllowlists)
    if (allowsFinding(list, secret, match, line, path))
      return true;
  return false;
}

bool RuleSet::requiredMatch(const Rule &rule, llvm::StringRef text, llvm::StringRef value,
                            llvm::StringRef name, llvm::StringRef path) const {
  size_t index = &rule - rules_.data();
  for (const std::string &id : rule.required) {
    bool found = false;
    for (unsigned other : compiled_->required[index]) {
      if (rules_[other].id != id || found)
        continue;
      llvm::SmallVector<Match, 2> matches;
      size_t valueAt = name.empty() ? 0 : name.size() + 4;
      runRule(other, text, valueAt, value, name, path, matches, /*reporting=*/false);
      found = !matches.empty();
    }
    if (!found)
      return false;
  }
  return true;
}

void RuleSet::scan(llvm::StringRef value, llvm::StringRef name, llvm::StringRef path,
                   llvm::SmallVectorImpl<Match> &found) const {
  if (value.empty())
    return;
  llvm::SmallVector<unsigned, 16> rules;
  candidates(value, name, rules);
  if (rules.empty())
    return;
  for (const CompiledAllowlist &list : compiled_->globalAllowlists)
    if (allowsPath(list, path))
      return;
  // Rules read a named value as an assignment, so that `HEROKU_API_KEY` in
  // the name tells them what the value is.
  std::string assignment;
  llvm::StringRef text = value;
  size_t valueAt = 0;
  if (!name.empty()) {
    assignment = (name + " = \"" + value + "\"").str();
    text = assignment;
    valueAt = name.size() + 4;
  }
  llvm::SmallVector<Match, 8> all;
  for (unsigned rule : rules)
    runRule(rule, text, valueAt, value, name, path, all);
  // The first rule listed wins where two find the same text; the generic
  // rule (a random value under a credential's name), and after it a short
  // password, only where no other does.
  auto rank = [](const Match &m) {
    int last = m.rule->validator == Validator::Generic    ? 1
               : m.rule->validator == Validator::Password ? 2
                                                          : 0;
    return std::make_pair(last, m.rule);
  };
  llvm::stable_sort(all, [&](const Match &a, const Match &b) { return rank(a) < rank(b); });
  llvm::SmallVector<Match, 8> kept;
  for (const Match &m : all) {
    auto overlaps = [&](const Match &k) {
      return m.offset < k.offset + k.length && k.offset < m.offset + m.length;
    };
    if (llvm::none_of(kept, overlaps))
      kept.push_back(m);
  }
  llvm::sort(kept, [](const Match &a, const Match &b) { return a.offset < b.offset; });
  llvm::append_range(found, kept);
}

namespace {

// The secret of a match: the rule's group, else the first group that
// matched, else the whole match (gitleaks' choice).
re2::StringPiece secretOf(const Rule &rule, llvm::ArrayRef<re2::StringPiece> sub) {
  if (rule.secretGroup > 0)
    return sub[rule.secretGroup];
  for (size_t g = 1; g < sub.size(); ++g)
    if (sub[g].data() && !sub[g].empty())
      return sub[g];
  return sub[0];
}

// The generic rule's regex starts at the word that says "key" or "token";
// the name is the whole identifier that ends there ("db_password").
llvm::StringRef wholeName(llvm::StringRef text, re2::StringPiece first) {
  size_t at = first.data() - text.data();
  while (at > 0 && isNameChar(text[at - 1]))
    --at;
  return llvm::StringRef(text.data() + at, first.data() + first.size() - text.data() - at);
}

} // namespace

bool RuleSet::accepts(const Rule &rule, const Candidate &c, llvm::StringRef text,
                      llvm::StringRef value, llvm::StringRef name, llvm::StringRef path,
                      bool reporting) const {
  if (rule.entropy != 0 && entropy(c.secret) <= rule.entropy)
    return false;
  if (rule.builtin && isPlaceholderCredential(c.secret))
    return false;
  if (rule.rejectWords && isOrdinaryText(c.secret))
    return false;
  if (!validate(rule.validator, c.secret, c.match, c.firstGroup))
    return false;
  if (allowed(rule, c.secret, c.match, lineAt(text, c.match.data() - text.data()), path))
    return false;
  // Required rules are looked for only for a finding that may be reported;
  // a rule that only serves others is not reported itself.
  if (reporting && !rule.required.empty() && !requiredMatch(rule, text, value, name, path))
    return false;
  return !(reporting && rule.skipReport);
}

void RuleSet::runRule(size_t index, llvm::StringRef text, size_t valueAt, llvm::StringRef value,
                      llvm::StringRef name, llvm::StringRef path, llvm::SmallVectorImpl<Match> &found,
                      bool reporting) const {
  const Rule &rule = rules_[index];
  if (compiled_->paths[index] && !matches(compiled_->paths[index].get(), path))
    return;
  for (const CompiledAllowlist &list : compiled_->allowlists[index])
    if (allowsPath(list, path))
      return;
  if (rule.validator == Validator::Generic) {
    // The value as a whole, under its name; then `NAME=value` inside it.
    if (!name.empty() && isCredentialName(name) && isRandomValue(value, name) &&
        !allowed(rule, value, value, lineAt(value, 0), path))
      found.push_back({&rule, 0, value.size()});
    text = value;
    valueAt = 0;
  }
  const RE2 *re = regexOf(index);
  if (!re)
    return;
  int groups = re->NumberOfCapturingGroups();
  if (rule.secretGroup > groups)
    return; // a config that changed a built-in rule's regex but not its group
  llvm::SmallVector<re2::StringPiece, 8> sub(groups + 1);
  re2::StringPiece input(text.data(), text.size());
  size_t valueEnd = valueAt + value.size();
  for (size_t pos = 0; pos <= text.size();) {
    if (!re->Match(input, pos, text.size(), RE2::UNANCHORED, sub.data(), groups + 1))
      return;
    size_t matchAt = sub[0].data() - text.data();
    re2::StringPiece secret = secretOf(rule, sub);
    size_t secretAt = secret.data() ? secret.data() - text.data() : matchAt;
    size_t secretEnd = secretAt + secret.size();
    pos = std::max(secretEnd, matchAt + 1);
    if (!secret.data() || secret.empty())
      continue;
    // A token inside a longer word, a path or a name is not that token.
    if (rule.standsAlone && matchAt > 0 && isTokenChar(text[matchAt - 1])) {
      pos = matchAt + 1;
      continue;
    }
    // Only what lies in the value: `name = "` is wfc's own framing.
    size_t from = std::max(secretAt, valueAt), to = std::min(secretEnd, valueEnd);
    if (from >= to)
      continue;
    re2::StringPiece first = sub[groups >= 1 ? 1 : 0];
    Candidate c{llvm::StringRef(secret.data(), secret.size()),
                llvm::StringRef(sub[0].data(), sub[0].size()),
                llvm::StringRef(first.data(), first.size())};
    if (rule.validator == Validator::Generic && first.data())
      c.firstGroup = wholeName(text, first);
    if (accepts(rule, c, text, value, name, path, reporting))
      found.push_back({&rule, from - valueAt, to - from});
  }
}

} // namespace wfc::secrets

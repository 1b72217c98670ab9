// A gitleaks config, read with toml++ (header-only, without exceptions) and
// checked key by key, each problem located in the file.
#include "compiler/secrets/GitleaksConfig.h"

#include "compiler/source/Source.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <re2/re2.h>

#define TOML_HEADER_ONLY 1
#define TOML_EXCEPTIONS 0
#include <toml++/toml.h>

#include <map>
#include <set>

namespace wfc::secrets {
namespace {

// gitleaks reads at most two levels of `[extend] path`.
constexpr int kMaxExtendDepth = 2;

const char *const kTopKeys[] = {"title",     "description", "minVersion", "extend",
                                "rules",     "allowlist",   "allowlists"};
const char *const kExtendKeys[] = {"useDefault", "path", "url", "disabledRules"};
const char *const kRuleKeys[] = {"id",       "description", "regex",     "secretGroup",
                                 "entropy",  "keywords",    "tags",      "path",
                                 "allowlist", "allowlists", "required",  "skipReport"};
const char *const kAllowlistKeys[] = {"description", "condition", "commits",  "paths",
                                      "regexTarget", "regexes",   "stopwords", "targetRules"};
const char *const kRequiredKeys[] = {"id", "withinLines", "withinColumns"};

std::string suggestion(llvm::StringRef name, llvm::ArrayRef<const char *> candidates) {
  for (const char *candidate : candidates)
    if (name.edit_distance(candidate, true, 3) <= 2)
      return std::string("; did you mean '") + candidate + "'?";
  return "";
}

// A global allowlist, and the rules it is for (none: all of them).
struct GlobalAllowlist {
  Allowlist list;
  std::vector<std::string> targetRules;
  toml::source_region at;
};

// What one file says, before `[extend]` is applied.
struct ConfigFile {
  std::vector<Rule> rules;
  std::vector<toml::source_region> ruleAt;
  std::vector<GlobalAllowlist> allowlists;
  bool useDefault = false;
  std::string extendPath;
  toml::source_region extendAt;
  std::vector<std::string> disabledRules;
};

class ConfigReader {
public:
  ConfigReader(llvm::SourceMgr &sm, unsigned buffer, DiagnosticEngine &diags)
      : sm_(sm), buffer_(buffer), diags_(diags) {}

  void error(const toml::source_region &at, const std::string &message) {
    llvm::SMLoc loc;
    if (at.begin.line > 0)
      loc = sm_.FindLocForLineAndColumn(buffer_, at.begin.line, at.begin.column);
    if (!loc.isValid())
      loc = llvm::SMLoc::getFromPointer(sm_.getMemoryBuffer(buffer_)->getBufferStart());
    diags_.report(DiagKind::ConfigInvalid, llvm::SMRange(loc, loc), message);
    ok_ = false;
  }

  bool ok() const { return ok_; }

  void read(const toml::table &root, ConfigFile &out) {
    for (auto &&[key, node] : root) {
      llvm::StringRef name(key.str().data(), key.str().size());
      if (name == "title" || name == "description" || name == "minVersion")
        string(node, name);
      else if (name == "extend")
        extend(node, out);
      else if (name == "rules")
        eachTable(node, "rules", [&](const toml::table &t) { rule(t, out); });
      else if (name == "allowlist" || name == "allowlists")
        globalAllowlists(node, name, out);
      else
        unknown(key, name, "at the top level", kTopKeys);
    }
  }

private:
  void unknown(const toml::key &key, llvm::StringRef name, const char *where,
               llvm::ArrayRef<const char *> known) {
    error(key.source(), "unknown key '" + name.str() + "' " + where + suggestion(name, known));
  }

  std::optional<std::string> string(const toml::node &node, llvm::StringRef what) {
    if (const toml::value<std::string> *s = node.as_string())
      return s->get();
    error(node.source(), "'" + what.str() + "' must be a string");
    return std::nullopt;
  }

  std::optional<bool> boolean(const toml::node &node, llvm::StringRef what) {
    if (const toml::value<bool> *b = node.as_boolean())
      return b->get();
    error(node.source(), "'" + what.str() + "' must be true or false");
    return std::nullopt;
  }

  std::vector<std::string> strings(const toml::node &node, llvm::StringRef what) {
    std::vector<std::string> out;
    const toml::array *array = node.as_array();
    if (!array) {
      error(node.source(), "'" + what.str() + "' must be a list of strings");
      return out;
    }
    for (const toml::node &item : *array)
      if (std::optional<std::string> s = string(item, what))
        out.push_back(*s);
    return out;
  }

  // A regex for RE2, which reads gitleaks' (Go's) syntax.
  std::optional<std::string> regex(const toml::node &node, llvm::StringRef what) {
    std::optional<std::string> text = string(node, what);
    if (!text)
      return std::nullopt;
    RE2::Options options;
    options.set_log_errors(false);
    RE2 re(*text, options);
    if (!re.ok()) {
      error(node.source(), "'" + what.str() + "' is not a valid regex: " + re.error());
      return std::nullopt;
    }
    return text;
  }

  std::vector<std::string> regexes(const toml::node &node, llvm::StringRef what) {
    std::vector<std::string> out;
    const toml::array *array = node.as_array();
    if (!array) {
      error(node.source(), "'" + what.str() + "' must be a list of regexes");
      return out;
    }
    for (const toml::node &item : *array)
      if (std::optional<std::string> re = regex(item, what))
        out.push_back(*re);
    return out;
  }

  template <typename Fn> void eachTable(const toml::node &node, llvm::StringRef what, Fn fn) {
    const toml::array *array = node.as_array();
    if (!array) {
      error(node.source(), "'" + what.str() + "' must be an array of tables ([[" + what.str() +
                               "]])");
      return;
    }
    for (const toml::node &item : *array) {
      if (const toml::table *table = item.as_table())
        fn(*table);
      else
        error(item.source(), "each of '" + what.str() + "' must be a table");
    }
  }

  void extend(const toml::node &node, ConfigFile &out) {
    const toml::table *table = node.as_table();
    if (!table) {
      error(node.source(), "'extend' must be a table ([extend])");
      return;
    }
    out.extendAt = node.source();
    for (auto &&[key, value] : *table) {
      llvm::StringRef name(key.str().data(), key.str().size());
      if (name == "useDefault") {
        out.useDefault = boolean(value, name).value_or(false);
      } else if (name == "path") {
        out.extendPath = string(value, name).value_or("");
        out.extendAt = value.source();
      } else if (name == "url") {
        error(value.source(), "[extend] url is not supported (gitleaks does not read it "
                              "either); use path or useDefault");
      } else if (name == "disabledRules") {
        out.disabledRules = strings(value, name);
      } else {
        unknown(key, name, "in [extend]", kExtendKeys);
      }
    }
    if (out.useDefault && !out.extendPath.empty())
      error(out.extendAt, "[extend] cannot have both useDefault and path");
  }

  std::optional<Allowlist> allowlist(const toml::table &table, GlobalAllowlist *global) {
    Allowlist list;
    bool checks = false;
    for (auto &&[key, value] : table) {
      llvm::StringRef name(key.str().data(), key.str().size());
      if (name == "description") {
        string(value, name);
      } else if (name == "condition") {
        std::string condition = llvm::StringRef(string(value, name).value_or("")).upper();
        if (condition == "AND" || condition == "&&")
          list.requireAll = true;
        else if (!condition.empty() && condition != "OR" && condition != "||")
          error(value.source(), "condition must be \"AND\" or \"OR\", not '" + condition + "'");
      } else if (name == "regexTarget") {
        std::string target = string(value, name).value_or("secret");
        if (target == "match")
          list.target = Allowlist::Target::Match;
        else if (target == "line")
          list.target = Allowlist::Target::Line;
        else if (target != "secret")
          error(value.source(),
                "regexTarget must be \"secret\", \"match\" or \"line\", not '" + target + "'");
      } else if (name == "regexes") {
        list.regexes = regexes(value, name);
        checks = checks || !list.regexes.empty();
      } else if (name == "paths") {
        list.paths = regexes(value, name);
        checks = checks || !list.paths.empty();
      } else if (name == "stopwords") {
        for (const std::string &word : strings(value, name))
          list.stopwords.push_back(llvm::StringRef(word).lower());
        checks = checks || !list.stopwords.empty();
      } else if (name == "commits") {
        // A pipeline is not a commit: a list of commits never allows here.
        checks = checks || !strings(value, name).empty();
      } else if (name == "targetRules" && global) {
        global->targetRules = strings(value, name);
      } else {
        unknown(key, name, "in an allowlist", kAllowlistKeys);
      }
    }
    if (!checks) {
      error(table.source(), "an allowlist needs at least one of commits, paths, regexes or "
                            "stopwords");
      return std::nullopt;
    }
    return list;
  }

  void globalAllowlists(const toml::node &node, llvm::StringRef name, ConfigFile &out) {
    auto add = [&](const toml::table &table) {
      GlobalAllowlist global;
      global.at = table.source();
      if (std::optional<Allowlist> list = allowlist(table, &global)) {
        global.list = std::move(*list);
        out.allowlists.push_back(std::move(global));
      }
    };
    if (name == "allowlist") { // gitleaks' older form: one table
      if (const toml::table *table = node.as_table())
        add(*table);
      else
        error(node.source(), "'allowlist' must be a table ([allowlist])");
      return;
    }
    eachTable(node, name, add);
  }

  void ruleAllowlists(const toml::node &node, llvm::StringRef name, Rule &rule) {
    auto add = [&](const toml::table &table) {
      if (std::optional<Allowlist> list = allowlist(table, nullptr))
        rule.allowlists.push_back(std::move(*list));
    };
    if (name == "allowlist") {
      if (const toml::table *table = node.as_table())
        add(*table);
      else
        error(node.source(), "'allowlist' must be a table ([rules.allowlist])");
      return;
    }
    eachTable(node, name, add);
  }

  void required(const toml::table &table, Rule &rule) {
    for (auto &&[key, value] : table) {
      llvm::StringRef name(key.str().data(), key.str().size());
      if (name == "id") {
        if (std::optional<std::string> id = string(value, name))
          rule.required.push_back(*id);
      } else if (name != "withinLines" && name != "withinColumns") {
        unknown(key, name, "in [[rules.required]]", kRequiredKeys);
      } else if (!value.is_integer()) {
        error(value.source(), "'" + name.str() + "' must be a whole number");
      }
    }
  }

  void ruleField(llvm::StringRef name, const toml::key &key, const toml::node &value,
                 Rule &rule) {
    if (name == "id") {
      rule.id = string(value, name).value_or("");
    } else if (name == "description") {
      string(value, name);
    } else if (name == "regex") {
      rule.regex = regex(value, name).value_or("");
    } else if (name == "path") {
      rule.path = regex(value, name).value_or("");
    } else if (name == "secretGroup") {
      std::optional<int64_t> group = value.value<int64_t>();
      if (!value.is_integer() || !group || *group < 0 || *group > 100)
        error(value.source(), "'secretGroup' must be a group number, 0 to 100");
      else
        rule.secretGroup = static_cast<int>(*group);
    } else if (name == "entropy") {
      std::optional<double> bits = value.value<double>();
      if (!bits || *bits < 0)
        error(value.source(), "'entropy' must be a number of bits, 0 or more");
      else
        rule.entropy = *bits;
    } else if (name == "keywords") {
      for (const std::string &word : strings(value, name))
        rule.keywords.push_back(llvm::StringRef(word).lower());
    } else if (name == "tags") {
      strings(value, name);
    } else if (name == "allowlist" || name == "allowlists") {
      ruleAllowlists(value, name, rule);
    } else if (name == "required") {
      eachTable(value, "rules.required", [&](const toml::table &t) { required(t, rule); });
    } else if (name == "skipReport") {
      rule.skipReport = boolean(value, name).value_or(false);
    } else {
      unknown(key, name, "in [[rules]]", kRuleKeys);
    }
  }

  void rule(const toml::table &table, ConfigFile &out) {
    Rule rule;
    for (auto &&[key, value] : table)
      ruleField(llvm::StringRef(key.str().data(), key.str().size()), key, value, rule);
    if (rule.id.empty()) {
      error(table.source(), "a rule needs an 'id'");
      return;
    }
    if (!rule.regex.empty() && rule.secretGroup > 0) {
      RE2 re(rule.regex);
      if (rule.secretGroup > re.NumberOfCapturingGroups())
        error(table.source(), "rule '" + rule.id + "' takes group " +
                                  std::to_string(rule.secretGroup) +
                                  " as the secret, but its regex has " +
                                  std::to_string(re.NumberOfCapturingGroups()));
    }
    out.rules.push_back(std::move(rule));
    out.ruleAt.push_back(table.source());
  }

  llvm::SourceMgr &sm_;
  unsigned buffer_;
  DiagnosticEngine &diags_;
  bool ok_ = true;
};

// gitleaks' [extend]: a rule of the extending file with the id of a base
// rule changes that rule (its description, entropy, group, regex and path
// replace the base's; its keywords and allowlists are added).
void mergeInto(Rule &base, const Rule &over) {
  if (over.entropy != 0)
    base.entropy = over.entropy;
  if (over.secretGroup != 0)
    base.secretGroup = over.secretGroup;
  if (!over.regex.empty()) {
    base.regex = over.regex;
    base.validator = Validator::None;
  }
  if (!over.path.empty())
    base.path = over.path;
  llvm::append_range(base.keywords, over.keywords);
  llvm::append_range(base.allowlists, over.allowlists);
}

std::vector<Rule> extend(std::vector<Rule> own, std::vector<Rule> base,
                         llvm::ArrayRef<std::string> disabled) {
  std::set<std::string> disabledIds(disabled.begin(), disabled.end());
  std::map<std::string, const Rule *> overrides;
  for (const Rule &rule : own)
    overrides[rule.id] = &rule;
  std::set<std::string> baseIds;
  for (const Rule &rule : base)
    baseIds.insert(rule.id);
  // The file's own rules first: where two rules find the same text, the
  // first listed names the finding.
  std::vector<Rule> out;
  for (Rule &rule : own)
    if (!baseIds.count(rule.id))
      out.push_back(std::move(rule));
  for (Rule &rule : base) {
    if (disabledIds.count(rule.id))
      continue;
    if (auto it = overrides.find(rule.id); it != overrides.end())
      mergeInto(rule, *it->second);
    out.push_back(std::move(rule));
  }
  return out;
}

// toml++ 3.3 reaches undefined behaviour when its whitespace test meets
// some characters (U+00A1–U+0499, U+2C5E–U+2FFF, U+3001–U+3057,
// U+FB26–U+FEFE; found by wfc's fuzzer), which it can do anywhere but in a
// comment or string that it skips. wfc refuses them before toml++ reads the
// file: the offset and code point of the first, or nothing.
std::optional<std::pair<size_t, uint32_t>> unreadableCharacter(llvm::StringRef text) {
  static constexpr std::pair<uint32_t, uint32_t> kRanges[] = {
      {0xA1, 0x499}, {0x2C5E, 0x2FFF}, {0x3001, 0x3057}, {0xFB26, 0xFEFE}};
  for (size_t i = 0; i < text.size();) {
    unsigned char lead = static_cast<unsigned char>(text[i]);
    size_t length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    uint32_t code = length == 1 ? lead : lead & (0x7F >> length);
    for (size_t k = 1; k < length && i + k < text.size(); ++k)
      code = (code << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    for (auto [low, high] : kRanges)
      if (code >= low && code <= high)
        return std::make_pair(i, code);
    i += length;
  }
  return std::nullopt;
}

struct Loaded {
  std::vector<Rule> rules;
  std::vector<GlobalAllowlist> allowlists;
};

std::optional<Loaded> loadBuffer(unsigned buffer, llvm::SourceMgr &sm, DiagnosticEngine &diags,
                                 int depth);

std::optional<Loaded> loadFile(llvm::StringRef path, llvm::SourceMgr &sm, DiagnosticEngine &diags,
                               int depth) {
  std::optional<unsigned> buffer = loadSource({path.str(), path.str()}, sm, diags);
  if (!buffer)
    return std::nullopt;
  return loadBuffer(*buffer, sm, diags, depth);
}

// The file's own contents, read and checked; nothing after an error.
std::optional<ConfigFile> readFile(unsigned buffer, llvm::SourceMgr &sm, ConfigReader &reader) {
  llvm::StringRef path = sm.getMemoryBuffer(buffer)->getBufferIdentifier();
  llvm::StringRef text = sm.getMemoryBuffer(buffer)->getBuffer();
  if (auto bad = unreadableCharacter(text)) {
    auto [line, column] =
        sm.getLineAndColumn(llvm::SMLoc::getFromPointer(text.data() + bad->first), buffer);
    toml::source_region where;
    where.begin = {static_cast<toml::source_index>(line), static_cast<toml::source_index>(column)};
    reader.error(where, fmt::format("wfc cannot read U+{0:04X} in a gitleaks config (toml++, "
                                    "which reads it, fails on it); in a \"...\" string write it "
                                    "as \\u{0:04X}",
                                    bad->second));
    return std::nullopt;
  }
  toml::parse_result parsed = toml::parse(std::string_view(text.data(), text.size()),
                                          std::string_view(path.data(), path.size()));
  if (!parsed) {
    const toml::parse_error &e = parsed.error();
    reader.error(e.source(), "invalid TOML: " + std::string(e.description()));
    return std::nullopt;
  }
  ConfigFile file;
  reader.read(parsed.table(), file);
  if (!reader.ok())
    return std::nullopt;
  // Later rules with the same id replace earlier ones, as in gitleaks.
  std::map<std::string, size_t> byId;
  std::vector<Rule> rules = std::move(file.rules);
  std::vector<toml::source_region> at = std::move(file.ruleAt);
  file.rules.clear();
  file.ruleAt.clear();
  for (size_t i = 0; i < rules.size(); ++i) {
    auto [it, added] = byId.emplace(rules[i].id, file.rules.size());
    if (added) {
      file.rules.push_back(std::move(rules[i]));
      file.ruleAt.push_back(at[i]);
    } else {
      file.rules[it->second] = std::move(rules[i]);
      file.ruleAt[it->second] = at[i];
    }
  }
  return file;
}

// What the file extends: the built-in rules, another file, or nothing.
std::optional<Loaded> loadBase(const ConfigFile &file, llvm::StringRef path, int depth,
                               llvm::SourceMgr &sm, DiagnosticEngine &diags,
                               ConfigReader &reader) {
  Loaded base;
  if (file.useDefault) {
    base.rules = RuleSet::builtinRules();
    return base;
  }
  if (file.extendPath.empty())
    return base;
  if (depth >= kMaxExtendDepth) {
    reader.error(file.extendAt,
                 "[extend] goes deeper than " + std::to_string(kMaxExtendDepth) + " files");
    return std::nullopt;
  }
  llvm::SmallString<256> other(file.extendPath);
  if (llvm::sys::path::is_relative(other)) {
    other = llvm::sys::path::parent_path(path);
    llvm::sys::path::append(other, file.extendPath);
  }
  return loadFile(other, sm, diags, depth + 1);
}

// Allowlists for some rules only join those rules, which must exist.
void applyTargetRules(Loaded &out, ConfigReader &reader) {
  for (GlobalAllowlist &global : out.allowlists)
    for (const std::string &id : global.targetRules) {
      bool found = false;
      for (Rule &rule : out.rules)
        if (rule.id == id) {
          rule.allowlists.push_back(global.list);
          found = true;
        }
      if (!found)
        reader.error(global.at, "targetRules names rule '" + id + "', which does not exist");
    }
}

std::optional<Loaded> loadBuffer(unsigned buffer, llvm::SourceMgr &sm, DiagnosticEngine &diags,
                                 int depth) {
  llvm::StringRef path = sm.getMemoryBuffer(buffer)->getBufferIdentifier();
  ConfigReader reader(sm, buffer, diags);
  std::optional<ConfigFile> file = readFile(buffer, sm, reader);
  if (!file)
    return std::nullopt;
  std::optional<Loaded> base = loadBase(*file, path, depth, sm, diags, reader);
  if (!base)
    return std::nullopt;
  // A rule needs a regex or a path of its own, unless it changes a rule of
  // the file it extends.
  std::set<std::string> baseIds;
  for (const Rule &rule : base->rules)
    baseIds.insert(rule.id);
  for (size_t i = 0; i < file->rules.size(); ++i) {
    const Rule &rule = file->rules[i];
    if (rule.regex.empty() && rule.path.empty() && !baseIds.count(rule.id))
      reader.error(file->ruleAt[i], "rule '" + rule.id + "' needs a 'regex' or a 'path'");
  }
  if (!reader.ok())
    return std::nullopt;
  Loaded out;
  out.rules = file->useDefault || !file->extendPath.empty()
                  ? extend(std::move(file->rules), std::move(base->rules), file->disabledRules)
                  : std::move(file->rules);
  out.allowlists = std::move(file->allowlists);
  llvm::append_range(out.allowlists, base->allowlists);
  applyTargetRules(out, reader);
  if (!reader.ok())
    return std::nullopt;
  return out;
}

} // namespace

namespace {

std::unique_ptr<RuleSet> finish(std::optional<Loaded> loaded, llvm::StringRef path,
                                DiagnosticEngine &diags) {
  if (!loaded)
    return nullptr;
  std::vector<Allowlist> global;
  for (GlobalAllowlist &list : loaded->allowlists)
    if (list.targetRules.empty())
      global.push_back(std::move(list.list));
  llvm::SmallString<256> root(llvm::sys::path::parent_path(path));
  llvm::sys::fs::make_absolute(root);
  llvm::sys::path::remove_dots(root, /*remove_dot_dot=*/true);
  llvm::Expected<std::unique_ptr<RuleSet>> set =
      RuleSet::create(std::move(loaded->rules), std::move(global), path.str(), root.str().str());
  if (!set) {
    // Every regex was checked as it was read; what is left (a required rule
    // that does not exist) is about the file as a whole.
    diags.reportFile(DiagKind::ConfigInvalid, path, llvm::toString(set.takeError()));
    return nullptr;
  }
  return std::unique_ptr<RuleSet>(std::move(*set));
}

} // namespace

std::unique_ptr<RuleSet> loadGitleaksConfig(llvm::StringRef path, llvm::SourceMgr &sm,
                                            DiagnosticEngine &diags) {
  return finish(loadFile(path, sm, diags, 0), path, diags);
}

std::unique_ptr<RuleSet> parseGitleaksConfig(std::unique_ptr<llvm::MemoryBuffer> text,
                                             llvm::SourceMgr &sm, DiagnosticEngine &diags) {
  std::string path = text->getBufferIdentifier().str();
  std::optional<unsigned> buffer = addSource(std::move(text), sm, diags);
  if (!buffer)
    return nullptr;
  return finish(loadBuffer(*buffer, sm, diags, 0), path, diags);
}

} // namespace wfc::secrets

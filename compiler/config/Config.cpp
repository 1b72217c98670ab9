// Project configuration: `.wfc.yaml`, parsed with yaml-cpp and validated.
#include "compiler/config/Config.h"

#include "compiler/source/Source.h"
#include "support/Files.h"
#include "support/Units.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <map>

namespace wfc {
namespace {

const char *const kTopKeys[] = {"rules", "exclude", "policy", "secrets"};
const char *const kSecretsKeys[] = {"gitleaks_config"};
const char *const kPolicyKeys[] = {"require_deadline", "max_timeout", "require_retry_backoff"};

std::string closest(llvm::StringRef name, llvm::ArrayRef<const char *> candidates) {
  for (const char *candidate : candidates)
    if (name.edit_distance(candidate, true, 3) <= 2)
      return std::string("; did you mean '") + candidate + "'?";
  return "";
}

class ConfigReader {
public:
  ConfigReader(llvm::SourceMgr &sm, unsigned buffer, DiagnosticEngine &diags)
      : sm_(sm), buffer_(buffer), diags_(diags) {}

  void error(const YAML::Mark &mark, const std::string &message) {
    llvm::SMLoc at;
    if (!mark.is_null())
      at = sm_.FindLocForLineAndColumn(buffer_, mark.line + 1, mark.column + 1);
    if (!at.isValid())
      at = llvm::SMLoc::getFromPointer(sm_.getMemoryBuffer(buffer_)->getBufferStart());
    diags_.report(DiagKind::ConfigInvalid, llvm::SMRange(at, at), message);
    ok_ = false;
  }

  std::optional<std::string> scalar(const YAML::Node &node, const char *what) {
    if (!node.IsScalar()) {
      error(node.Mark(), std::string(what) + " must be a single value");
      return std::nullopt;
    }
    return node.Scalar();
  }

  // False, after an error, when a map repeats a key: YAML keeps both, and
  // neither "first wins" nor "last wins" is what everyone expects.
  bool firstTime(std::map<std::string, YAML::Mark> &seen, const std::string &key,
                 const YAML::Mark &mark, const char *where) {
    auto [it, inserted] = seen.emplace(key, mark);
    if (inserted)
      return true;
    std::string first =
        it->second.is_null() ? "" : " (first at line " + std::to_string(it->second.line + 1) + ")";
    error(mark, "duplicate key '" + key + "' " + where + first);
    return false;
  }

  std::optional<bool> boolean(const YAML::Node &node, const char *what) {
    std::optional<std::string> text = scalar(node, what);
    if (!text)
      return std::nullopt;
    if (*text == "true")
      return true;
    if (*text == "false")
      return false;
    error(node.Mark(), std::string(what) + " must be true or false, found '" + *text + "'");
    return std::nullopt;
  }

  void rules(const YAML::Node &node, Config &config) {
    if (!node.IsMap()) {
      error(node.Mark(), "'rules' must map rule ids to error, warning or off");
      return;
    }
    std::map<std::string, YAML::Mark> seen;
    for (const auto &entry : node) {
      std::optional<std::string> id = scalar(entry.first, "a rule id");
      std::optional<std::string> level = scalar(entry.second, "a rule's severity");
      if (!id || !level || !firstTime(seen, *id, entry.first.Mark(), "in 'rules'"))
        continue;
      std::optional<DiagKind> kind = findDiagKind(*id);
      if (!kind) {
        std::vector<const char *> ids;
        for (const DiagKindInfo &k : allDiagKinds())
          if (k.group == DiagGroup::Check)
            ids.push_back(k.id.data());
        error(entry.first.Mark(), "unknown rule '" + *id + "'" + closest(*id, ids));
        continue;
      }
      if (info(*kind).group != DiagGroup::Check) {
        error(entry.first.Mark(), "rule '" + *id +
                                      "' cannot be configured: syntax, type and input errors "
                                      "are always errors");
        continue;
      }
      if (*level == "error")
        config.rules.push_back({*kind, Severity::Error});
      else if (*level == "warning")
        config.rules.push_back({*kind, Severity::Warning});
      else if (*level == "off")
        config.rules.push_back({*kind, std::nullopt});
      else
        error(entry.second.Mark(),
              "a rule's severity is error, warning or off, not '" + *level + "'");
    }
  }

  void exclude(const YAML::Node &node, Config &config) {
    if (!node.IsSequence()) {
      error(node.Mark(), "'exclude' must be a list of glob patterns");
      return;
    }
    if (node.size() > kMaxExcludePatterns) {
      error(node.Mark(), fmt::format("'exclude' has {} patterns, more than the {} wfc takes",
                                     node.size(), kMaxExcludePatterns));
      return;
    }
    for (const auto &item : node) {
      std::optional<std::string> glob = scalar(item, "an exclude pattern");
      if (!glob)
        continue;
      if (glob->size() > kMaxGlobBytes) {
        error(item.Mark(), fmt::format("an exclude pattern of {} bytes is longer than the {} "
                                       "wfc takes",
                                       glob->size(), kMaxGlobBytes));
        continue;
      }
      llvm::Expected<Glob> pattern = Glob::create(*glob);
      if (!pattern) {
        error(item.Mark(), "bad glob '" + *glob + "': " + llvm::toString(pattern.takeError()));
        continue;
      }
      config.exclude.push_back(std::move(*pattern));
    }
  }

  void policy(const YAML::Node &node, Config &config) {
    if (!node.IsMap()) {
      error(node.Mark(), "'policy' must be a map");
      return;
    }
    std::map<std::string, YAML::Mark> seen;
    for (const auto &entry : node) {
      std::optional<std::string> key = scalar(entry.first, "a policy key");
      if (!key || !firstTime(seen, *key, entry.first.Mark(), "in 'policy'"))
        continue;
      if (*key == "require_deadline" || *key == "require_retry_backoff") {
        std::optional<bool> on = boolean(entry.second, key->c_str());
        const char *rule = *key == "require_deadline" ? "missing-deadline" : "retry-without-backoff";
        if (on && *on)
          if (std::optional<DiagKind> kind = findDiagKind(rule))
            config.rules.push_back({*kind, Severity::Error});
      } else if (*key == "max_timeout") {
        std::optional<std::string> text = scalar(entry.second, "max_timeout");
        if (!text)
          continue;
        std::optional<int64_t> millis = parseDuration(*text);
        if (!millis || *millis <= 0) {
          error(entry.second.Mark(), "max_timeout must be a duration such as 2h or 90m, found '" +
                                         *text + "'");
          continue;
        }
        config.policy.maxTimeoutMs = *millis;
      } else {
        error(entry.first.Mark(), "unknown policy '" + *key + "'" + closest(*key, kPolicyKeys));
      }
    }
  }

  // `secrets: { gitleaks_config: PATH }`: PATH relative to .wfc.yaml's
  // directory, and there.
  void secrets(const YAML::Node &node, Config &config) {
    if (!node.IsMap()) {
      error(node.Mark(), "'secrets' must be a map, such as { gitleaks_config: .gitleaks.toml }");
      return;
    }
    std::map<std::string, YAML::Mark> seen;
    for (const auto &entry : node) {
      std::optional<std::string> key = scalar(entry.first, "a secrets key");
      if (!key || !firstTime(seen, *key, entry.first.Mark(), "in 'secrets'"))
        continue;
      if (*key != "gitleaks_config") {
        error(entry.first.Mark(),
              "unknown key '" + *key + "' in 'secrets'" + closest(*key, kSecretsKeys));
        continue;
      }
      std::optional<std::string> path = scalar(entry.second, "gitleaks_config");
      if (!path)
        continue;
      llvm::SmallString<256> full(*path);
      if (llvm::sys::path::is_relative(full)) {
        full = config.dir;
        llvm::sys::path::append(full, *path);
      }
      llvm::sys::path::remove_dots(full, /*remove_dot_dot=*/true);
      if (!llvm::sys::fs::is_regular_file(full)) {
        error(entry.second.Mark(), "gitleaks_config '" + *path + "' is not a file (looked for " +
                                       std::string(full) + ")");
        continue;
      }
      config.gitleaksConfig = std::string(full);
    }
  }

  bool ok() const { return ok_; }

private:
  llvm::SourceMgr &sm_;
  unsigned buffer_;
  DiagnosticEngine &diags_;
  bool ok_ = true;
};

// Reads a configuration as source text (no NUL, valid UTF-8), up to
// kMaxConfigBytes: yaml-cpp keeps a node of some 600 bytes for each item, so
// a larger file would cost memory out of all proportion to any real use.
std::optional<unsigned> readConfigFile(llvm::StringRef path, llvm::SourceMgr &sm,
                                       DiagnosticEngine &diags) {
  std::string error;
  std::optional<FileContents> data = readFileBounded(path, kMaxConfigBytes, error);
  if (!data) {
    diags.reportFile(DiagKind::InputUnreadable, path, path, error);
    return std::nullopt;
  }
  if (data->tooLarge) {
    diags.reportFile(DiagKind::ConfigInvalid, path,
                     fmt::format("the file is larger than {} KiB, the most wfc reads of a "
                                 "configuration",
                                 kMaxConfigBytes >> 10));
    return std::nullopt;
  }
  return addSource(llvm::MemoryBuffer::getMemBufferCopy(data->bytes, path), sm, diags);
}

} // namespace

bool Config::excludes(llvm::StringRef path) const {
  if (exclude.empty())
    return false;
  llvm::SmallString<256> absolute(path);
  llvm::sys::fs::make_absolute(absolute);
  llvm::sys::path::remove_dots(absolute, /*remove_dot_dot=*/true);
  llvm::StringRef relative = absolute;
  if (!relative.consume_front(dir) || !relative.consume_front("/"))
    return false;
  for (const Glob &glob : exclude)
    if (glob.match(relative))
      return true;
  return false;
}

void Config::configure(DiagnosticEngine &diags) const {
  for (const auto &[kind, severity] : rules)
    diags.setSeverity(kind, severity);
}

std::string findConfig(llvm::StringRef start) {
  llvm::SmallString<256> dir(start.empty() ? "." : start);
  llvm::sys::fs::make_absolute(dir);
  llvm::sys::path::remove_dots(dir, /*remove_dot_dot=*/true);
  while (true) {
    llvm::SmallString<256> candidate(dir);
    llvm::sys::path::append(candidate, kConfigFileName);
    // lstat: a link that leads nowhere (or in a loop) is found too.
    llvm::sys::fs::file_status status;
    if (!llvm::sys::fs::status(candidate, status, /*follow=*/false))
      return std::string(candidate);
    llvm::StringRef parent = llvm::sys::path::parent_path(dir);
    if (parent.empty() || parent == dir)
      return "";
    dir = parent;
  }
}

std::optional<Config> loadConfig(llvm::StringRef path, llvm::SourceMgr &sm,
                                 DiagnosticEngine &diags) {
  std::optional<unsigned> buffer = readConfigFile(path, sm, diags);
  if (!buffer)
    return std::nullopt;
  return parseConfig(*buffer, path, sm, diags);
}

std::optional<Config> parseConfig(unsigned buffer, llvm::StringRef path, llvm::SourceMgr &sm,
                                  DiagnosticEngine &diags) {
  Config config;
  config.path = path.str();
  llvm::SmallString<256> dir(llvm::sys::path::parent_path(path));
  llvm::sys::fs::make_absolute(dir);
  llvm::sys::path::remove_dots(dir, /*remove_dot_dot=*/true);
  config.dir = std::string(dir);

  ConfigReader reader(sm, buffer, diags);
  try {
    YAML::Node root = YAML::Load(sm.getMemoryBuffer(buffer)->getBuffer().str());
    if (root.IsNull())
      return config; // an empty file: all defaults
    if (!root.IsMap()) {
      reader.error(root.Mark(), ".wfc.yaml must be a map with rules, exclude and policy");
      return std::nullopt;
    }
    std::map<std::string, YAML::Mark> seen;
    for (const auto &entry : root) {
      std::optional<std::string> key = reader.scalar(entry.first, "a key");
      if (!key || !reader.firstTime(seen, *key, entry.first.Mark(), "at the top level"))
        continue;
      if (*key == "rules")
        reader.rules(entry.second, config);
      else if (*key == "exclude")
        reader.exclude(entry.second, config);
      else if (*key == "policy")
        reader.policy(entry.second, config);
      else if (*key == "secrets")
        reader.secrets(entry.second, config);
      else
        reader.error(entry.first.Mark(), "unknown key '" + *key + "'" + closest(*key, kTopKeys));
    }
  } catch (const YAML::Exception &e) {
    // yaml-cpp reports malformed YAML only by throwing.
    reader.error(e.mark, "invalid YAML: " + e.msg);
  }
  if (!reader.ok())
    return std::nullopt;
  return config;
}

} // namespace wfc

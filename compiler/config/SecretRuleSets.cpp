// SecretRuleSets: finding a file's gitleaks config and loading it once.
#include "compiler/config/SecretRuleSets.h"

#include "compiler/secrets/GitleaksConfig.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

namespace wfc {

std::string findRepositoryGitleaksConfig(llvm::StringRef start) {
  llvm::SmallString<256> dir(start.empty() ? "." : start);
  llvm::sys::fs::make_absolute(dir);
  llvm::sys::path::remove_dots(dir, /*remove_dot_dot=*/true);
  while (true) {
    llvm::SmallString<256> git(dir);
    llvm::sys::path::append(git, ".git");
    if (llvm::sys::fs::exists(git)) {
      llvm::SmallString<256> config(dir);
      llvm::sys::path::append(config, secrets::kGitleaksConfigName);
      return llvm::sys::fs::is_regular_file(config) ? std::string(config) : "";
    }
    llvm::StringRef parent = llvm::sys::path::parent_path(dir);
    if (parent.empty() || parent == dir)
      return "";
    dir = parent;
  }
}

std::string SecretRuleSets::configFor(llvm::StringRef place, const Config *config) {
  if (config && !config->gitleaksConfig.empty())
    return config->gitleaksConfig;
  std::string dir = llvm::sys::path::parent_path(place).str();
  if (dir.empty())
    dir = ".";
  auto it = rootConfigByDir_.find(dir);
  if (it == rootConfigByDir_.end())
    it = rootConfigByDir_.emplace(dir, findRepositoryGitleaksConfig(dir)).first;
  return it->second;
}

const secrets::RuleSet *SecretRuleSets::forFile(llvm::StringRef place, const Config *config,
                                                bool &failed) {
  std::string path = configFor(place, config);
  if (path.empty())
    return nullptr;
  if (auto it = byPath_.find(path); it != byPath_.end())
    return it->second.get();
  if (failedPaths_.count(path)) {
    failed = true;
    return nullptr;
  }
  std::unique_ptr<secrets::RuleSet> rules = secrets::loadGitleaksConfig(path, sm_, diags_);
  if (!rules) {
    failedPaths_[path] = true;
    failed = true;
    return nullptr;
  }
  return byPath_.emplace(path, std::move(rules)).first->second.get();
}

} // namespace wfc

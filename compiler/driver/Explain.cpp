// `wfc explain`: what a rule finds, why it matters, and how to fix it.
#include "compiler/driver/Explain.h"

#include "compiler/config/Config.h"
#include "compiler/config/SecretRuleSets.h"
#include "compiler/diag/Diagnostic.h"
#include "compiler/diag/Render.h"
#include "compiler/diag/RuleDocs.h"
#include "compiler/sema/FieldDocs.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/Path.h"

namespace wfc::driver {
namespace {

llvm::StringRef groupName(DiagGroup group) {
  switch (group) {
  case DiagGroup::Input:
    return "input";
  case DiagGroup::Syntax:
    return "syntax";
  case DiagGroup::Semantic:
    return "semantic";
  case DiagGroup::Check:
    return "check";
  }
  return "";
}

// Which rules hardcoded-secret applies in the current directory, and where
// they come from: as `wfc check` would find them for a file here.
int explainSecretRules(const ExplainOptions &options, llvm::raw_ostream &out,
                       llvm::raw_ostream &err) {
  llvm::SourceMgr sm;
  DiagnosticEngine diags;
  std::string configPath = options.configPath.empty() ? findConfig(".") : options.configPath;
  std::optional<Config> config;
  if (!configPath.empty())
    config = loadConfig(configPath, sm, diags);
  SecretRuleSets sets(sm, diags);
  bool failed = diags.hasErrors();
  const secrets::RuleSet *rules =
      failed ? nullptr : sets.forFile("./here.wf", config ? &*config : nullptr, failed);
  if (failed) {
    renderGcc(err, sm, diags.diagnostics());
    err << "wfc explain: the rules of hardcoded-secret cannot be loaded here\n";
    return 2;
  }
  const secrets::RuleSet &active = rules ? *rules : secrets::RuleSet::builtin();
  out << "\nActive rules here: " << active.activeRules() << " rules, ";
  if (!rules) {
    out << "built in (provider formats; no .gitleaks.toml at the repository root and none "
           "named in .wfc.yaml).\n";
    return 0;
  }
  bool extended = llvm::any_of(active.rules(), [](const secrets::Rule &r) { return r.builtin; });
  out << "from " << active.source();
  if (config && !config->gitleaksConfig.empty())
    out << " (secrets: gitleaks_config in " << config->path << ")";
  else
    out << " (at the repository root)";
  out << (extended ? ", with the built-in rules ([extend] useDefault)" : "") << ".\n";
  return 0;
}

} // namespace

int runExplain(const ExplainOptions &options, llvm::raw_ostream &out, llvm::raw_ostream &err) {
  if (options.list) {
    if (options.markdown) {
      out << "| rule | kind | default | finds |\n|---|---|---|---|\n";
    }
    for (const DiagKindInfo &kind : allDiagKinds()) {
      std::optional<RuleDoc> doc = findRuleDoc(kind.id);
      llvm::StringRef summary = doc ? doc->summary : llvm::StringRef("(undocumented)");
      if (options.markdown)
        out << "| [`" << kind.id << "`](rules/" << kind.id << ".md) | " << groupName(kind.group)
            << " | " << severityName(kind.severity) << " | " << summary << " |\n";
      else
        out << llvm::format("%-32s %-9s %-8s ", kind.id.str().c_str(),
                            groupName(kind.group).str().c_str(),
                            severityName(kind.severity).str().c_str())
            << summary << '\n';
    }
    return 0;
  }
  if (options.rule.empty()) {
    err << "wfc explain: name a rule (wfc explain missing-timeout), or --list\n";
    return 2;
  }
  std::optional<DiagKind> kind = findDiagKind(options.rule);
  if (!kind) {
    err << "wfc explain: unknown rule '" << options.rule << "'";
    llvm::StringRef best;
    unsigned bestDistance = 4;
    for (const DiagKindInfo &k : allDiagKinds()) {
      unsigned distance = llvm::StringRef(options.rule).edit_distance(k.id, true, bestDistance);
      if (distance < bestDistance)
        best = k.id, bestDistance = distance;
    }
    if (!best.empty())
      err << "; did you mean '" << best << "'?";
    err << "\nrun 'wfc explain --list' for every rule\n";
    return 2;
  }
  const DiagKindInfo &k = info(*kind);
  if (std::optional<RuleDoc> doc = findRuleDoc(options.rule)) {
    // A doc may list the fields of each block; that list comes from sema's tables.
    std::string text = sema::withFieldReference(doc->text);
    out << text;
    if (!llvm::StringRef(text).endswith("\n"))
      out << '\n';
  } else {
    out << "# " << k.id << "\n\n(not documented yet)\n";
  }
  if (k.kind == DiagKind::HardcodedSecret)
    if (int status = explainSecretRules(options, out, err))
      return status;
  out << "\nKind: " << groupName(k.group) << ". Default severity: " << severityName(k.severity)
      << (k.group == DiagGroup::Check
              ? ". Configurable in .wfc.yaml; suppress one finding with "
                "// wfc:ignore[" + k.id.str() + "] reason.\n"
              : ". Always reported; cannot be configured or ignored.\n");
  return 0;
}

} // namespace wfc::driver

// secret-leak and secret-not-allowed: where secret values go.
//
// A secret, and everything computed from it (concatenation, interpolation,
// conditions, template arguments), is secret. The one place it may go is an
// env value: everything else — the command line (visible in `ps` and logs),
// the description, `when`, the workdir, a template parameter not declared
// `secret` — leaks it. Each leak is shown step by step, from where the secret
// is declared to where it ends up.
#include "compiler/checks/Checks.h"
#include "compiler/checks/ExprWalk.h"
#include "runtime/policy/Environment.h"

#include <cassert>
#include <set>

namespace wfc::checks {
namespace {

// The notes that retrace a flow: declared here, passed to parameter 'x' here,
// used as 'x' here, ...
void addSteps(DiagnosticEngine::Builder &diag, const ir::Program &p, ir::ExprId leaf,
              llvm::ArrayRef<ir::ExprId> vias) {
  const ir::Secret &secret = p.secrets[p.expr(leaf).as<ir::SecretRefExpr>().secret.index()];
  diag.note(NoteKind::NoteSecretDeclared, secret.nameRange, secret.name);
  // From the secret outwards: the innermost Via is the first step. Only
  // template parameters are steps: a loop variable is a constant, since a
  // loop over anything known only at run time (secrets too) is not-constant.
  for (auto it = vias.rbegin(); it != vias.rend(); ++it) {
    const ir::Expr &use = p.expr(*it);
    const ir::Via &via = p.vias[use.as<ir::ViaExpr>().via.index()];
    assert(via.kind == ir::Via::Kind::TemplateParam && "a loop variable never holds a secret");
    diag.note(NoteKind::NotePassedToParam, via.argRange, via.name, via.owner);
    diag.note(NoteKind::NoteParamUsed, use.range, via.name);
  }
}

// secret-not-allowed: each environment the task may run in must allow every
// secret it receives (`received`, each with where it is received), as the
// loader and the runtime judge it. `allowed` holds each environment's
// secrets, ascending.
void reportDeniedSecrets(CheckContext &ctx, const ir::Task &task,
                         llvm::ArrayRef<std::pair<uint32_t, llvm::SMRange>> received,
                         const std::vector<std::vector<uint32_t>> &allowed) {
  const ir::Program &p = ctx.program;
  if (p.environments.empty() || received.empty())
    return;
  std::vector<uint32_t> secrets;
  for (auto [secret, at] : received)
    secrets.push_back(secret);
  std::vector<ir::EnvId> envs = task.environments;
  if (envs.empty())
    for (size_t i = 0; i < p.environments.size(); ++i)
      envs.push_back(ir::EnvId(static_cast<uint32_t>(i)));
  for (ir::EnvId envId : envs) {
    const ir::Environment &env = p.environments[envId.index()];
    policy::Verdict verdict = policy::judge({0, secrets}, {0, allowed[envId.index()]});
    for (uint32_t denied : verdict.deniedSecrets) {
      auto [secret, at] = received[denied];
      std::vector<std::string> names;
      for (ir::SecretId s : env.secrets)
        names.push_back(p.secrets[s.index()].name);
      std::string list = names.empty() ? "no secrets"
                                       : "only " + fmt::format("{}", fmt::join(names, ", "));
      ctx.diags
          .report(DiagKind::SecretNotAllowed, at, task.name, p.secrets[secret].name, env.name)
          .note(NoteKind::NoteEnvironmentSecrets,
                env.secretsRange.Start.isValid() ? env.secretsRange : env.nameRange, env.name,
                list);
    }
  }
}

} // namespace

void checkSecretFlow(CheckContext &ctx) {
  const ir::Program &p = ctx.program;
  // The secrets each environment allows, ascending, as policy::judge wants them.
  std::vector<std::vector<uint32_t>> allowed;
  for (const ir::Environment &env : p.environments) {
    allowed.emplace_back();
    for (ir::SecretId s : env.secrets)
      allowed.back().push_back(s.index());
    llvm::sort(allowed.back());
  }
  for (const ir::Task &task : p.tasks) {
    std::set<uint32_t> received; // secrets in env values
    std::vector<std::pair<uint32_t, llvm::SMRange>> receivedAt;
    for (const TaskExpr &te : taskExprs(task)) {
      forEachLeaf(p, te.expr, [&](ir::ExprId leaf, llvm::ArrayRef<ir::ExprId> vias) {
        const ir::Expr &e = p.expr(leaf);
        if (e.kind != ir::ExprKind::SecretRef)
          return;
        uint32_t secretIndex = e.as<ir::SecretRefExpr>().secret.index();
        const ir::Secret &secret = p.secrets[secretIndex];
        if (te.env) {
          // An env value is the one place for a secret, unless it got there
          // through a template parameter not declared secret: the template
          // may print that parameter, today or after its next edit.
          for (auto it = vias.rbegin(); it != vias.rend(); ++it) {
            const ir::Via &via = p.vias[p.expr(*it).as<ir::ViaExpr>().via.index()];
            if (via.kind != ir::Via::Kind::TemplateParam || via.declaredSecret)
              continue;
            std::string sink = fmt::format(
                "parameter '{}' of template '{}', which is not declared `secret`", via.name,
                via.owner);
            ctx.diags.report(DiagKind::SecretLeak, via.argRange, secret.name, sink)
                .note(NoteKind::NoteSecretDeclared, secret.nameRange, secret.name);
            return;
          }
          if (received.insert(secretIndex).second)
            receivedAt.push_back({secretIndex, te.field});
          return;
        }
        // The caret goes where the secret enters the sink: the outermost use.
        llvm::SMRange at = vias.empty() ? e.range : p.expr(vias.front()).range;
        std::string sink = fmt::format("{} of task '{}'", te.what, task.name);
        auto diag = ctx.diags.report(DiagKind::SecretLeak, at, secret.name, sink);
        addSteps(diag, p, leaf, vias);
        if (te.field.Start.isValid() && te.field.Start.getPointer() != at.Start.getPointer())
          diag.note(NoteKind::NoteReachesSink, te.field, te.what);
      });
    }
    reportDeniedSecrets(ctx, task, receivedAt, allowed);
  }
}

} // namespace wfc::checks

// wfc's command line: subcommands, their options and --help, with llvm::cl.
//
// Every option lives in this one file, next to the subcommand it belongs to,
// so static initialisation order can never register an option before its
// subcommand. Commands themselves take plain option structs.
#include "compiler/driver/Build.h"
#include "compiler/driver/Check.h"
#include "compiler/driver/Explain.h"
#include "compiler/driver/Fmt.h"
#include "compiler/driver/Graph.h"
#include "compiler/driver/History.h"
#include "compiler/driver/Run.h"
#include "compiler/driver/Stdlib.h"
#include "compiler/driver/Vocabulary.h"
#include "compiler/lsp/Protocol.h"
#include "compiler/lsp/Server.h"
#include "compiler/sema/Sema.h"

#include "support/Units.h"
#include "wfc/Config.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <unistd.h> // environ

namespace cl = llvm::cl;

namespace {

using wfc::driver::ColorMode;
using wfc::driver::DumpKind;
using wfc::driver::OutputFormat;

cl::OptionCategory kOutputCategory("Output options");
cl::OptionCategory kInputCategory("Input options");

// Subcommands declared before the options shared with check.
cl::SubCommand kBuild("build", "Compile a pipeline to verified bytecode (.wfb); refuses one "
                               "with errors (exit 1)");
cl::SubCommand kGraph("graph", "Draw the task graph (Graphviz DOT or Mermaid)");
cl::SubCommand kDisasm("disasm", "Print every section of a .wfb file, after verifying it");
cl::SubCommand kRun("run", "Run a pipeline here (.wfb, or .wf compiled in memory): exit 0 it "
                           "succeeded, 1 a task failed, 2 nothing ran (usage, compile, bytecode, "
                           "policy or secret error), 3 it succeeded but its log could not be "
                           "written in full, 4 the journal could not record the run (it "
                           "stopped; --resume continues it), 130 interrupted, 143 terminated");
cl::SubCommand kFmt("fmt", "Rewrite pipelines in the canonical layout (exit 0 done, 1 with "
                           "--check or --diff: a file would change, 2 usage, input or syntax "
                           "error: such a file is left as it is)");

// --- wfc check -------------------------------------------------------------

cl::SubCommand kCheck("check", "Check pipelines for errors: syntax, names, types, cycles, "
                               "secret leaks, timeouts (exit 0 clean, 1 findings, 2 usage or "
                               "input error)");

cl::list<std::string> kCheckInputs(cl::Positional, cl::desc("<file.wf | directory | ->..."),
                                   cl::sub(kCheck), cl::cat(kInputCategory));

cl::opt<std::string> kStdinFilename(
    "stdin-filename", cl::value_desc("path"),
    cl::desc("Name to give the source read from '-' in messages"), cl::sub(kCheck),
    cl::cat(kInputCategory));

cl::opt<OutputFormat> kFormat(
    "format", cl::desc("How to write the report"), cl::init(OutputFormat::Text),
    cl::values(clEnumValN(OutputFormat::Text, "text", "for people: source line and caret"),
               clEnumValN(OutputFormat::Gcc, "gcc", "file:line:col: severity: message [rule]"),
               clEnumValN(OutputFormat::Json, "json", "one JSON document (docs/cli.md)"),
               clEnumValN(OutputFormat::Sarif, "sarif", "SARIF 2.1.0, for GitHub code scanning")),
    cl::sub(kCheck), cl::sub(kBuild), cl::cat(kOutputCategory));

cl::opt<ColorMode> kColor(
    "color", cl::desc("When to colour text output"), cl::init(ColorMode::Auto),
    cl::values(clEnumValN(ColorMode::Auto, "auto", "on a terminal, unless NO_COLOR is set"),
               clEnumValN(ColorMode::Always, "always", "always"),
               clEnumValN(ColorMode::Never, "never", "never")),
    cl::sub(kCheck), cl::sub(kBuild), cl::sub(kRun), cl::sub(kFmt), cl::cat(kOutputCategory));

cl::opt<DumpKind> kDump(
    "dump", cl::desc("Print an internal form instead of the summary (for tests)"),
    cl::init(DumpKind::None),
    cl::values(clEnumValN(DumpKind::Ast, "ast", "the syntax tree of each file (parse only)"),
               clEnumValN(DumpKind::Ir, "ir", "the typed IR of each pipeline")),
    cl::sub(kCheck), cl::cat(kOutputCategory));

cl::opt<std::string> kStdlib("stdlib", cl::value_desc("dir"),
                             cl::desc("Where `import \"std/…\"` finds the standard library: "
                                      "the directory that holds std/ (default: "
                                      "../share/wfc/stdlib from wfc's directory)"),
                             cl::sub(kCheck), cl::sub(kBuild), cl::sub(kRun),
                             cl::cat(kInputCategory));

// Every command that compiles a .wf stops reporting at the same limit.
cl::opt<unsigned> kErrorLimit("error-limit", cl::init(wfc::driver::kDefaultErrorLimit),
                              cl::value_desc("n"),
                              cl::desc("Stop reporting a file's errors after n (0: no limit)"),
                              cl::sub(kCheck), cl::sub(kBuild), cl::sub(kRun), cl::sub(kGraph),
                              cl::cat(kOutputCategory));

cl::opt<std::string> kCpus("cpus", cl::value_desc("n"),
                           cl::desc("CPUs that tasks declaring resources share (run: default "
                                    "those wfc may run on; check: the least that fits every "
                                    "task, for deadline-unreachable); 0.5 is half of one"),
                           cl::sub(kCheck), cl::sub(kRun), cl::cat(kInputCategory));

cl::opt<std::string> kMemory("memory", cl::value_desc("size"),
                             cl::desc("Memory that tasks declaring resources share (run: "
                                      "default this machine's; check: the least that fits "
                                      "every task); 8GiB, 512MB"),
                             cl::sub(kCheck), cl::sub(kRun), cl::cat(kInputCategory));

cl::opt<bool> kQuiet("quiet", cl::desc("No summary line"), cl::sub(kCheck),
                     cl::cat(kOutputCategory));

cl::opt<bool> kVerify("verify",
                      cl::desc("Test mode: check diagnostics against the expected-error, "
                               "expected-warning and expected-note comments in each file "
                               "(exit 0 when they match)"),
                      cl::sub(kCheck), cl::cat(kOutputCategory));

cl::opt<bool> kSplitInputFile("split-input-file",
                              cl::desc("Test mode: check each part between '// -----' lines "
                                       "of a file on its own"),
                              cl::sub(kCheck), cl::cat(kInputCategory));

cl::opt<std::string> kConfig("config", cl::value_desc("file"),
                             cl::desc("Use this .wfc.yaml for every file instead of the nearest "
                                      "one above each file"),
                             cl::sub(kCheck), cl::sub(kBuild), cl::sub(kRun), cl::sub(kGraph),
                             cl::cat(kInputCategory));

cl::opt<bool> kNoIgnores("no-ignores",
                         cl::desc("Report findings that // wfc:ignore[...] comments suppress"),
                         cl::sub(kCheck), cl::cat(kOutputCategory));

cl::opt<bool> kWerror("werror", cl::desc("Treat warnings as errors"), cl::sub(kCheck),
                      cl::sub(kBuild), cl::cat(kOutputCategory));

cl::opt<unsigned> kJobs("jobs", cl::value_desc("n"),
                        cl::desc("Check up to n files at once (default: one per core)"),
                        cl::init(0), cl::sub(kCheck), cl::cat(kInputCategory));
// Prefix: -j4 as well as -j 4 and -j=4, as make and ninja take it. Aliases
// are hidden from --help unless told otherwise.
cl::alias kJobsShort("j", cl::desc("Alias for --jobs: -j n or -jn"), cl::aliasopt(kJobs),
                     cl::Prefix, cl::NotHidden);

cl::opt<bool> kStats("stats", cl::desc("Print how long each phase took, on stderr"),
                     cl::sub(kCheck), cl::cat(kOutputCategory));

// --- wfc explain -------------------------------------------------------------

cl::SubCommand kExplain("explain", "Explain a rule: what it finds, why, and how to fix it");

cl::opt<std::string> kExplainRule(cl::Positional, cl::desc("<rule-id>"), cl::sub(kExplain));

cl::opt<bool> kExplainList("list", cl::desc("List every rule with its kind, severity and summary"),
                           cl::sub(kExplain), cl::cat(kOutputCategory));

cl::opt<std::string> kExplainConfig(
    "config", cl::value_desc("file"),
    cl::desc("For hardcoded-secret: describe the rules this .wfc.yaml selects instead of the "
             "nearest one's"),
    cl::sub(kExplain), cl::cat(kInputCategory));

cl::opt<bool> kExplainMarkdown("markdown",
                               cl::desc("With --list: a Markdown table (docs/checks.md)"),
                               cl::sub(kExplain), cl::cat(kOutputCategory));

// --- wfc fmt -----------------------------------------------------------------

cl::list<std::string> kFmtInputs(cl::Positional, cl::desc("<file.wf | directory | ->..."),
                                 cl::sub(kFmt), cl::cat(kInputCategory));

cl::opt<bool> kFmtCheck("check", cl::desc("Write nothing; list the files that would change"),
                        cl::sub(kFmt), cl::cat(kOutputCategory));

cl::opt<bool> kFmtDiff("diff", cl::desc("Write nothing; print the changes as a unified diff"),
                       cl::sub(kFmt), cl::cat(kOutputCategory));

cl::opt<std::string> kFmtStdinFilename(
    "stdin-filename", cl::value_desc("path"),
    cl::desc("Name to give the source read from '-' in messages"), cl::sub(kFmt),
    cl::cat(kInputCategory));

// --- wfc graph ---------------------------------------------------------------


cl::opt<std::string> kGraphInput(cl::Positional, cl::desc("<file.wf>"), cl::Required,
                                 cl::sub(kGraph));

cl::opt<wfc::driver::GraphFormat> kGraphFormat(
    "format", cl::desc("What to draw with"), cl::init(wfc::driver::GraphFormat::Dot),
    cl::values(clEnumValN(wfc::driver::GraphFormat::Dot, "dot", "Graphviz: dot -Tsvg"),
               clEnumValN(wfc::driver::GraphFormat::Mermaid, "mermaid",
                          "a Mermaid flowchart (renders in GitHub Markdown)")),
    cl::sub(kGraph), cl::cat(kOutputCategory));

cl::opt<std::string> kGraphStdlib("stdlib", cl::value_desc("dir"),
                                  cl::desc("Where `import \"std/…\"` finds the standard library: "
                                           "the directory that holds std/ (default: "
                                           "../share/wfc/stdlib from wfc's directory)"),
                                  cl::sub(kGraph), cl::cat(kInputCategory));

// --- wfc build -----------------------------------------------------------------


cl::opt<std::string> kBuildInput(cl::Positional, cl::desc("<file.wf>"), cl::Required,
                                 cl::sub(kBuild));

cl::opt<std::string> kBuildOutput("o", cl::value_desc("file.wfb"),
                                  cl::desc("Where to write (default: the input with .wfb)"),
                                  cl::sub(kBuild), cl::cat(kOutputCategory));

cl::opt<bool> kBuildNoDebug("no-debug-info",
                            cl::desc("Leave out the source map (task positions)"),
                            cl::sub(kBuild), cl::cat(kOutputCategory));

// --- wfc disasm ----------------------------------------------------------------


cl::opt<std::string> kDisasmInput(cl::Positional, cl::desc("<file.wfb>"), cl::Required,
                                  cl::sub(kDisasm));

// --- wfc run -------------------------------------------------------------------

cl::OptionCategory kRunCategory("Run options");

// The file, and after --resume the run's id: `wfc run p.wf --resume ID`.
cl::list<std::string> kRunInput(cl::Positional, cl::desc("<file.wfb | file.wf> [run-id]"),
                                cl::OneOrMore, cl::sub(kRun));

cl::opt<std::string> kRunEnv("env", cl::value_desc("name"),
                             cl::desc("The environment to run in (required when the pipeline "
                                      "declares environments)"),
                             cl::sub(kRun), cl::cat(kRunCategory));

cl::list<std::string> kRunApprove("approve", cl::value_desc("name"),
                                  cl::desc("Approve a run in an environment that says "
                                           "approval = true (must match --env)"),
                                  cl::sub(kRun), cl::cat(kRunCategory));

cl::list<std::string> kRunParams("param", cl::value_desc("name=value"),
                                 cl::desc("Set a param (lists: comma-separated); repeatable"),
                                 cl::sub(kRun), cl::cat(kRunCategory));

cl::opt<std::string> kRunSecretsFile("secrets-file", cl::value_desc("file"),
                                     cl::desc("Read secrets from name=value lines (mode 600 or "
                                              "stricter); otherwise from WFC_SECRET_<NAME>"),
                                     cl::sub(kRun), cl::cat(kRunCategory));

cl::opt<unsigned> kRunMaxParallel("max-parallel", cl::value_desc("n"), cl::init(0),
                                  cl::desc("Run at most n tasks at once (default: the "
                                           "pipeline's max_parallel)"),
                                  cl::sub(kRun), cl::cat(kRunCategory));

cl::opt<bool> kRunDryRun("dry-run",
                         cl::desc("Print the plan (waves, policies, secrets) and run nothing"),
                         cl::sub(kRun), cl::cat(kRunCategory));

cl::opt<std::string> kRunSimulate(
    "simulate", cl::value_desc("task=outcome,..."),
    cl::desc("Run the scheduler with scripted outcomes and no processes: ok, fail, exit(N), "
             "timeout, joined by + for successive attempts, ok:KEY=VALUE for outputs "
             "(build=fail,test=timeout+ok,check=ok:healthy=false)"),
    cl::sub(kRun), cl::cat(kRunCategory));

cl::opt<wfc::driver::EventFormat> kRunEvents(
    "events", cl::desc("What to print on stdout"), cl::init(wfc::driver::EventFormat::Text),
    cl::values(clEnumValN(wfc::driver::EventFormat::Text, "text", "progress and a summary"),
               clEnumValN(wfc::driver::EventFormat::Json, "json",
                          "one JSON object per event (docs/runtime.md)")),
    cl::sub(kRun), cl::cat(kRunCategory));

cl::opt<uint64_t> kRunSeed("seed", cl::value_desc("n"),
                           cl::desc("Seed for retry jitter (default: random; shown with "
                                    "--verbose and in events)"),
                           cl::sub(kRun), cl::cat(kRunCategory));

cl::opt<std::string> kRunId("run-id", cl::value_desc("id"),
                            cl::desc("Name the run (default: UTC time and a random suffix)"),
                            cl::sub(kRun), cl::cat(kRunCategory));

cl::opt<std::string> kRunStateDir("state-dir", cl::value_desc("dir"),
                                  cl::desc("Where runs keep their journal (state.db) and logs "
                                           "(default: .wfc next to the pipeline)"),
                                  cl::sub(kRun), cl::cat(kRunCategory));
cl::alias kRunStateShort("state", cl::desc("Alias for --state-dir"), cl::aliasopt(kRunStateDir),
                         cl::NotHidden);

cl::opt<std::string> kRunResume(
    "resume", cl::ValueOptional, cl::value_desc("run-id"),
    cl::desc("Continue a crashed, killed or interrupted run (default: the latest unfinished run "
             "of this pipeline): what succeeded does not run again"),
    cl::sub(kRun), cl::cat(kRunCategory));

cl::opt<std::string> kRunRerunFailed(
    "rerun-failed", cl::value_desc("run-id"),
    cl::desc("Run a run's failed tasks and every task after them again (Airflow's clear)"),
    cl::sub(kRun), cl::cat(kRunCategory));

cl::opt<bool> kRunForce("force",
                        cl::desc("With --resume or --rerun-failed: continue although the "
                                 "pipeline changed, when its set of tasks is the same"),
                        cl::sub(kRun), cl::cat(kRunCategory));

cl::opt<std::string> kRunMetricsFile(
    "metrics-file", cl::value_desc("file"),
    cl::desc("Write the run's metrics there in the Prometheus text format (through a temporary "
             "file and a rename)"),
    cl::sub(kRun), cl::cat(kRunCategory));

cl::opt<std::string> kRunGrace("kill-grace", cl::value_desc("duration"), cl::init("5s"),
                               cl::desc("Between SIGTERM and SIGKILL when a task is stopped (default 5s)"),
                               cl::sub(kRun), cl::cat(kRunCategory));

cl::opt<wfc::driver::SandboxMode> kRunSandbox(
    "sandbox", cl::desc("How tasks are isolated (docs/runtime.md)"),
    cl::init(wfc::driver::SandboxMode::Auto),
    cl::values(clEnumValN(wfc::driver::SandboxMode::Auto, "auto",
                          "sandbox each task; without one, with a warning, where this machine "
                          "cannot"),
               clEnumValN(wfc::driver::SandboxMode::Strict, "strict",
                          "sandbox each task, or refuse to run"),
               clEnumValN(wfc::driver::SandboxMode::Off, "off", "no sandbox")),
    cl::sub(kRun), cl::cat(kRunCategory));

cl::opt<bool> kRunVerbose("verbose", cl::desc("Show every attempt's start, the seed and the "
                                              "sandbox applied"),
                          cl::sub(kRun), cl::cat(kRunCategory));
cl::alias kRunVerboseShort("v", cl::desc("Alias for --verbose"), cl::aliasopt(kRunVerbose),
                           cl::NotHidden);

// --- wfc lsp -------------------------------------------------------------------

cl::SubCommand kLsp("lsp", "Serve the Language Server Protocol on stdin and stdout, for editors "
                           "(exit 0 after shutdown and exit, 1 after exit alone or the end of "
                           "input)");

cl::opt<std::string> kLspStdlib("stdlib", cl::value_desc("dir"),
                                cl::desc("Where `import \"std/…\"` finds the standard library "
                                         "(default: ../share/wfc/stdlib from wfc's directory)"),
                                cl::sub(kLsp), cl::cat(kInputCategory));

cl::opt<std::string> kLspRuleDocs(
    "rule-docs-url", cl::value_desc("url"),
    cl::desc("Where diagnostics link to their rule's page, URL + RULE.md (default: the "
             "docs/rules directory installed beside wfc or of its source tree, as a file: URL)"),
    cl::sub(kLsp), cl::cat(kOutputCategory));

cl::opt<unsigned> kLspDebounce("debounce", cl::value_desc("ms"), cl::init(10),
                               cl::desc("Check a document this long after its last edit "
                                        "(default 10)"),
                               cl::sub(kLsp), cl::cat(kInputCategory));
// --- wfc runs, show, logs ------------------------------------------------------

cl::OptionCategory kHistoryCategory("History options");

cl::SubCommand kRuns("runs", "List recent runs from the journal (.wfc/state.db), or prune old "
                             "ones (exit 0 done, 2 usage error or the journal cannot be read)");
cl::SubCommand kShow("show", "Show one run: its tasks, attempts, durations and reasons (exit 0 "
                             "done, 1 no such run, 2 usage error or the journal cannot be read)");
cl::SubCommand kLogs("logs", "Print a run's log as stored (masked), or one task's or attempt's "
                             "lines (exit 0 done, 1 no such run, task or attempt, 2 usage "
                             "error or the journal cannot be read)");

cl::opt<std::string> kRunsPipeline(cl::Positional, cl::desc("[file.wf]"), cl::sub(kRuns));
cl::list<std::string> kShowArgs(cl::Positional, cl::desc("<run-id>"), cl::sub(kShow));
cl::list<std::string> kLogsArgs(cl::Positional, cl::desc("<run-id> [task]"), cl::sub(kLogs));

cl::opt<std::string> kHistoryState(
    "state", cl::value_desc("dir"),
    cl::desc("The state directory (default: .wfc next to the pipeline file, or here)"),
    cl::sub(kRuns), cl::sub(kShow), cl::sub(kLogs), cl::cat(kHistoryCategory));
cl::alias kHistoryStateDir("state-dir", cl::desc("Alias for --state"),
                           cl::aliasopt(kHistoryState), cl::NotHidden);

cl::opt<wfc::driver::HistoryFormat> kHistoryFormat(
    "format", cl::desc("How to print"), cl::init(wfc::driver::HistoryFormat::Text),
    cl::values(clEnumValN(wfc::driver::HistoryFormat::Text, "text", "a table"),
               clEnumValN(wfc::driver::HistoryFormat::Json, "json", "one JSON document")),
    cl::sub(kRuns), cl::sub(kShow), cl::cat(kHistoryCategory));

cl::opt<unsigned> kRunsLimit("limit", cl::value_desc("n"), cl::init(20),
                             cl::desc("List the n latest runs (default 20)"), cl::sub(kRuns),
                             cl::cat(kHistoryCategory));
cl::opt<bool> kRunsPrune("prune", cl::desc("Delete old runs' records and directories together"),
                         cl::sub(kRuns), cl::cat(kHistoryCategory));
cl::opt<unsigned> kRunsKeep("keep", cl::value_desc("n"),
                            cl::desc("With --prune: keep the n latest runs"), cl::sub(kRuns),
                            cl::cat(kHistoryCategory));
cl::opt<std::string> kRunsOlderThan(
    "older-than", cl::value_desc("duration"),
    cl::desc("With --prune: delete the runs started longer ago than this (30d, 12h)"),
    cl::sub(kRuns), cl::cat(kHistoryCategory));
cl::opt<unsigned> kLogsAttempt("attempt", cl::value_desc("n"), cl::init(0),
                               cl::desc("Only attempt n of the task"), cl::sub(kLogs),
                               cl::cat(kHistoryCategory));

// For tests/editors/: the keywords and field names every editor grammar must know.
cl::opt<bool> kPrintVocabulary("print-vocabulary", cl::Hidden,
                               cl::desc("Print the language's keywords, fields, types and "
                                        "trigger rules, one a line"));

const char *const kCommands[] = {"build", "check", "disasm", "explain", "fmt", "graph",
                                 "logs",  "lsp",   "run",    "runs",    "show"};

void printVersion(llvm::raw_ostream &os) { os << "wfc " << WFC_VERSION << '\n'; }

// A first argument that is neither an option nor a command is a typo, not a
// positional argument: say so, with the closest command.
bool rejectUnknownCommand(int argc, char **argv) {
  if (argc < 2 || argv[1][0] == '-')
    return false;
  llvm::StringRef given = argv[1];
  llvm::StringRef best;
  unsigned bestDistance = 3;
  for (llvm::StringRef command : kCommands) {
    if (command == given)
      return false;
    unsigned distance = given.edit_distance(command);
    if (distance < bestDistance)
      best = command, bestDistance = distance;
  }
  llvm::errs() << "wfc: unknown command '" << given << "'";
  if (!best.empty())
    llvm::errs() << "; did you mean '" << best << "'?";
  llvm::errs() << "\nrun 'wfc --help' for the list of commands\n";
  return true;
}

// The standard library for `command`: --stdlib DIR once it is known to be
// one, or the one beside wfc (empty if there is none: an import of std/...
// then says so). Nothing after a bad --stdlib, which is a usage error.
// --cpus and --memory, into thousandths of a core and bytes (0: not given).
bool parseCapacity(const char *command, uint64_t &cpuMilli, uint64_t &memoryBytes) {
  if (kCpus.getNumOccurrences()) {
    std::optional<uint32_t> cpus = wfc::parseCpu(kCpus);
    if (!cpus) {
      llvm::errs() << "wfc " << command << ": --cpus: '" << kCpus
                   << "' is not a number of CPUs (2, 0.5; at most 3 decimals)\n";
      return false;
    }
    cpuMilli = *cpus;
  }
  if (kMemory.getNumOccurrences()) {
    std::optional<int64_t> memory = wfc::parseSize(kMemory);
    if (!memory || *memory <= 0) {
      llvm::errs() << "wfc " << command << ": --memory: '" << kMemory
                   << "' is not a size (8GiB, 512MB)\n";
      return false;
    }
    memoryBytes = uint64_t(*memory);
  }
  return true;
}

std::optional<std::string> stdlibFor(llvm::StringRef command, const std::string &given,
                                     const char *argv0) {
  if (given.empty())
    return wfc::driver::findStdlib(argv0);
  if (std::optional<std::string> problem = wfc::driver::checkStdlibDir(given)) {
    llvm::errs() << "wfc " << command << ": --stdlib: " << *problem << '\n';
    return std::nullopt;
  }
  return given;
}

// `wfc check`: its flags checked and turned into CheckOptions.
int checkCommand(const char *argv0) {
  wfc::driver::CheckOptions options;
  options.inputs.assign(kCheckInputs.begin(), kCheckInputs.end());
  options.stdinFilename = kStdinFilename;
  // Standard input can be read once; a name for it needs it among the
  // inputs; a dump is text, which a JSON or SARIF document cannot hold.
  size_t stdins = llvm::count(options.inputs, "-");
  if (stdins > 1) {
    llvm::errs() << "wfc check: standard input ('-') is given " << stdins
                 << " times; it can be read once\n";
    return 2;
  }
  if (!options.stdinFilename.empty() && stdins == 0) {
    llvm::errs() << "wfc check: --stdin-filename names standard input, but '-' is not "
                    "among the inputs\n";
    return 2;
  }
  if (kDump != DumpKind::None &&
      (kFormat == OutputFormat::Json || kFormat == OutputFormat::Sarif)) {
    llvm::errs() << "wfc check: --dump prints text; use it with --format text or gcc\n";
    return 2;
  }
  std::optional<std::string> stdlib = stdlibFor("check", kStdlib, argv0);
  if (!stdlib)
    return 2;
  options.stdlibDir = *stdlib;
  options.format = kFormat;
  options.color = kColor;
  options.dump = kDump;
  options.errorLimit = kErrorLimit;
  options.quiet = kQuiet;
  options.verify = kVerify;
  options.configPath = kConfig;
  options.noIgnores = kNoIgnores;
  options.werror = kWerror;
  options.jobs = kJobs;
  options.stats = kStats;
  options.splitInputFile = kSplitInputFile;
  if (!parseCapacity("check", options.cpuMilli, options.memoryBytes))
    return 2;
  return wfc::driver::runCheck(options, llvm::outs(), llvm::errs());
}

// `wfc build`: its flags checked and turned into BuildOptions.
int buildCommand(const char *argv0) {
  if (kFormat == OutputFormat::Json || kFormat == OutputFormat::Sarif) {
    llvm::errs() << "wfc build: --format is text or gcc (use wfc check for json and sarif)\n";
    return 2;
  }
  wfc::driver::BuildOptions options;
  options.input = kBuildInput;
  options.output = kBuildOutput;
  std::optional<std::string> stdlib = stdlibFor("build", kStdlib, argv0);
  if (!stdlib)
    return 2;
  options.stdlibDir = *stdlib;
  options.configPath = kConfig;
  options.format = kFormat;
  options.color = kColor;
  options.debugInfo = !kBuildNoDebug;
  options.werror = kWerror;
  options.errorLimit = kErrorLimit;
  return wfc::driver::runBuild(options, llvm::outs(), llvm::errs());
}

// `wfc run`: its flags checked and turned into RunCommandOptions.
int runCommand(const char *argv0) {
  wfc::driver::RunCommandOptions options;
  options.input = kRunInput.front();
  options.resume = kRunResume.getNumOccurrences() > 0;
  options.resumeRunId = kRunResume;
  if (kRunInput.size() > 2 || (kRunInput.size() == 2 && !options.resume) ||
      (kRunInput.size() == 2 && !options.resumeRunId.empty())) {
    llvm::errs() << "wfc run: one pipeline file, and after it a run id only with --resume\n";
    return 2;
  }
  if (kRunInput.size() == 2)
    options.resumeRunId = kRunInput[1];
  options.rerunFailed = kRunRerunFailed;
  options.force = kRunForce;
  options.metricsFile = kRunMetricsFile;
  std::optional<std::string> stdlib = stdlibFor("run", kStdlib, argv0);
  if (!stdlib)
    return 2;
  options.stdlibDir = *stdlib;
  options.configPath = kConfig;
  options.errorLimit = kErrorLimit;
  options.environment = kRunEnv;
  options.approvals.assign(kRunApprove.begin(), kRunApprove.end());
  options.params.assign(kRunParams.begin(), kRunParams.end());
  options.secretsFile = kRunSecretsFile;
  options.maxParallel = kRunMaxParallel;
  if (!parseCapacity("run", options.cpuMilli, options.memoryBytes))
    return 2;
  options.dryRun = kRunDryRun;
  options.simulate = kRunSimulate;
  options.events = kRunEvents;
  if (kRunSeed.getNumOccurrences())
    options.seed = kRunSeed;
  options.runId = kRunId;
  options.stateDir = kRunStateDir;
  std::optional<int64_t> grace = wfc::parseDuration(kRunGrace);
  if (!grace) {
    llvm::errs() << "wfc run: --kill-grace: '" << kRunGrace << "' is not a duration (5s, 500ms)\n";
    return 2;
  }
  options.graceMs = *grace;
  options.color = kColor;
  options.verbose = kRunVerbose;
  options.sandbox = kRunSandbox;
  int code = wfc::driver::runRun(options, environ, llvm::outs(), llvm::errs());
  // A reader that went away (`wfc run | head`) is not an error of the run,
  // and a full standard output or error has been said (or cannot be):
  // neither may abort wfc at exit.
  llvm::outs().flush();
  llvm::outs().clear_error();
  llvm::errs().clear_error();
  return code;
}

// `wfc graph`: its flags turned into GraphOptions.
int graphCommand(const char *argv0) {
  wfc::driver::GraphOptions options;
  options.input = kGraphInput;
  options.format = kGraphFormat;
  options.configPath = kConfig;
  options.errorLimit = kErrorLimit;
  std::optional<std::string> stdlib = stdlibFor("graph", kGraphStdlib, argv0);
  if (!stdlib)
    return 2;
  options.stdlibDir = *stdlib;
  return wfc::driver::runGraph(options, llvm::outs(), llvm::errs());
}

// `wfc fmt`: its flags checked and turned into FmtOptions.
int fmtCommand() {
  wfc::driver::FmtOptions options;
  options.inputs.assign(kFmtInputs.begin(), kFmtInputs.end());
  options.stdinFilename = kFmtStdinFilename;
  options.check = kFmtCheck;
  options.diff = kFmtDiff;
  options.color = kColor;
  if (llvm::count(options.inputs, "-") > 1) {
    llvm::errs() << "wfc fmt: standard input ('-') can be read once\n";
    return 2;
  }
  return wfc::driver::runFmt(options, llvm::outs(), llvm::errs());
}

// `wfc explain`: its flags turned into ExplainOptions.
int explainCommand() {
  wfc::driver::ExplainOptions options;
  options.rule = kExplainRule;
  options.list = kExplainList;
  options.markdown = kExplainMarkdown;
  options.configPath = kExplainConfig;
  return wfc::driver::runExplain(options, llvm::outs(), llvm::errs());
}

// The rule pages diagnostics link to: the docs installed beside wfc
// (share/doc/wfc/rules), else those of the source tree it was built from.
std::string defaultRuleDocsUrl(const char *argv0) {
  std::string exe = llvm::sys::fs::getMainExecutable(argv0, (void *)&defaultRuleDocsUrl);
  llvm::SmallString<256> installed(llvm::sys::path::parent_path(exe));
  llvm::sys::path::append(installed, "..", "share", "doc");
  llvm::sys::path::append(installed, "wfc", "rules");
  llvm::sys::path::remove_dots(installed, /*remove_dot_dot=*/true);
  for (llvm::StringRef dir : {llvm::StringRef(installed), llvm::StringRef(WFC_RULE_DOCS_DIR)})
    if (llvm::sys::fs::is_directory(dir))
      return wfc::lsp::pathToUri(dir) + "/";
  return "";
}

// `wfc lsp`: its flags turned into ServerOptions; serves stdin and stdout.
int lspCommand(const char *argv0) {
  wfc::lsp::ServerOptions options;
  std::optional<std::string> stdlib = stdlibFor("lsp", kLspStdlib, argv0);
  if (!stdlib)
    return 2;
  options.stdlibDir = *stdlib;
  options.ruleDocsUrl =
      kLspRuleDocs.getNumOccurrences() ? std::string(kLspRuleDocs) : defaultRuleDocsUrl(argv0);
  options.debounce = std::chrono::milliseconds(kLspDebounce);
  return wfc::lsp::runServer(options, /*in=*/0, /*out=*/1);
}

// wfc runs, show and logs.
int runHistory(const char *argv0) {
  wfc::driver::HistoryOptions options;
  options.stateDir = kHistoryState;
  options.format = kHistoryFormat;
  if (kRuns) {
    options.pipeline = kRunsPipeline;
    options.limit = kRunsLimit;
    options.prune = kRunsPrune;
    if (kRunsKeep.getNumOccurrences())
      options.keep = kRunsKeep;
    if (kRunsOlderThan.getNumOccurrences()) {
      std::optional<int64_t> ms = wfc::parseDuration(kRunsOlderThan);
      if (!ms) {
        llvm::errs() << "wfc runs: --older-than: '" << kRunsOlderThan
                     << "' is not a duration (30d, 12h)\n";
        return 2;
      }
      options.olderThanMs = *ms;
    }
    return wfc::driver::runRuns(options, llvm::outs(), llvm::errs());
  }
  const cl::list<std::string> &args = kShow ? kShowArgs : kLogsArgs;
  const char *command = kShow ? "show" : "logs";
  if (args.empty() || args.size() > (kShow ? 1u : 2u)) {
    llvm::errs() << "wfc " << command << ": usage: wfc " << command
                 << (kShow ? " RUN_ID" : " RUN_ID [TASK] [--attempt N]") << '\n';
    return 2;
  }
  options.runId = args[0];
  if (args.size() == 2)
    options.task = args[1];
  if (kLogs && kLogsAttempt && options.task.empty()) {
    llvm::errs() << "wfc logs: --attempt needs a task\n";
    return 2;
  }
  options.attempt = kLogsAttempt;
  return kShow ? wfc::driver::runShow(options, llvm::outs(), llvm::errs())
               : wfc::driver::runLogs(options, llvm::outs(), llvm::errs());
}

} // namespace

int main(int argc, char **argv) {
  cl::SetVersionPrinter(printVersion);
  cl::HideUnrelatedOptions({&kOutputCategory, &kInputCategory, &kRunCategory, &kHistoryCategory});
  if (rejectUnknownCommand(argc, argv))
    return 2;
  if (!cl::ParseCommandLineOptions(argc, argv,
                                   "wfc: check, compile and run pipelines\n\n"
                                   "  wfc check FILE.wf|DIR|-...   check pipelines\n"
                                   "  wfc build FILE.wf [-o F.wfb] compile to verified bytecode\n"
                                   "  wfc disasm FILE.wfb          print bytecode readably\n"
                                   "  wfc explain RULE             explain a rule (--list: all)\n"
                                   "  wfc fmt FILE.wf|DIR|-...     rewrite in the canonical layout\n"
                                   "  wfc graph FILE.wf            draw the task graph\n"
                                   "  wfc lsp                      language server for editors\n"
                                   "  wfc run FILE.wfb|FILE.wf     run the pipeline here\n"
                                   "  wfc runs [FILE.wf]           list recent runs (--prune)\n"
                                   "  wfc show RUN_ID              a run's tasks and attempts\n"
                                   "  wfc logs RUN_ID [TASK]       a run's log, as stored\n",
                                   &llvm::errs()))
    return 2;

  if (kPrintVocabulary) {
    wfc::driver::printVocabulary(llvm::outs());
    return 0;
  }
  if (kCheck)
    return checkCommand(argv[0]);
  if (kBuild)
    return buildCommand(argv[0]);
  if (kDisasm)
    return wfc::driver::runDisasm(kDisasmInput, llvm::outs(), llvm::errs());
  if (kRun)
    return runCommand(argv[0]);
  if (kRuns || kShow || kLogs)
    return runHistory(argv[0]);
  if (kGraph)
    return graphCommand(argv[0]);
  if (kFmt)
    return fmtCommand();
  if (kLsp)
    return lspCommand(argv[0]);
  if (kExplain)
    return explainCommand();

  llvm::errs() << "usage: wfc <command> [options] [inputs]\n"
                  "run 'wfc --help' for the list of commands\n";
  return 2;
}

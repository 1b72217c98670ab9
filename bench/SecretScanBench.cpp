// Google Benchmark: hardcoded-secret on a 10 MB pipeline of 20,000 string literals.
//
//   build/release/bench/wfc_secret_scan_bench [--wf=FILE.wf] [benchmark flags]
//
// Without --wf it generates the file: 4,000 tasks, each a long shell
// command, a JSON or YAML config blob, base64 data, a URL and a credential
// name with a random value; keywords of many rules turn up everywhere, and
// one task in fifty holds a real-looking token. Two benchmarks:
//   scanLiterals   the rule set over every literal with its name (the rule's
//                  cost without walking the syntax tree);
//   redactFile     the rule as wfc runs it on a parsed file: the walk over
//                  every string, the scan, and keeping each find out of reports.
// Target (issue 19): under 200 ms for the whole file.
#include "compiler/ast/Ast.h"
#include "compiler/checks/Checks.h"
#include "compiler/secrets/SecretRules.h"
#include "compiler/source/Source.h"
#include "compiler/syntax/Parse.h"

#include "llvm/Support/MemoryBuffer.h"

#include <benchmark/benchmark.h>

#include <cstring>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>

namespace {

std::string gSource;

std::string randomText(std::mt19937 &rng, const char *alphabet, size_t n) {
  std::string out;
  size_t size = std::strlen(alphabet);
  for (size_t i = 0; i < n; ++i)
    out += alphabet[rng() % size];
  return out;
}

// A wfc string literal's body: quotes, backslashes, dollars and line breaks
// escaped.
std::string escaped(const std::string &text) {
  std::string out;
  for (char c : text) {
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    if (c == '"' || c == '\\' || c == '$')
      out += '\\';
    out += c;
  }
  return out;
}

std::string generate() {
  std::mt19937 rng(19);
  const char *b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const char *hex = "0123456789abcdef";
  std::ostringstream out;
  out << "pipeline bench { deadline = 10h defaults { timeout = 10m } }\n";
  for (int t = 0; t < 4000; ++t) {
    std::string command =
        "set -eu; curl -fsSL --retry 3 -H 'Accept: application/json' -H 'X-Request-Id: " +
        randomText(rng, hex, 32) + "' https://api.example.com/v2/projects/" +
        std::to_string(t) + "/deployments?token_type=bearer&key=cache-" +
        randomText(rng, hex, 12) + " | jq -r '.items[] | select(.status == \"ready\") | .id' > "
        "ids.txt && for id in $(cat ids.txt); do ./deploy.sh --secret-name app/db-password "
        "--region eu-west-1 --id \"$id\"; done && git push origin HEAD:refs/heads/release-" +
        std::to_string(t);
    std::string json = "{\"service\": \"storefront-" + std::to_string(t) +
                       "\", \"replicas\": 3, \"auth\": {\"type\": \"oidc\", \"issuer\": "
                       "\"https://auth.example.com\", \"audience\": \"api\"}, \"cache_key\": \"" +
                       randomText(rng, hex, 40) + "\", \"secret_ref\": \"vault:kv/app#password\", "
                       "\"notes\": \"rotate the api key every 90 days; tokens expire after 1h\"}";
    std::string yaml = "kind: ConfigMap\nmetadata:\n  name: app-" + std::to_string(t) +
                       "\ndata:\n  LOG_LEVEL: info\n  TOKEN_URL: https://auth.example.com/token\n"
                       "  PASSWORD_FILE: /run/secrets/db\n  CHECKSUM: " +
                       randomText(rng, hex, 64) + "\n  API_VERSION: v2\n  FEATURE_FLAGS: "
                       "search,checkout,recommendations,wishlist,reviews\n";
    std::string blob = randomText(rng, b64, 1250);
    std::string value = randomText(rng, b64, 32);
    if (t % 50 == 0)
      value = "ghp_" + randomText(rng, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 36);
    out << "task t" << t << " {\n  run = \"" << escaped(command) << "\"\n  env = {\n"
        << "    APP_CONFIG = \"" << escaped(json) << "\"\n"
        << "    MANIFEST = \"" << escaped(yaml) << "\"\n"
        << "    PAYLOAD_B64 = \"" << blob << "\"\n"
        << "    SERVICE_TOKEN = \"" << escaped(value) << "\"\n  }\n}\n";
  }
  return out.str();
}

// Every literal's text and the name it is the value of, as the rule sees them.
struct Literal {
  std::string text;
  std::string name;
};

std::vector<Literal> literals(const std::string &source) {
  std::vector<Literal> out;
  size_t pos = 0;
  while ((pos = source.find(" = \"", pos)) != std::string::npos) {
    size_t nameStart = source.rfind(' ', pos - 1) + 1;
    size_t end = pos + 4;
    std::string text;
    for (; end < source.size() && source[end] != '"'; ++end) {
      if (source[end] == '\\') {
        char c = source[++end];
        text += c == 'n' ? '\n' : c;
      } else {
        text += source[end];
      }
    }
    out.push_back({text, source.substr(nameStart, pos - nameStart)});
    pos = end;
  }
  return out;
}

void scanLiterals(benchmark::State &state) {
  std::vector<Literal> all = literals(gSource);
  const wfc::secrets::RuleSet &rules = wfc::secrets::RuleSet::builtin();
  llvm::SmallVector<wfc::secrets::Match, 8> found;
  for (const Literal &l : all) // compile what the file needs, outside the timing
    rules.scan(l.text, l.name, "bench.wf", found);
  for (auto _ : state) {
    found.clear();
    for (const Literal &l : all)
      rules.scan(l.text, l.name, "bench.wf", found);
    benchmark::DoNotOptimize(found.size());
  }
  state.counters["literals"] = double(all.size());
  state.counters["found"] = double(found.size());
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(gSource.size()));
}
BENCHMARK(scanLiterals)->Unit(benchmark::kMillisecond)->Repetitions(5)->ReportAggregatesOnly(true);

void redactFile(benchmark::State &state) {
  llvm::SourceMgr sm;
  wfc::DiagnosticEngine parseDiags;
  wfc::ast::Context ast;
  std::optional<unsigned> buffer =
      wfc::addSource(llvm::MemoryBuffer::getMemBufferCopy(gSource, "bench.wf"), sm, parseDiags);
  const wfc::ast::File *file = buffer ? wfc::parse(sm, *buffer, ast, parseDiags) : nullptr;
  if (!file || parseDiags.hasErrors()) {
    state.SkipWithError("the generated pipeline does not parse");
    return;
  }
  for (auto _ : state) {
    wfc::DiagnosticEngine diags;
    wfc::checks::redactHardcodedSecrets(sm, {file}, diags);
    benchmark::DoNotOptimize(diags.diagnostics().size());
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(gSource.size()));
}
BENCHMARK(redactFile)->Unit(benchmark::kMillisecond)->Repetitions(5)->ReportAggregatesOnly(true);

} // namespace

int main(int argc, char **argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--wf=", 5) != 0)
      continue;
    std::ifstream in(argv[i] + 5, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    gSource = text.str();
    for (int j = i; j + 1 < argc; ++j)
      argv[j] = argv[j + 1];
    --argc;
    break;
  }
  if (gSource.empty())
    gSource = generate();
  std::cerr << "pipeline: " << gSource.size() << " bytes, " << literals(gSource).size()
            << " literals\n";
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  return 0;
}

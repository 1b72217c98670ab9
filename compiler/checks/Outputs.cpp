// Outputs: a task may read only declared outputs of tasks it runs after.
#include "compiler/checks/Checks.h"
#include "compiler/checks/ExprWalk.h"

#include <algorithm>
#include <cassert>

namespace wfc::checks {
namespace {

// Answers, for a batch of pairs (from, to), whether `to` runs after `from`:
// whether a non-empty chain of `after` leads from `from` to `to` (a task in a
// dependency cycle runs after itself). Exact, and close to linear on the
// graphs pipelines have.
//
// No algorithm is known that answers arbitrary reachability queries exactly
// in near-linear time, so this settles most pairs with O(1) tests on labels
// computed in O(n + e), and only the rest with a search. On the graph of
// strongly connected components, in a topological order:
//  - `from` after `to` in the order: no;
//  - `from` is an ancestor of `to` in a spanning forest (each component's
//    parent is one of its dependencies), tested on DFS intervals: yes; this
//    settles every pair in a chain or a tree, however far apart;
//  - `from` is a direct dependency of `to`: yes (the dependencies of each
//    `to` are marked once, so this costs O(e + q) for q pairs in all).
// Pairs left go by their `from`, 64 at a time, into one sweep of the
// topological order from the first `from` to the last `to` of the block,
// which carries a 64-bit mask of the `from`s each component runs after.
// Total: O(n + e + q log q), plus ⌈p / 64⌉ sweeps for the p distinct `from`s
// of the pairs left, each over the part of the order between its block's
// first `from` and last `to`. A sweep is O(n + e) at most, so the worst case
// is O((n + e) · p / 64): many unrelated, far-apart pairs in a graph far from
// a forest. Chains, trees and reads of direct dependencies never sweep.
// Memory is O(n + e + q).
class RunsAfter {
public:
  RunsAfter(const ir::TaskGraph &graph, bool acyclic);
  std::vector<bool> query(llvm::ArrayRef<std::pair<uint32_t, uint32_t>> pairs);

private:
  llvm::ArrayRef<uint32_t> deps(uint32_t c) const {
    return llvm::ArrayRef<uint32_t>(deps_).slice(depStart_[c], depStart_[c + 1] - depStart_[c]);
  }
  bool treeAncestor(uint32_t a, uint32_t b) const {
    return enter_[a] <= enter_[b] && enter_[b] < enter_[a] + size_[a];
  }
  void sweep(llvm::ArrayRef<uint32_t> block, llvm::ArrayRef<std::pair<uint32_t, uint32_t>> pairs,
             std::vector<bool> &answers);

  std::vector<uint32_t> comp_;          // task -> its component
  std::vector<bool> cyclic_;            // the component runs after itself
  std::vector<uint32_t> depStart_, deps_; // the components' dependencies (CSR)
  std::vector<uint32_t> order_, pos_;   // a topological order, and each one's place in it
  std::vector<uint32_t> enter_, size_;  // preorder number and subtree size in the forest
  std::vector<uint64_t> mask_;          // scratch for the sweeps
  std::vector<int8_t> bit_;             // scratch: a `from`'s bit in the current block
};

RunsAfter::RunsAfter(const ir::TaskGraph &graph, bool acyclic) {
  uint32_t n = static_cast<uint32_t>(graph.size());
  // Components: each cycle is one, every other task its own.
  comp_.assign(n, UINT32_MAX);
  uint32_t count = 0;
  if (!acyclic)
    for (const std::vector<uint32_t> &cycle : graph.cycles()) {
      for (uint32_t t : cycle)
        comp_[t] = count;
      cyclic_.push_back(true);
      ++count;
    }
  for (uint32_t t = 0; t < n; ++t)
    if (comp_[t] == UINT32_MAX) {
      comp_[t] = count++;
      cyclic_.push_back(false);
    }

  depStart_.assign(count + 1, 0);
  for (uint32_t t = 0; t < n; ++t)
    for (uint32_t d : graph.dependencies(t))
      depStart_[comp_[t] + 1] += comp_[d] != comp_[t];
  for (uint32_t c = 0; c < count; ++c)
    depStart_[c + 1] += depStart_[c];
  deps_.resize(depStart_[count]);
  std::vector<uint32_t> fill(depStart_.begin(), depStart_.end() - 1);
  std::vector<uint32_t> waiting(count, 0);
  std::vector<uint32_t> userStart(count + 1, 0);
  for (uint32_t t = 0; t < n; ++t)
    for (uint32_t d : graph.dependencies(t))
      if (comp_[d] != comp_[t]) {
        deps_[fill[comp_[t]]++] = comp_[d];
        ++waiting[comp_[t]];
        ++userStart[comp_[d] + 1];
      }
  for (uint32_t c = 0; c < count; ++c)
    userStart[c + 1] += userStart[c];
  std::vector<uint32_t> users(deps_.size());
  fill.assign(userStart.begin(), userStart.end() - 1);
  for (uint32_t c = 0; c < count; ++c)
    for (uint32_t d : deps(c))
      users[fill[d]++] = c;

  // Kahn's algorithm; the graph of components has no cycle.
  order_.reserve(count);
  for (uint32_t c = 0; c < count; ++c)
    if (!waiting[c])
      order_.push_back(c);
  for (size_t i = 0; i < order_.size(); ++i)
    for (uint32_t j = userStart[order_[i]]; j < userStart[order_[i] + 1]; ++j)
      if (--waiting[users[j]] == 0)
        order_.push_back(users[j]);
  assert(order_.size() == count && "the graph of components is acyclic");
  pos_.resize(count);
  for (uint32_t i = 0; i < count; ++i)
    pos_[order_[i]] = i;

  // The spanning forest: a component's parent is its latest dependency.
  // Parents come first in the order, so sizes add up backwards and preorder
  // numbers are handed out forwards, without recursion.
  std::vector<uint32_t> parent(count, UINT32_MAX);
  for (uint32_t c = 0; c < count; ++c)
    for (uint32_t d : deps(c))
      if (parent[c] == UINT32_MAX || pos_[d] > pos_[parent[c]])
        parent[c] = d;
  size_.assign(count, 1);
  for (uint32_t i = count; i-- > 0;)
    if (parent[order_[i]] != UINT32_MAX)
      size_[parent[order_[i]]] += size_[order_[i]];
  enter_.assign(count, 0);
  std::vector<uint32_t> nextChild(count, 0);
  uint32_t next = 0;
  for (uint32_t c : order_) {
    uint32_t p = parent[c];
    enter_[c] = p == UINT32_MAX ? next : nextChild[p];
    (p == UINT32_MAX ? next : nextChild[p]) += size_[c];
    nextChild[c] = enter_[c] + 1;
  }
}

std::vector<bool> RunsAfter::query(llvm::ArrayRef<std::pair<uint32_t, uint32_t>> pairs) {
  std::vector<bool> answers(pairs.size(), false);
  // Components of the pairs no label settles, bucketed by `to`.
  std::vector<std::pair<uint32_t, uint32_t>> open;
  std::vector<uint32_t> openIndex;
  for (size_t i = 0; i < pairs.size(); ++i) {
    uint32_t a = comp_[pairs[i].first], b = comp_[pairs[i].second];
    if (a == b)
      answers[i] = cyclic_[a];
    else if (pos_[a] > pos_[b])
      answers[i] = false;
    else if (treeAncestor(a, b))
      answers[i] = true;
    else {
      open.push_back({a, b});
      openIndex.push_back(static_cast<uint32_t>(i));
    }
  }
  // Direct dependencies, marked once per `to`: visit the open pairs by `to`.
  std::vector<uint32_t> byTo(open.size());
  for (uint32_t i = 0; i < open.size(); ++i)
    byTo[i] = i;
  llvm::sort(byTo, [&](uint32_t x, uint32_t y) { return open[x].second < open[y].second; });
  std::vector<uint32_t> markedFor(order_.size(), UINT32_MAX);
  std::vector<uint32_t> searched;
  uint32_t marked = UINT32_MAX;
  for (uint32_t i : byTo) {
    auto [a, b] = open[i];
    if (b != marked) {
      for (uint32_t d : deps(b))
        markedFor[d] = b;
      marked = b;
    }
    if (markedFor[a] == b)
      answers[openIndex[i]] = true;
    else
      searched.push_back(i);
  }
  if (searched.empty())
    return answers;

  // The rest: blocks of 64 `from`s in topological order, one sweep each.
  llvm::sort(searched, [&](uint32_t x, uint32_t y) {
    return pos_[open[x].first] < pos_[open[y].first];
  });
  mask_.assign(order_.size(), 0);
  bit_.assign(order_.size(), -1);
  std::vector<std::pair<uint32_t, uint32_t>> blockPairs;
  std::vector<uint32_t> blockIndex, blockFroms;
  std::vector<bool> blockAnswers;
  auto flush = [&] {
    blockAnswers.assign(blockPairs.size(), false);
    sweep(blockFroms, blockPairs, blockAnswers);
    for (size_t j = 0; j < blockPairs.size(); ++j)
      answers[blockIndex[j]] = blockAnswers[j];
    for (uint32_t f : blockFroms)
      bit_[f] = -1;
    blockPairs.clear();
    blockIndex.clear();
    blockFroms.clear();
  };
  for (uint32_t i : searched) {
    uint32_t a = open[i].first;
    if (bit_[a] < 0) {
      if (blockFroms.size() == 64)
        flush();
      bit_[a] = static_cast<int8_t>(blockFroms.size());
      blockFroms.push_back(a);
    }
    blockPairs.push_back(open[i]);
    blockIndex.push_back(openIndex[i]);
  }
  flush();
  return answers;
}

// One sweep for a block of `from`s (in topological order, their bits set in
// bit_): each component between the first `from` and the last `to` gets the
// mask of block members it is or runs after. Masks outside that range are
// never read, so they need no clearing between sweeps.
void RunsAfter::sweep(llvm::ArrayRef<uint32_t> block,
                      llvm::ArrayRef<std::pair<uint32_t, uint32_t>> pairs,
                      std::vector<bool> &answers) {
  uint32_t lo = pos_[block.front()], hi = lo;
  for (const auto &[a, b] : pairs)
    hi = std::max(hi, pos_[b]);
  for (uint32_t i = lo; i <= hi; ++i) {
    uint32_t c = order_[i];
    uint64_t mask = bit_[c] >= 0 ? uint64_t(1) << bit_[c] : 0;
    for (uint32_t d : deps(c))
      if (pos_[d] >= lo)
        mask |= mask_[d];
    mask_[c] = mask;
  }
  // A pair's components differ (equal ones were settled), so `to`'s own bit
  // does not count.
  for (size_t j = 0; j < pairs.size(); ++j)
    answers[j] = (mask_[pairs[j].second] >> bit_[pairs[j].first]) & 1;
}

// What to do about `reader` reading an output of `writer` it does not run
// after. Adding the writer to `after` is right only when the writer does not
// already wait for the reader (`writerAfterReader`): otherwise it would
// close a cycle.
std::string notUpstreamAdvice(const ir::Program &p, uint32_t reader, uint32_t writer,
                              bool writerAfterReader) {
  if (reader == writer)
    return "a task cannot read its own outputs: they exist only once it has finished";
  if (writerAfterReader)
    return fmt::format("'{}' runs after '{}', so its outputs do not exist yet; read them in a "
                       "task that runs after '{}'",
                       p.tasks[writer].name, p.tasks[reader].name, p.tasks[writer].name);
  return fmt::format("add '{}' to its after", p.tasks[writer].name);
}

void reportUndeclared(CheckContext &ctx, const ir::Expr &e) {
  ir::OutputRefExpr output = e.as<ir::OutputRefExpr>();
  const ir::Task &producer = ctx.program.task(output.task);
  const std::string &key = ctx.program.value(output.key).text;
  if (llvm::any_of(producer.outputs, [&](const ir::OutputDecl &o) { return o.name == key; }))
    return;
  std::vector<std::string> names;
  for (const ir::OutputDecl &o : producer.outputs)
    names.push_back(o.name);
  std::string hint;
  for (const std::string &name : names)
    if (llvm::StringRef(key).edit_distance(name, true, 3) <= 2)
      hint = "; did you mean '" + name + "'?";
  if (hint.empty())
    hint = names.empty() ? " (it declares no outputs: add outputs = [" + key + "])"
                         : " (it declares " + fmt::format("{}", fmt::join(names, ", ")) + ")";
  auto diag = ctx.diags.report(DiagKind::OutputUndeclared, e.range, producer.name, key, hint);
  if (!producer.outputs.empty())
    diag.note(NoteKind::NoteOutputsHere, producer.outputs.front().range, producer.name);
}

} // namespace

void checkOutputs(CheckContext &ctx) {
  const ir::Program &p = ctx.program;
  // Every output read, in the order of the source; reachability is answered
  // for all of them at once, and the diagnostics follow in that order.
  struct Read {
    ir::ExprId leaf;
    uint32_t reader;
  };
  std::vector<Read> reads;
  std::vector<std::pair<uint32_t, uint32_t>> writerThenReader;
  for (uint32_t u = 0; u < p.tasks.size(); ++u)
    for (const TaskExpr &te : taskExprs(p.tasks[u]))
      forEachLeaf(p, te.expr, [&](ir::ExprId leaf, llvm::ArrayRef<ir::ExprId>) {
        const ir::Expr &e = p.expr(leaf);
        if (e.kind != ir::ExprKind::OutputRef)
          return;
        reads.push_back({leaf, u});
        writerThenReader.push_back({e.as<ir::OutputRefExpr>().task.index(), u});
      });
  if (reads.empty())
    return;

  RunsAfter runsAfter(ctx.graph, ctx.acyclic);
  std::vector<bool> upstream = runsAfter.query(writerThenReader);
  // For the advice: does the writer already run after the reader?
  std::vector<std::pair<uint32_t, uint32_t>> readerThenWriter;
  for (size_t i = 0; i < reads.size(); ++i)
    if (!upstream[i])
      readerThenWriter.push_back({reads[i].reader, writerThenReader[i].first});
  std::vector<bool> downstream = runsAfter.query(readerThenWriter);

  size_t next = 0;
  for (size_t i = 0; i < reads.size(); ++i) {
    const ir::Expr &e = p.expr(reads[i].leaf);
    reportUndeclared(ctx, e);
    if (upstream[i])
      continue;
    uint32_t reader = reads[i].reader;
    uint32_t writer = e.as<ir::OutputRefExpr>().task.index();
    ctx.diags.report(DiagKind::OutputNotUpstream, e.range, p.tasks[reader].name,
                     p.tasks[writer].name, notUpstreamAdvice(p, reader, writer, downstream[next++]));
  }
}

} // namespace wfc::checks

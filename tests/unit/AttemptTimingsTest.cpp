// Where an attempt's time goes (runtime/run/AttemptTimings.h): each phase is
// the time from the mark before it that was taken, marks not taken are
// skipped, a mark out of order counts for nothing, and the table gives the
// count, median, 90th percentile and mean of each phase. Also: the request's
// timing flag survives the wire (runtime/proc/ShimProtocol.h).
#include "runtime/run/AttemptTimings.h"

#include <gtest/gtest.h>

#include <string>

namespace wfc::run {
namespace {

using proc::ShimMark;

proc::ShimMarks marks(std::initializer_list<std::pair<ShimMark, int64_t>> at) {
  proc::ShimMarks m;
  for (auto [mark, us] : at)
    m.at[static_cast<size_t>(mark)] = us * 1000;
  return m;
}

std::string table(const AttemptTimings &t) {
  std::string out;
  llvm::raw_string_ostream os(out);
  t.print(os);
  return os.str();
}

// The row of `phase`, with its spaces squeezed: "name count median p90 mean".
std::string row(const std::string &text, const std::string &phase) {
  size_t at = text.find("  " + phase + " ");
  if (at == std::string::npos)
    return "";
  std::string line = text.substr(at + 2, text.find('\n', at) - at - 2), squeezed;
  for (char c : line)
    if (c != ' ' || (!squeezed.empty() && squeezed.back() != ' '))
      squeezed += c;
  return squeezed;
}

TEST(AttemptTimings, PhasesRunFromTheMarkBefore) {
  AttemptTimings t;
  t.add(marks({{ShimMark::WfcStart, 100}, {ShimMark::WfcSent, 110}, {ShimMark::ShimReceived, 130},
               {ShimMark::TaskStarted, 230}, {ShimMark::WfcEnded, 300}}));
  t.add(marks({{ShimMark::WfcStart, 10}, {ShimMark::WfcSent, 40}, {ShimMark::ShimReceived, 50},
               {ShimMark::TaskStarted, 70}, {ShimMark::WfcEnded, 110}}));
  t.add(marks({{ShimMark::WfcStart, 1000}, {ShimMark::WfcSent, 1020}, {ShimMark::ShimReceived, 1050},
               {ShimMark::TaskStarted, 1350}, {ShimMark::WfcEnded, 1400}}));
  std::string text = table(t);
  EXPECT_EQ(row(text, "wfc: prepare the attempt, send the request"),
            "wfc: prepare the attempt, send the request 3 20.0 30.0 20.0");
  EXPECT_EQ(row(text, "to the shim: socket, wake-up, decode"),
            "to the shim: socket, wake-up, decode 3 20.0 30.0 20.0");
  // No clone, no init marks: vfork-and-exec runs from the shim's mark.
  EXPECT_EQ(row(text, "vfork and exec the task"), "vfork and exec the task 3 100.0 300.0 140.0");
  EXPECT_EQ(row(text, "wfc: outputs, events, release"),
            "wfc: outputs, events, release 3 50.0 70.0 53.3");
  EXPECT_EQ(row(text, "the whole attempt, as wfc sees it"),
            "the whole attempt, as wfc sees it 3 200.0 400.0 233.3");
  EXPECT_EQ(row(text, "clone: the attempt's namespaces"), "");
  EXPECT_EQ(row(text, "init: load the seccomp filter"), "");
}

TEST(AttemptTimings, AMarkOutOfOrderCountsForNothing) {
  AttemptTimings t;
  // The shim's clock said 90 for a mark after wfc's 100: no phase of -10.
  t.add(marks({{ShimMark::WfcStart, 50}, {ShimMark::WfcSent, 100}, {ShimMark::ShimReceived, 90},
               {ShimMark::TaskStarted, 150}}));
  std::string text = table(t);
  EXPECT_EQ(row(text, "to the shim: socket, wake-up, decode"), "");
  EXPECT_EQ(row(text, "vfork and exec the task"), "vfork and exec the task 1 50.0 50.0 50.0");
}

TEST(AttemptTimings, NothingAddedPrintsOnlyTheHeader) {
  AttemptTimings t;
  std::string text = table(t);
  EXPECT_NE(text.find("where the attempts' time went"), std::string::npos);
  EXPECT_EQ(text.find("wfc: prepare"), std::string::npos);
}

TEST(ShimProtocol, TheTimingFlagTravels) {
  proc::AttemptRequest request;
  request.argv = {"true"};
  for (bool timing : {false, true}) {
    request.timing = timing;
    proc::AttemptRequest back;
    ASSERT_TRUE(proc::decode(proc::encode(request), back));
    EXPECT_EQ(back.timing, timing);
    EXPECT_EQ(back.argv, request.argv);
  }
}

} // namespace
} // namespace wfc::run

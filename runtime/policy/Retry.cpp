// Retry arithmetic shared by the scheduler and the deadline analysis.
#include "runtime/policy/Retry.h"

#include <algorithm>
#include <cmath>

namespace wfc::policy {

uint32_t factorMilli(double factor) { return static_cast<uint32_t>(std::llround(factor * 1000)); }

int64_t delayMs(const Backoff &backoff, uint32_t retry, uint32_t jitterMilli, double unit) {
  if (backoff.kind == BackoffKind::None || retry == 0)
    return 0;
  // In double, rounded once at the end, so that a figure does not depend on
  // where it is computed.
  double delay = static_cast<double>(backoff.baseMs);
  // pow(f, 0) is exactly 1: the first retry needs no pow.
  if (backoff.kind == BackoffKind::Exponential && retry > 1)
    delay *= std::pow(backoff.factorMilli / 1000.0, static_cast<double>(retry - 1));
  if (backoff.capMs)
    delay = std::min(delay, static_cast<double>(backoff.capMs));
  delay = std::min(delay, static_cast<double>(kMaxDelayMs));
  if (jitterMilli)
    delay -= delay * (jitterMilli / 1000.0) * unit;
  return static_cast<int64_t>(std::llround(delay));
}

int64_t worstCaseMs(uint64_t timeoutMs, uint32_t attempts, const Backoff &backoff) {
  // At most kMaxAttempts attempts of at most kMaxTimeoutMs and delays of a
  // day each: far from overflowing.
  int64_t total = 0;
  for (uint32_t k = 1; k <= attempts; ++k) {
    total += static_cast<int64_t>(timeoutMs);
    if (k < attempts)
      total += delayMs(backoff, k);
  }
  return total;
}

} // namespace wfc::policy

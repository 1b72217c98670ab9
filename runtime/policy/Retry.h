// Retry arithmetic: how long a retry waits, and how long a task can take at
// worst. The runtime's scheduler and the compiler's deadline analysis both
// call it, so the worst case `wfc check` reports is the one `wfc run` keeps.
#pragma once

#include <cstdint>

namespace wfc::policy {

// The longest wait before a retry, whatever the policy says: a day.
inline constexpr uint64_t kMaxDelayMs = 24ull * 3600 * 1000;

enum class BackoffKind : uint8_t { None, Fixed, Exponential };

// The wait between attempts, in the units the .wfb format stores.
struct Backoff {
  BackoffKind kind = BackoffKind::None;
  uint64_t baseMs = 0;
  uint32_t factorMilli = 0; // Exponential: the factor x 1000
  uint64_t capMs = 0;       // 0: no cap
};

// A factor as the format stores it: in thousandths, rounded.
uint32_t factorMilli(double factor);

// The wait before retry `retry` (1: before the second attempt), rounded to
// the millisecond: base × factor^(retry - 1), capped at the policy's cap and
// at kMaxDelayMs, then shortened by a share `jitterMilli` / 1000 of it times
// `unit` (uniform in [0, 1)). Jitter only shortens: without it the delay is
// the longest it can be. Retry 0 and no backoff wait 0.
int64_t delayMs(const Backoff &backoff, uint32_t retry, uint32_t jitterMilli = 0,
                double unit = 0);

// The longest a task can take: `attempts` attempts, each running until its
// timeout, and the longest delays between them.
int64_t worstCaseMs(uint64_t timeoutMs, uint32_t attempts, const Backoff &backoff);

} // namespace wfc::policy

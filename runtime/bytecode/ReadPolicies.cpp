// Reads the POLICY section: timeouts and retry policies, each consistent.
#include "runtime/bytecode/Loader.h"

namespace wfc::bytecode {

bool Loader::readPolicies() {
  uint32_t n = count("policy", kMinPolicyBytes);
  m_.policies.reserve(n);
  for (uint32_t i = 0; i < n && ok(); ++i) {
    Policy p;
    size_t at = pos_;
    p.timeoutMs = bounded(kMaxTimeoutMs, "timeout (ms)");
    at = pos_;
    p.attempts = static_cast<uint32_t>(uleb());
    if (ok() && (p.attempts < 1 || p.attempts > kMaxAttempts)) {
      errorAt_ = at;
      return fail(fmt::format("attempts {} is not between 1 and {}", p.attempts, kMaxAttempts));
    }
    at = pos_;
    uint8_t backoff = u8();
    if (ok() && backoff > 2) {
      errorAt_ = at;
      return fail(fmt::format("unknown backoff {}", backoff));
    }
    p.backoff = static_cast<Backoff>(backoff);
    p.baseMs = bounded(kMaxDelayMs, "backoff delay (ms)");
    at = pos_;
    p.factorMilli = static_cast<uint32_t>(uleb());
    bool exponential = p.backoff == Backoff::Exponential;
    if (ok() && (exponential ? (p.factorMilli < 1000 || p.factorMilli > 100'000) : p.factorMilli != 0)) {
      errorAt_ = at;
      return fail(fmt::format("backoff factor {} is out of range for this backoff", p.factorMilli));
    }
    at = pos_;
    p.capMs = bounded(kMaxDelayMs, "backoff cap (ms)");
    if (ok() && !exponential && p.capMs != 0) {
      errorAt_ = at;
      return fail("only an exponential backoff has a cap");
    }
    if (ok() && p.backoff == Backoff::None && p.baseMs != 0)
      return fail("a policy without backoff has a delay");
    p.jitterMilli = static_cast<uint32_t>(bounded(1000, "jitter (1/1000)"));
    at = pos_;
    p.retryOn = u8();
    if (ok() && p.retryOn > 3) {
      errorAt_ = at;
      return fail(fmt::format("unknown retry-on bits 0x{:x}", p.retryOn));
    }
    p.exitCodeCount = count("exit code", 1, 256);
    p.firstExitCode = static_cast<uint32_t>(m_.exitCodes.size());
    for (uint32_t k = 0; k < p.exitCodeCount && ok(); ++k) {
      at = pos_;
      uint8_t code = u8();
      if (ok() && k > 0 && code <= m_.exitCodes.back()) {
        errorAt_ = at;
        return fail("exit codes are not in ascending order");
      }
      m_.exitCodes.push_back(code);
    }
    m_.policies.push_back(p);
  }
  return ok();
}

} // namespace wfc::bytecode

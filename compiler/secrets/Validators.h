// The checks in code that built-in rules add to their regexes.
#pragma once

#include "compiler/secrets/SecretRules.h"

namespace wfc::secrets {

// Whether a match of a rule with `validator` is a credential: `secret` is
// what the rule takes as the secret, `match` all it matched, `firstGroup`
// its first capture group (the name, for the Generic validator).
bool validate(Validator validator, llvm::StringRef secret, llvm::StringRef match,
              llvm::StringRef firstGroup);

// A password in a URL that is a throwaway: the login of a database or broker
// that a CI job starts for its tests (`postgres://postgres:test@localhost`,
// `amqp://guest:guest@rabbitmq`, `postgres://rails:password@localhost`),
// reached on this machine or by a bare service name.
bool isThrowawayServiceLogin(llvm::StringRef url);

} // namespace wfc::secrets

// What rules cannot say with a regex: which names say "credential", which
// values are placeholders or ordinary words, and which look random.
#pragma once

#include "llvm/ADT/StringRef.h"

namespace wfc::secrets {

// A name that says its value is a credential: …_KEY, …TOKEN, …SECRET,
// …PASSWORD, …PASSWD, …_PWD, APIKEY (case-insensitive).
bool isCredentialName(llvm::StringRef name);

// A known format filled in with a placeholder: AWS's documented
// AKIAIOSFODNN7EXAMPLE, "xoxb-YOUR-TOKEN", "ghp_xxxx…", "AKIA000000…".
bool isPlaceholderCredential(llvm::StringRef credential);

// A value that looks like a random credential under `name`, a credential
// name: long enough, not ordinary words, digests or ids (unless the name says
// outright that it holds a secret), not a placeholder or a reference to
// another variable, and of high entropy.
bool isRandomValue(llvm::StringRef value, llvm::StringRef name);

// The password of a URL, given the text between "://" and the host: not a
// shell variable ($TOKEN) and not empty.
bool isUrlPassword(llvm::StringRef password);

} // namespace wfc::secrets

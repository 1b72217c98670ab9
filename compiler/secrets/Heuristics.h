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

// A name inside text (`todo_secret_do_not_commit = …`, `"user_auth": …`)
// that says what follows is a credential: a credential name, or one that
// names a secret, password, token or credential anywhere.
bool mentionsCredential(llvm::StringRef name);

// Words, numbers and identifiers between punctuation: "sumOfExposures;",
// "THIS_IS_CONFIG": code or prose, not a random token.
bool isOrdinaryText(llvm::StringRef text);

// Whether `value` begins like a token of a known format ("AIza", "ghp_",
// "sk-ant-"): then only that format's rule may report it.
bool startsLikeKnownToken(llvm::StringRef value);

// The password of a URL, given the text between "://" and the host: not a
// shell variable ($TOKEN) and not empty.
bool isUrlPassword(llvm::StringRef password);

} // namespace wfc::secrets

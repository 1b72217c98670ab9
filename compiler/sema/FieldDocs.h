// The fields each block accepts, as `wfc explain unknown-field` and
// docs/rules/unknown-field.md list them: generated from the *Fields.def tables.
#pragma once

#include "llvm/ADT/StringRef.h"

#include <string>

namespace wfc::sema {

// Markdown: for each kind of block, its fields with their types and docs.
std::string fieldReference();

// `text` with what lies between the lines kFieldsBegin and kFieldsEnd
// replaced by fieldReference(); `text` itself if it has no such lines.
std::string withFieldReference(llvm::StringRef text);

inline constexpr llvm::StringLiteral kFieldsBegin =
    "<!-- fields: generated from compiler/sema/*Fields.def by wfc explain -->";
inline constexpr llvm::StringLiteral kFieldsEnd = "<!-- end of fields -->";

} // namespace wfc::sema

// wfc's one canonical layout of a source file, for `wfc fmt` and editors.
#pragma once

#include "compiler/ast/Ast.h"

#include "llvm/ADT/StringRef.h"

#include <string>

namespace wfc {

// The canonical text of `file`, which was parsed from `source` without
// errors: two-space indentation, one item a line in blocks, single spaces
// around '=' and binary operators, lists, maps and argument lists on one
// line when they fit in 100 columns and the source did not break the line
// after their opening bracket, else one element a line with a trailing
// comma. Every comment, blank-line group (at most one blank line) and pair
// of parentheses is kept; tokens are written as they are spelled. The
// result parses to the same AST, and formatting it again changes nothing.
std::string formatFile(const ast::File &file, llvm::StringRef source);

} // namespace wfc

// The keywords of grammar/Wf.g4, read from the generated lexer's vocabulary
// so that they cannot drift from the grammar.
#pragma once

#include <string>
#include <vector>

namespace wfc::syntax {

// Every literal token of the grammar that is spelled like a name
// (`import`, `task`, `true`, ...), in the grammar's order.
std::vector<std::string> keywords();

// Every other literal token: punctuation and operators (`{`, `==`, `&&`).
std::vector<std::string> punctuation();

} // namespace wfc::syntax

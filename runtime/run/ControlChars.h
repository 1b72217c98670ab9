// Control characters in what tasks print: how wfc escapes them before they
// reach a terminal or a log, and the text a terminal would show of a line,
// in which a secret split by control characters is whole again.
#pragma once

#include "llvm/ADT/StringRef.h"

#include <string>
#include <vector>

namespace wfc::run {

// Whether `text` is printable as it is and holds nothing that
// visibleText() drops: printable ASCII, tabs, and UTF-8 without control or
// invisible format characters. The fast path: most lines are plain.
bool isPlainText(llvm::StringRef text);

// Appends `text` to `out` with its control characters escaped as cat -v
// shows them (docs/runtime.md): `^[` for ESC, `^@` for NUL, `^M` for CR,
// `^?` for DEL, `M-^[` for the C1 control U+009B, `M-` and the low seven
// bits for a byte that is not UTF-8, and `<U+202E>` for a bidirectional
// control. Tabs and every other character are kept.
void appendEscaped(llvm::StringRef text, std::string &out);

// What a terminal shows of `text`: without its escape sequences (CSI, OSC
// and the other strings, ESC and a final byte), control characters, bytes
// that are not UTF-8 and invisible format characters (zero-width space and
// joiners, bidirectional controls, soft hyphen, byte order mark).
// `origin[i]` is the offset in `text` of the result's byte i.
std::string visibleText(llvm::StringRef text, std::vector<size_t> &origin);

} // namespace wfc::run

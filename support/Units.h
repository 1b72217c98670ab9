// Durations and sizes as wfc writes them: `1h30m`, `512MiB`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wfc {

// Parses a wfc duration literal (`1h30m`, `500ms`, `1_000s`) into
// milliseconds; nothing if it is not one or does not fit in 64 bits.
std::optional<int64_t> parseDuration(std::string_view text);

// The bytes in one size unit (`B`, `KB` … `TB`, `KiB` … `TiB`); nothing for
// any other text.
std::optional<uint64_t> sizeUnitBytes(std::string_view unit);

// Parses a size such as `512MiB` or `2GB` (a whole number and a unit) into
// bytes; nothing if it is not one or does not fit in 63 bits.
std::optional<int64_t> parseSize(std::string_view text);

// The shortest wfc literal for a duration: 90000 -> "1m30s", 0 -> "0s".
std::string formatDuration(int64_t millis);

// The largest exact binary (or decimal) unit: 2147483648 -> "2GiB".
std::string formatSize(uint64_t bytes);

// A size as "${s}" shows it, at compile time and at run time: formatSize,
// or plain decimal bytes when it is negative (a difference of sizes can be).
std::string sizeText(int64_t bytes);
// CPU cores kept in thousandths, as wfc spells them: 2000 -> "2", 500 -> "0.5".
std::string formatCpu(uint32_t milli);
// Parses a number of cores ("2", "0.5", at most three decimals) into
// thousandths; nothing if it is not one or is out of 1 .. 2^31.
std::optional<uint32_t> parseCpu(std::string_view text);

// "4,000,000": a count or limit as messages show it.
std::string withThousands(uint64_t n);

// A quoted string with escapes, as wfc source would spell it.
std::string quoteString(const std::string &text);

} // namespace wfc

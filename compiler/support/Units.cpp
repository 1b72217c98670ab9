// Durations and sizes as wfc writes them: `1h30m`, `512MiB`.
#include "compiler/support/Units.h"

#include <fmt/format.h>

namespace wfc {

std::string formatDuration(int64_t millis) {
  if (millis == 0)
    return "0s";
  std::string out;
  if (millis < 0) {
    out += '-';
    millis = -millis;
  }
  static const std::pair<int64_t, const char *> kUnits[] = {
      {86'400'000, "d"}, {3'600'000, "h"}, {60'000, "m"}, {1000, "s"}, {1, "ms"}};
  for (auto [size, unit] : kUnits) {
    if (millis >= size) {
      out += fmt::format("{}{}", millis / size, unit);
      millis %= size;
    }
  }
  return out;
}

std::string formatSize(uint64_t bytes) {
  static const std::pair<uint64_t, const char *> kUnits[] = {
      {1ull << 40, "TiB"}, {1'000'000'000'000ull, "TB"}, {1ull << 30, "GiB"},
      {1'000'000'000ull, "GB"}, {1ull << 20, "MiB"}, {1'000'000ull, "MB"},
      {1ull << 10, "KiB"}, {1000ull, "KB"}};
  for (auto [size, unit] : kUnits)
    if (bytes >= size && bytes % size == 0)
      return fmt::format("{}{}", bytes / size, unit);
  return fmt::format("{}B", bytes);
}

std::string quoteString(const std::string &text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\t':
      out += "\\t";
      break;
    case '\r':
      out += "\\r";
      break;
    case '$':
      out += "$$";
      break;
    default:
      if (c < 0x20 || c == 0x7f)
        out += fmt::format("\\u{{{:X}}}", c);
      else
        out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

} // namespace wfc

// Durations and sizes as wfc writes them: `1h30m`, `512MiB`.
#include "support/Units.h"

#include <fmt/format.h>

namespace wfc {

std::optional<uint64_t> sizeUnitBytes(std::string_view unit) {
  static const std::pair<const char *, uint64_t> kUnits[] = {
      {"B", 1},           {"KB", 1000},       {"MB", 1000'000},  {"GB", 1000'000'000},
      {"TB", 1000'000'000'000}, {"KiB", 1ull << 10}, {"MiB", 1ull << 20}, {"GiB", 1ull << 30},
      {"TiB", 1ull << 40}};
  for (auto [name, bytes] : kUnits)
    if (unit == name)
      return bytes;
  return std::nullopt;
}

std::optional<int64_t> parseSize(std::string_view text) {
  uint64_t count = 0;
  size_t i = 0;
  for (; i < text.size() && ((text[i] >= '0' && text[i] <= '9') || (text[i] == '_' && i)); ++i) {
    if (text[i] == '_')
      continue;
    if (__builtin_mul_overflow(count, 10, &count) ||
        __builtin_add_overflow(count, uint64_t(text[i] - '0'), &count))
      return std::nullopt;
  }
  if (i == 0)
    return std::nullopt;
  std::optional<uint64_t> unit = sizeUnitBytes(text.substr(i));
  uint64_t bytes = 0;
  if (!unit || __builtin_mul_overflow(count, *unit, &bytes) || bytes > uint64_t(INT64_MAX))
    return std::nullopt;
  return static_cast<int64_t>(bytes);
}

std::optional<int64_t> parseDuration(std::string_view text) {
  int64_t total = 0;
  size_t i = 0;
  if (text.empty())
    return std::nullopt;
  while (i < text.size()) {
    uint64_t count = 0;
    size_t digits = 0;
    while (i < text.size() && ((text[i] >= '0' && text[i] <= '9') || (text[i] == '_' && digits))) {
      if (text[i] != '_') {
        if (__builtin_mul_overflow(count, 10, &count) ||
            __builtin_add_overflow(count, uint64_t(text[i] - '0'), &count))
          return std::nullopt;
        ++digits;
      }
      ++i;
    }
    if (digits == 0)
      return std::nullopt;
    int64_t unit;
    if (text.substr(i, 2) == "ms")
      unit = 1, i += 2;
    else if (i < text.size() && text[i] == 's')
      unit = 1000, ++i;
    else if (i < text.size() && text[i] == 'm')
      unit = 60'000, ++i;
    else if (i < text.size() && text[i] == 'h')
      unit = 3'600'000, ++i;
    else if (i < text.size() && text[i] == 'd')
      unit = 86'400'000, ++i;
    else
      return std::nullopt;
    int64_t scaled;
    if (count > uint64_t(INT64_MAX) ||
        __builtin_mul_overflow(static_cast<int64_t>(count), unit, &scaled) ||
        __builtin_add_overflow(total, scaled, &total))
      return std::nullopt;
  }
  return total;
}

std::string formatDuration(int64_t millis) {
  if (millis == 0)
    return "0s";
  std::string out;
  // The magnitude as unsigned, so that INT64_MIN has one too.
  uint64_t rest = static_cast<uint64_t>(millis);
  if (millis < 0) {
    out += '-';
    rest = 0 - rest;
  }
  static const std::pair<uint64_t, const char *> kUnits[] = {
      {86'400'000, "d"}, {3'600'000, "h"}, {60'000, "m"}, {1000, "s"}, {1, "ms"}};
  for (auto [size, unit] : kUnits) {
    if (rest >= size) {
      out += fmt::format("{}{}", rest / size, unit);
      rest %= size;
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

std::string sizeText(int64_t bytes) {
  return bytes < 0 ? std::to_string(bytes) : formatSize(static_cast<uint64_t>(bytes));
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

std::string withThousands(uint64_t n) {
  std::string digits = std::to_string(n);
  for (size_t at = digits.size(); at > 3; at -= 3)
    digits.insert(at - 3, ",");
  return digits;
}

std::string formatCpu(uint32_t milli) {
  std::string text = std::to_string(milli / 1000);
  if (uint32_t frac = milli % 1000) {
    std::string digits = std::to_string(1000 + frac).substr(1);
    while (digits.back() == '0')
      digits.pop_back();
    text += "." + digits;
  }
  return text;
}

std::optional<uint32_t> parseCpu(std::string_view text) {
  size_t dot = text.find('.');
  std::string_view whole = text.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? "" : text.substr(dot + 1);
  if (whole.empty() || whole.size() > 7 || frac.size() > 3 ||
      (dot != std::string_view::npos && frac.empty()))
    return std::nullopt;
  uint64_t milli = 0;
  for (char c : whole) {
    if (c < '0' || c > '9')
      return std::nullopt;
    milli = milli * 10 + uint64_t(c - '0');
  }
  milli *= 1000;
  uint64_t scale = 100;
  for (char c : frac) {
    if (c < '0' || c > '9')
      return std::nullopt;
    milli += uint64_t(c - '0') * scale;
    scale /= 10;
  }
  if (milli == 0 || milli > (uint64_t(1) << 31))
    return std::nullopt;
  return static_cast<uint32_t>(milli);
}

} // namespace wfc

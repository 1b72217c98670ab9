// The values of a run's params: `--param name=value` over the defaults.
#include "runtime/run/Params.h"

#include "support/Arith.h"
#include "support/Units.h"

#include "llvm/ADT/StringExtras.h"

#include <optional>

namespace wfc::run {

namespace {

using bytecode::ParamType;

llvm::Error fail(const std::string &message) {
  return llvm::createStringError(std::make_error_code(std::errc::invalid_argument), message);
}

const char *typeName(ParamType t) {
  switch (t) {
  case ParamType::String:
    return "a string";
  case ParamType::Int:
    return "a whole number";
  case ParamType::Bool:
    return "true or false";
  case ParamType::Duration:
    return "a duration such as 90s or 1h30m";
  case ParamType::Size:
    return "a size such as 512MiB";
  case ParamType::Enum:
    return "one of its values";
  case ParamType::Float:
    return "a number";
  case ParamType::List:
    return "a comma-separated list";
  }
  return "a value";
}

// An element's text as the machine compares it, from its default encoding.
std::string defaultText(const bytecode::Module &m, const bytecode::Param &p, ParamType type,
                        int64_t integer, uint32_t string) {
  switch (type) {
  case ParamType::String:
    return m.str(string).str();
  case ParamType::Int:
    return arith::toString(integer);
  case ParamType::Bool:
    return integer ? "true" : "false";
  case ParamType::Duration:
    return formatDuration(integer);
  case ParamType::Size:
    return formatSize(static_cast<uint64_t>(integer));
  case ParamType::Enum:
    return m.str(m.enumValues[p.firstEnumValue + static_cast<uint32_t>(integer)]).str();
  default:
    return "";
  }
}

vm::Value defaultValue(const bytecode::Module &m, const bytecode::Param &p) {
  switch (p.type) {
  case ParamType::Int:
  case ParamType::Duration:
  case ParamType::Size:
    return vm::Value::ofInt(p.integer);
  case ParamType::Bool:
    return vm::Value::ofBool(p.integer != 0);
  case ParamType::List: {
    std::vector<std::string> items;
    for (uint32_t k = 0; k < p.listCount; ++k) {
      const bytecode::ListValue &v = m.listValues[p.firstListValue + k];
      items.push_back(defaultText(m, p, p.element, v.integer, v.string));
    }
    return vm::Value::ofList(std::move(items));
  }
  default:
    return vm::Value::ofString(defaultText(m, p, p.type, p.integer, p.string));
  }
}

// Parses one scalar; for lists, `text` is one element and the result its text.
std::optional<vm::Value> parseScalar(const bytecode::Module &m, const bytecode::Param &p,
                                     ParamType type, llvm::StringRef text) {
  switch (type) {
  case ParamType::String:
    return vm::Value::ofString(text.str());
  case ParamType::Int:
    if (std::optional<int64_t> v = arith::parseInt(text))
      return vm::Value::ofInt(*v);
    return std::nullopt;
  case ParamType::Bool:
    if (text == "true" || text == "false")
      return vm::Value::ofBool(text == "true");
    return std::nullopt;
  case ParamType::Duration:
    if (std::optional<int64_t> ms = parseDuration(text))
      return vm::Value::ofInt(*ms);
    return std::nullopt;
  case ParamType::Size:
    if (std::optional<int64_t> bytes = parseSize(text))
      return vm::Value::ofInt(*bytes);
    return std::nullopt;
  case ParamType::Enum:
    for (uint32_t k = 0; k < p.enumCount; ++k)
      if (m.str(m.enumValues[p.firstEnumValue + k]) == text)
        return vm::Value::ofString(text.str());
    return std::nullopt;
  case ParamType::Float: {
    double d;
    if (text.getAsDouble(d))
      return std::nullopt;
    return vm::Value::ofString(text.str());
  }
  case ParamType::List:
    return std::nullopt;
  }
  return std::nullopt;
}

std::string enumChoices(const bytecode::Module &m, const bytecode::Param &p) {
  std::string out;
  for (uint32_t k = 0; k < p.enumCount; ++k)
    out += (k ? ", " : "") + m.str(m.enumValues[p.firstEnumValue + k]).str();
  return out;
}

} // namespace

llvm::Expected<std::vector<vm::Value>> resolveParams(const bytecode::Module &m,
                                                     llvm::ArrayRef<std::string> assignments) {
  std::vector<std::optional<vm::Value>> given(m.params.size());
  for (const std::string &a : assignments) {
    std::pair<llvm::StringRef, llvm::StringRef> parts = llvm::StringRef(a).split('=');
    llvm::StringRef name = parts.first, text = parts.second;
    if (name.size() == a.size())
      return fail("--param " + a + ": expected NAME=VALUE");
    auto it = llvm::find_if(m.params, [&](const bytecode::Param &p) { return m.str(p.name) == name; });
    if (it == m.params.end()) {
      std::string known;
      for (const bytecode::Param &p : m.params)
        known += (known.empty() ? "" : ", ") + m.str(p.name).str();
      return fail("--param " + name.str() + ": the pipeline has no such param" +
                  (known.empty() ? std::string(" (it has none)") : " (it has " + known + ")"));
    }
    const bytecode::Param &p = *it;
    std::optional<vm::Value> value;
    if (p.type == ParamType::List) {
      std::vector<std::string> items;
      llvm::SmallVector<llvm::StringRef, 8> parts;
      if (!text.empty())
        text.split(parts, ',');
      for (llvm::StringRef part : parts) {
        std::optional<vm::Value> item = parseScalar(m, p, p.element, part.trim());
        if (!item)
          return fail("--param " + name.str() + ": '" + part.trim().str() + "' is not " +
                      typeName(p.element) +
                      (p.element == ParamType::Enum ? " (" + enumChoices(m, p) + ")" : ""));
        // The same text a default of this element type has.
        std::string itemText = item->text;
        if (p.element == ParamType::Duration)
          itemText = formatDuration(item->integer);
        else if (p.element == ParamType::Size)
          itemText = formatSize(static_cast<uint64_t>(item->integer));
        else if (p.element == ParamType::Int)
          itemText = arith::toString(item->integer);
        else if (p.element == ParamType::Bool)
          itemText = item->boolean ? "true" : "false";
        items.push_back(std::move(itemText));
      }
      value = vm::Value::ofList(std::move(items));
    } else {
      value = parseScalar(m, p, p.type, text);
      if (!value)
        return fail("--param " + name.str() + ": '" + text.str() + "' is not " + typeName(p.type) +
                    (p.type == ParamType::Enum ? " (" + enumChoices(m, p) + ")" : ""));
    }
    given[static_cast<size_t>(it - m.params.begin())] = std::move(value);
  }
  std::vector<vm::Value> out;
  for (size_t i = 0; i < m.params.size(); ++i) {
    if (given[i]) {
      out.push_back(std::move(*given[i]));
      continue;
    }
    const bytecode::Param &p = m.params[i];
    if (!p.hasDefault)
      return fail("param '" + m.str(p.name).str() + "' has no default: give it with --param " +
                  m.str(p.name).str() + "=VALUE");
    out.push_back(defaultValue(m, p));
  }
  return out;
}

} // namespace wfc::run

// Reads the PARAM section: each param's name, type, enum values and default.
#include "runtime/bytecode/Loader.h"

namespace wfc::bytecode {

bool Loader::paramValue(ParamType type, uint32_t enumCount, int64_t &integer, uint32_t &string) {
  switch (type) {
  case ParamType::String:
    string = str("string value");
    return ok();
  case ParamType::Int:
    integer = sleb();
    return ok();
  case ParamType::Bool:
    integer = flag("a bool value");
    return ok();
  case ParamType::Duration:
  case ParamType::Size:
    integer = static_cast<int64_t>(bounded(INT64_MAX, "value"));
    return ok();
  case ParamType::Enum:
    integer = index(enumCount, "enum value");
    return ok();
  case ParamType::Float:
    integer = static_cast<int64_t>(fixed(8));
    return ok();
  case ParamType::List:
    return fail("a list cannot hold lists");
  }
  return fail("unknown type");
}

bool Loader::readParams() {
  uint32_t n = count("param", kMinParamBytes);
  m_.params.reserve(n);
  llvm::DenseSet<uint32_t> names;
  for (uint32_t i = 0; i < n && ok(); ++i) {
    Param p;
    p.name = uniqueName(names, "param", "param name");
    if (!ok())
      return false;
    size_t at = pos_;
    uint8_t tag = u8();
    if (ok() && (tag < 1 || tag > 8)) {
      errorAt_ = at;
      return fail(fmt::format("unknown param type {}", tag));
    }
    p.type = static_cast<ParamType>(tag);
    if (p.type == ParamType::List) {
      at = pos_;
      uint8_t element = u8();
      if (ok() && (element < 1 || element > 8 || element == uint8_t(ParamType::List))) {
        errorAt_ = at;
        return fail(fmt::format("bad list element type {}", element));
      }
      p.element = static_cast<ParamType>(element);
    }
    if (p.type == ParamType::Enum || (p.type == ParamType::List && p.element == ParamType::Enum)) {
      p.enumCount = count("enum value", 1);
      if (ok() && p.enumCount == 0)
        return fail("an enum needs at least one value");
      p.firstEnumValue = static_cast<uint32_t>(m_.enumValues.size());
      for (uint32_t k = 0; k < p.enumCount && ok(); ++k) {
        uint32_t v = str("enum value");
        for (uint32_t j = p.firstEnumValue; j < m_.enumValues.size(); ++j)
          if (m_.enumValues[j] == v)
            return fail("an enum value is listed twice");
        m_.enumValues.push_back(v);
      }
    }
    p.hasDefault = flag("has-default");
    if (p.hasDefault && p.type == ParamType::List) {
      p.listCount = count("list item", 1);
      p.firstListValue = static_cast<uint32_t>(m_.listValues.size());
      for (uint32_t k = 0; k < p.listCount && ok(); ++k) {
        ListValue v;
        paramValue(p.element, p.enumCount, v.integer, v.string);
        m_.listValues.push_back(v);
      }
    } else if (p.hasDefault) {
      paramValue(p.type, p.enumCount, p.integer, p.string);
    }
    m_.params.push_back(p);
  }
  return ok();
}

} // namespace wfc::bytecode

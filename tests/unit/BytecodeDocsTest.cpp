// docs/bytecode.md against the tables the code is built from: the sections
// of Sections.def (layout order, ids and a paragraph each) and the opcodes of
// Opcodes.def (a table row each, with its byte and a stack effect that pops
// and pushes as many values as the table says).
#include "runtime/bytecode/Module.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MemoryBuffer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace wfc::bytecode {
namespace {

std::string bytecodeDoc() {
  auto buffer = llvm::MemoryBuffer::getFile(std::string(WFC_SOURCE_DIR) + "/docs/bytecode.md");
  EXPECT_TRUE(bool(buffer)) << "cannot read docs/bytecode.md";
  return buffer ? (*buffer)->getBuffer().str() : "";
}

struct SectionLine {
  SectionId id;
  const char *name;
  bool required;
};
const SectionLine kSections[] = {
#define WFC_SECTION(Name, Id, Spelling, Required) {SectionId::Name, Spelling, Required},
#include "runtime/bytecode/Sections.def"
};

TEST(BytecodeDocs, SectionsAreLaidOutInTheTablesOrder) {
  std::string doc = bytecodeDoc();
  size_t at = 0;
  for (const SectionLine &s : kSections) {
    // The layout names each as NAME(id), in the file's order.
    std::string layout = std::string(s.name) + "(" + std::to_string(uint8_t(s.id)) + ")";
    size_t found = doc.find(layout, at);
    EXPECT_NE(found, std::string::npos) << layout << " is not in the layout, or out of order";
    if (found != std::string::npos)
      at = found;
    // And each has a paragraph; an optional one says so.
    std::string paragraph = "\n**" + std::string(s.name) + "**" + (s.required ? " —" : " (optional)");
    EXPECT_NE(doc.find(paragraph), std::string::npos) << "no paragraph " << paragraph;
    EXPECT_STREQ(sectionName(s.id), s.name);
  }
  EXPECT_STREQ(sectionName(SectionId(0)), "?");
}

// The opcode table's rows: "| 0x12–0x16 | `add` `sub` ... | operands | ( int int -- int ) |".
struct Row {
  std::vector<uint8_t> bytes;
  std::vector<std::string> mnemonics;
  std::string effect;
};

std::vector<uint8_t> rowBytes(llvm::StringRef cell) {
  std::vector<uint8_t> out;
  llvm::SmallVector<llvm::StringRef, 4> parts;
  cell.split(parts, ',');
  for (llvm::StringRef part : parts) {
    auto [first, last] = part.trim().split("–");
    unsigned a = 0, b = 0;
    if (first.trim().getAsInteger(0, a) || (!last.empty() && last.trim().getAsInteger(0, b)))
      continue;
    for (unsigned v = a; v <= (last.empty() ? a : b); ++v)
      out.push_back(uint8_t(v));
  }
  return out;
}

std::vector<Row> opcodeRows(llvm::StringRef doc) {
  std::vector<Row> rows;
  llvm::SmallVector<llvm::StringRef, 0> lines;
  doc.split(lines, '\n');
  for (llvm::StringRef line : lines) {
    if (!line.startswith("| 0x"))
      continue;
    // Cells are split at each '|' that is not escaped (`int\|bool`).
    std::vector<std::string> cells(1);
    for (size_t i = 0; i < line.size(); ++i) {
      if (line[i] == '\\' && i + 1 < line.size() && line[i + 1] == '|')
        cells.back() += line[++i];
      else if (line[i] == '|')
        cells.emplace_back();
      else
        cells.back() += line[i];
    }
    if (cells.size() < 5)
      continue;
    Row row;
    row.bytes = rowBytes(cells[1]);
    llvm::SmallVector<llvm::StringRef, 6> names;
    llvm::StringRef(cells[2]).split(names, '`', -1, /*KeepEmpty=*/false);
    for (llvm::StringRef name : names)
      if (!name.trim().empty())
        row.mnemonics.push_back(name.trim().str());
    row.effect = cells[4];
    rows.push_back(row);
  }
  return rows;
}

// How many values a "( a b -- c )" effect names on each side.
std::pair<size_t, size_t> effectArity(llvm::StringRef effect) {
  effect = effect.substr(effect.find('(') + 1);
  effect = effect.substr(0, effect.find(')'));
  auto [in, out] = effect.split("--");
  llvm::SmallVector<llvm::StringRef, 4> ins, outs;
  in.split(ins, ' ', -1, false);
  out.split(outs, ' ', -1, false);
  return {ins.size(), outs.size()};
}

TEST(BytecodeDocs, EveryOpcodeHasARowWithItsByteAndStackEffect) {
  std::vector<Row> rows = opcodeRows(bytecodeDoc());
  ASSERT_FALSE(rows.empty());
  size_t opcodes = 0;
  for (unsigned byte = 0; byte < 256; ++byte) {
    const OpcodeInfo *info = opcodeInfo(uint8_t(byte));
    if (!info)
      continue;
    ++opcodes;
    const Row *row = nullptr;
    size_t k = 0;
    for (const Row &r : rows)
      for (size_t i = 0; i < r.bytes.size(); ++i)
        if (r.bytes[i] == byte) {
          row = &r;
          k = i;
        }
    ASSERT_NE(row, nullptr) << info->mnemonic << " has no row";
    ASSERT_EQ(row->bytes.size(), row->mnemonics.size()) << row->effect;
    EXPECT_EQ(row->mnemonics[k], info->mnemonic) << "byte " << byte;
    auto [pops, pushes] = effectArity(row->effect);
    EXPECT_EQ(pushes, info->pushes()) << info->mnemonic << ": " << row->effect;
    if (info->pops == kPopsCount)
      EXPECT_NE(row->effect.find("…"), std::string::npos) << info->mnemonic << ": " << row->effect;
    else
      EXPECT_EQ(pops, size_t(info->pops)) << info->mnemonic << ": " << row->effect;
  }
  size_t documented = 0;
  for (const Row &r : rows)
    documented += r.bytes.size();
  EXPECT_EQ(documented, opcodes) << "a row names an opcode that does not exist";
}

} // namespace
} // namespace wfc::bytecode

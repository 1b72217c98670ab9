// The .wfb format (docs/bytecode.md): what the compiler writes loads and
// encodes again to the same bytes; the loader refuses every kind of damage
// with the section and byte it found it at; varints are minimal; CRC-32C is
// the standard one.
#include "compiler/ast/Ast.h"
#include "compiler/diag/DiagnosticEngine.h"
#include "compiler/driver/Compile.h"
#include "compiler/lower/Lower.h"
#include "compiler/source/Source.h"
#include "runtime/bytecode/Crc32c.h"
#include "runtime/bytecode/Encoding.h"
#include "runtime/bytecode/Module.h"
#include "runtime/bytecode/Reader.h"
#include "runtime/bytecode/Verifier.h"
#include "runtime/bytecode/Writer.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <optional>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace wfc {
namespace {

using namespace bytecode;
using Bytes = std::vector<uint8_t>;

std::string sourceDir() { return WFC_SOURCE_DIR; }

// --- Compiling, as `wfc build` does -------------------------------------------

struct Compiled {
  std::optional<Module> module; // the lowered module, before any encoding
  std::string errors;           // why there is none
};

Compiled compileBuffer(std::unique_ptr<llvm::MemoryBuffer> buffer, bool debugInfo = true) {
  Compiled out;
  llvm::SourceMgr sm;
  ast::Context ast;
  DiagnosticEngine diags;
  std::optional<unsigned> id = addSource(std::move(buffer), sm, diags);
  driver::CompileResult result;
  if (id) {
    driver::CompileOptions options;
    options.stdlibDir = sourceDir() + "/stdlib";
    result = driver::compile(sm, ast, diags, *id, options);
  }
  if (!diags.hasErrors() && result.program) {
    LowerOptions lowerOptions;
    lowerOptions.debugInfo = debugInfo;
    out.module = lower(*result.program, sm, diags, lowerOptions);
  }
  for (const Diagnostic &d : diags.diagnostics())
    if (d.severity == Severity::Error)
      out.errors += d.message + " [" + d.ruleId().str() + "]\n";
  if (!out.errors.empty())
    out.module.reset();
  return out;
}

Compiled compileText(const std::string &text, const std::string &name = "gen.wf",
                     bool debugInfo = true) {
  return compileBuffer(llvm::MemoryBuffer::getMemBufferCopy(text, name), debugInfo);
}

Compiled compileFile(const std::string &path) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer) {
    Compiled out;
    out.errors = "cannot read " + path;
    return out;
  }
  return compileBuffer(llvm::MemoryBuffer::getMemBufferCopy((*buffer)->getBuffer(), path));
}

std::string loadError(const Bytes &bytes) {
  llvm::Expected<Module> m = load(bytes);
  if (m)
    return "";
  return llvm::toString(m.takeError());
}

// Encodes, loads, encodes again: the format is canonical, so the bytes match.
void expectRoundTrip(const Module &module, const std::string &what) {
  SCOPED_TRACE(what);
  Bytes bytes = encode(module);
  llvm::Expected<Module> loaded = load(bytes);
  ASSERT_TRUE(bool(loaded)) << llvm::toString(loaded.takeError());
  Bytes again = encode(*loaded);
  EXPECT_EQ(again, bytes) << "re-encoding a loaded module changed its bytes";
  llvm::Expected<Module> reloaded = load(again);
  ASSERT_TRUE(bool(reloaded)) << llvm::toString(reloaded.takeError());
  EXPECT_EQ(encode(*reloaded), bytes);
}

// --- Sections of an encoded file --------------------------------------------------

struct Section {
  uint8_t id;
  Bytes payload;
  size_t payloadStart = 0; // in the file it came from
};

size_t readUleb(const Bytes &bytes, size_t &pos) {
  size_t value = 0;
  unsigned shift = 0;
  while (true) {
    uint8_t b = bytes.at(pos++);
    value |= size_t(b & 0x7f) << shift;
    shift += 7;
    if (!(b & 0x80))
      return value;
  }
}

std::vector<Section> sectionsOf(const Bytes &file) {
  std::vector<Section> out;
  size_t pos = kHeaderSize;
  while (pos < file.size()) {
    Section s;
    s.id = file[pos++];
    size_t length = readUleb(file, pos);
    s.payloadStart = pos;
    s.payload.assign(file.begin() + pos, file.begin() + pos + length);
    pos += length;
    out.push_back(std::move(s));
  }
  return out;
}

// The file again, from its header and (changed) sections, with the length
// and the CRC repaired so that the loader looks inside.
Bytes assemble(const Bytes &original, const std::vector<Section> &sections) {
  Bytes out(original.begin(), original.begin() + kHeaderSize);
  for (const Section &s : sections) {
    out.push_back(s.id);
    appendUleb(out, s.payload.size());
    out.insert(out.end(), s.payload.begin(), s.payload.end());
  }
  uint32_t length = uint32_t(out.size());
  uint32_t crc = crc32c(out.data() + kHeaderSize, out.size() - kHeaderSize);
  for (int i = 0; i < 4; ++i) {
    out[16 + i] = uint8_t(length >> (8 * i));
    out[20 + i] = uint8_t(crc >> (8 * i));
  }
  return out;
}

Bytes withSection(const Bytes &file, SectionId id, const Bytes &payload) {
  std::vector<Section> sections = sectionsOf(file);
  for (Section &s : sections)
    if (s.id == uint8_t(id))
      s.payload = payload;
  return assemble(file, sections);
}

// "section NAME, byte N: ..." with N inside section NAME's payload.
void expectLocatedIn(const Bytes &file, const std::string &error, const std::string &section) {
  std::smatch match;
  ASSERT_TRUE(std::regex_search(error, match, std::regex("^section ([A-Z]+), byte ([0-9]+): ")))
      << error;
  ASSERT_EQ(match[1].str(), section) << error;
  size_t byte = std::stoul(match[2].str());
  for (const Section &s : sectionsOf(file)) {
    if (sectionName(SectionId(s.id)) != section)
      continue;
    EXPECT_GE(byte, s.payloadStart) << error;
    EXPECT_LE(byte, s.payloadStart + s.payload.size()) << error;
    return;
  }
  ADD_FAILURE() << "no section " << section << " in the file";
}

// =================================================================================
// CRC-32C
// =================================================================================

uint32_t referenceCrc32c(const uint8_t *data, size_t size) {
  uint32_t crc = 0xFFFFFFFFu;
  for (size_t i = 0; i < size; ++i) {
    crc ^= data[i];
    for (int bit = 0; bit < 8; ++bit)
      crc = (crc >> 1) ^ (crc & 1 ? 0x82F63B78u : 0);
  }
  return crc ^ 0xFFFFFFFFu;
}

TEST(BytecodeCrc32c, CheckValue) {
  const char *text = "123456789";
  EXPECT_EQ(crc32c(reinterpret_cast<const uint8_t *>(text), 9), 0xE3069283u);
}

TEST(BytecodeCrc32c, EmptyIsZero) {
  EXPECT_EQ(crc32c(nullptr, 0), 0u);
  uint8_t byte = 0x55;
  EXPECT_EQ(crc32c(&byte, 0), 0u);
}

// RFC 3720 (iSCSI), appendix B.4.
TEST(BytecodeCrc32c, Rfc3720Vectors) {
  uint8_t zeros[32] = {}, ones[32], up[32], down[32];
  for (int i = 0; i < 32; ++i) {
    ones[i] = 0xFF;
    up[i] = uint8_t(i);
    down[i] = uint8_t(31 - i);
  }
  EXPECT_EQ(crc32c(zeros, 32), 0x8A9136AAu);
  EXPECT_EQ(crc32c(ones, 32), 0x62A8AB43u);
  EXPECT_EQ(crc32c(up, 32), 0x46DD794Eu);
  EXPECT_EQ(crc32c(down, 32), 0x113FDB5Cu);
}

// Every length and alignment (the fast path takes 8 bytes at a time).
TEST(BytecodeCrc32c, MatchesBitwiseReferenceAtEveryLengthAndOffset) {
  std::mt19937 random(7);
  Bytes data(300);
  for (uint8_t &b : data)
    b = uint8_t(random());
  for (size_t offset = 0; offset < 9; ++offset)
    for (size_t length = 0; offset + length <= 280; length += (length < 40 ? 1 : 13))
      ASSERT_EQ(crc32c(data.data() + offset, length), referenceCrc32c(data.data() + offset, length))
          << "offset " << offset << " length " << length;
}

// =================================================================================
// Varints
// =================================================================================

TEST(BytecodeVarint, UlebIsMinimal) {
  auto uleb = [](uint64_t v) {
    Bytes out;
    appendUleb(out, v);
    return out;
  };
  EXPECT_EQ(uleb(0), (Bytes{0x00}));
  EXPECT_EQ(uleb(127), (Bytes{0x7f}));
  EXPECT_EQ(uleb(128), (Bytes{0x80, 0x01}));
  EXPECT_EQ(uleb(16383), (Bytes{0xff, 0x7f}));
  EXPECT_EQ(uleb(16384), (Bytes{0x80, 0x80, 0x01}));
  EXPECT_EQ(uleb(UINT32_MAX), (Bytes{0xff, 0xff, 0xff, 0xff, 0x0f}));
  EXPECT_EQ(uleb(UINT64_MAX).size(), 10u);
}

TEST(BytecodeVarint, SlebIsMinimal) {
  auto sleb = [](int64_t v) {
    Bytes out;
    appendSleb(out, v);
    return out;
  };
  EXPECT_EQ(sleb(0), (Bytes{0x00}));
  EXPECT_EQ(sleb(-1), (Bytes{0x7f}));
  EXPECT_EQ(sleb(63), (Bytes{0x3f}));
  EXPECT_EQ(sleb(64), (Bytes{0xc0, 0x00}));
  EXPECT_EQ(sleb(-64), (Bytes{0x40}));
  EXPECT_EQ(sleb(-65), (Bytes{0xbf, 0x7f}));
  EXPECT_EQ(sleb(-128), (Bytes{0x80, 0x7f}));
  EXPECT_EQ(sleb(INT64_MAX).size(), 10u);
  EXPECT_EQ(sleb(INT64_MIN).size(), 10u);
}

// A file without params, whose PIPELINE and PARAM sections the varint tests
// replace with hand-made ones.
const Bytes &plainFile() {
  static const Bytes bytes = [] {
    Compiled c = compileText("pipeline v { deadline = 1h defaults { timeout = 10m } }\n"
                             "task a { run = [\"true\"] }\n");
    EXPECT_TRUE(c.module) << c.errors;
    return c.module ? encode(*c.module) : Bytes();
  }();
  return bytes;
}

// Loads the plain file with PIPELINE = name 0, no description, no deadline and
// `maxParallel` as given (a 32-bit uleb); returns the error, or "".
std::string loadMaxParallel(const Bytes &maxParallel, uint32_t *value = nullptr) {
  Bytes payload{0x00, 0x00, 0x00};
  payload.insert(payload.end(), maxParallel.begin(), maxParallel.end());
  Bytes file = withSection(plainFile(), SectionId::Pipeline, payload);
  llvm::Expected<Module> m = load(file);
  if (!m)
    return llvm::toString(m.takeError());
  if (value)
    *value = m->pipeline.maxParallel;
  return "";
}

TEST(BytecodeVarint, MinimalUlebAccepted) {
  ASSERT_FALSE(plainFile().empty());
  uint32_t value = 0;
  EXPECT_EQ(loadMaxParallel({0x04}, &value), "");
  EXPECT_EQ(value, 4u);
  EXPECT_EQ(loadMaxParallel({0x80, 0x01}, &value), "");
  EXPECT_EQ(value, 128u);
  EXPECT_EQ(loadMaxParallel({0x80, 0x20}, &value), "");
  EXPECT_EQ(value, 4096u);
}

TEST(BytecodeVarint, NonMinimalUlebRejected) {
  ASSERT_FALSE(plainFile().empty());
  // 0x80 0x00: zero in two bytes.
  EXPECT_NE(loadMaxParallel({0x80, 0x00}).find("varint is not minimal"), std::string::npos);
  EXPECT_NE(loadMaxParallel({0x84, 0x00}).find("varint is not minimal"), std::string::npos);
  EXPECT_NE(loadMaxParallel({0x84, 0x80, 0x00}).find("varint is not minimal"), std::string::npos);
  // Located at the varint's first byte: 32 header + id + length + 3 fields.
  std::string error = loadMaxParallel({0x84, 0x00});
  size_t pipelineStart = sectionsOf(plainFile())[1].payloadStart;
  EXPECT_EQ(error, "section PIPELINE, byte " + std::to_string(pipelineStart + 3) +
                       ": varint is not minimal (trailing zero byte)");
}

TEST(BytecodeVarint, UlebBeyond32BitsRejected) {
  ASSERT_FALSE(plainFile().empty());
  // The largest 32-bit value is read (then refused as a max_parallel).
  EXPECT_NE(loadMaxParallel({0xff, 0xff, 0xff, 0xff, 0x0f}).find("max_parallel 4294967295"),
            std::string::npos);
  // 2^32 and more: does not fit, in 5 bytes or in 6.
  EXPECT_NE(loadMaxParallel({0x80, 0x80, 0x80, 0x80, 0x10}).find("does not fit in 32 bits"),
            std::string::npos);
  EXPECT_NE(loadMaxParallel({0xff, 0xff, 0xff, 0xff, 0x1f}).find("does not fit in 32 bits"),
            std::string::npos);
  EXPECT_NE(loadMaxParallel({0x80, 0x80, 0x80, 0x80, 0x80, 0x01}).find("does not fit in 32 bits"),
            std::string::npos);
}

TEST(BytecodeVarint, UlebCutOffByTheSectionEndRejected) {
  ASSERT_FALSE(plainFile().empty());
  EXPECT_NE(loadMaxParallel({0x84}).find("unexpected end of section PIPELINE"), std::string::npos);
}

// A count that overflows 32 bits, and one that fits but is more than the
// section can hold: both refused at the count, before any allocation.
TEST(BytecodeVarint, CountOverflowRejected) {
  ASSERT_FALSE(plainFile().empty());
  size_t paramStart = 0;
  for (const Section &s : sectionsOf(plainFile()))
    if (s.id == uint8_t(SectionId::Params))
      paramStart = s.payloadStart;
  ASSERT_NE(paramStart, 0u);
  Bytes over32 = withSection(plainFile(), SectionId::Params, {0x81, 0x80, 0x80, 0x80, 0x10});
  EXPECT_EQ(loadError(over32), "section PARAM, byte " + std::to_string(paramStart) +
                                   ": varint does not fit in 32 bits");
  Bytes huge = withSection(plainFile(), SectionId::Params, {0xff, 0xff, 0xff, 0xff, 0x0f});
  EXPECT_EQ(loadError(huge), "section PARAM, byte " + std::to_string(paramStart) +
                                 ": param count 4294967295 is more than the section can hold");
  Bytes strings = withSection(plainFile(), SectionId::Strings, {0xff, 0xff, 0xff, 0xff, 0x0f});
  EXPECT_NE(loadError(strings).find("section STR, byte 34: string count 4294967295 is more than "
                                    "the section can hold"),
            std::string::npos)
      << loadError(strings);
}

// One int param (type 2) named string 0, with `sleb` as its default.
std::string loadIntDefault(const Bytes &sleb, int64_t *value = nullptr) {
  Bytes payload{0x01, 0x00, uint8_t(ParamType::Int), 0x01};
  payload.insert(payload.end(), sleb.begin(), sleb.end());
  llvm::Expected<Module> m = load(withSection(plainFile(), SectionId::Params, payload));
  if (!m)
    return llvm::toString(m.takeError());
  if (value)
    *value = m->params.at(0).integer;
  return "";
}

TEST(BytecodeVarint, MinimalSlebAccepted) {
  ASSERT_FALSE(plainFile().empty());
  for (int64_t v : {int64_t(0), int64_t(1), int64_t(-1), int64_t(63), int64_t(64), int64_t(-64),
                    int64_t(-65), int64_t(-128), int64_t(1) << 40, -(int64_t(1) << 40), INT64_MAX,
                    INT64_MIN, INT64_MIN + 1}) {
    Bytes sleb;
    appendSleb(sleb, v);
    int64_t got = 0;
    EXPECT_EQ(loadIntDefault(sleb, &got), "") << v;
    EXPECT_EQ(got, v);
  }
}

TEST(BytecodeVarint, NonMinimalSlebRejected) {
  ASSERT_FALSE(plainFile().empty());
  // 0 in two bytes, -1 in two bytes, 64 in three bytes.
  for (const Bytes &bad : {Bytes{0x80, 0x00}, Bytes{0xff, 0x7f}, Bytes{0xc0, 0x80, 0x00}})
    EXPECT_NE(loadIntDefault(bad).find("section PARAM, byte "), std::string::npos);
  EXPECT_NE(loadIntDefault({0x80, 0x00}).find("signed varint is not minimal"), std::string::npos);
  EXPECT_NE(loadIntDefault({0xff, 0x7f}).find("signed varint is not minimal"), std::string::npos);
}

TEST(BytecodeVarint, SlebBeyond64BitsRejected) {
  ASSERT_FALSE(plainFile().empty());
  Bytes tooLong(10, 0x80);
  tooLong.push_back(0x00);
  EXPECT_NE(loadIntDefault(tooLong).find("does not fit in 64 bits"), std::string::npos);
  Bytes overflow(9, 0x80);
  overflow.push_back(0x01); // bit 64
  EXPECT_NE(loadIntDefault(overflow).find("does not fit in 64 bits"), std::string::npos);
}

TEST(BytecodeVarint, Uleb64BitField) {
  ASSERT_FALSE(plainFile().empty());
  // A duration default (type 4): a uleb of at most 64 bits, at most INT64_MAX.
  auto loadDuration = [](Bytes uleb) {
    Bytes payload{0x01, 0x00, uint8_t(ParamType::Duration), 0x01};
    payload.insert(payload.end(), uleb.begin(), uleb.end());
    return loadError(withSection(plainFile(), SectionId::Params, payload));
  };
  Bytes max;
  appendUleb(max, uint64_t(INT64_MAX));
  EXPECT_EQ(loadDuration(max), "");
  Bytes all(9, 0xff);
  all.push_back(0x01); // 2^64 - 1
  EXPECT_NE(loadDuration(all).find("is over the limit"), std::string::npos) << loadDuration(all);
  Bytes beyond(9, 0xff);
  beyond.push_back(0x02); // bit 64
  EXPECT_NE(loadDuration(beyond).find("does not fit in 64 bits"), std::string::npos);
  EXPECT_NE(loadDuration({0x80, 0x00}).find("varint is not minimal"), std::string::npos);
}

// =================================================================================
// Round trips: compile, encode, load, encode again
// =================================================================================

TEST(BytecodeRoundTrip, Examples) {
  std::error_code ec;
  int count = 0;
  for (llvm::sys::fs::directory_iterator it(sourceDir() + "/examples", ec), end; it != end && !ec;
       it.increment(ec)) {
    if (llvm::sys::path::extension(it->path()) != ".wf")
      continue;
    ++count;
    Compiled c = compileFile(it->path());
    ASSERT_TRUE(c.module) << it->path() << ":\n" << c.errors;
    expectRoundTrip(*c.module, it->path());
    Compiled plain = compileBuffer(
        llvm::MemoryBuffer::getMemBufferCopy(
            llvm::MemoryBuffer::getFile(it->path()).get()->getBuffer(), it->path()),
        /*debugInfo=*/false);
    ASSERT_TRUE(plain.module) << plain.errors;
    expectRoundTrip(*plain.module, it->path() + " without debug info");
  }
  EXPECT_GT(count, 0) << "no examples/*.wf";
}

// A random pipeline that uses every part of the format.
class Generator {
public:
  explicit Generator(unsigned seed) : random_(seed) {}

  std::string pipeline(int tasks) {
    std::ostringstream out;
    out << "// generated, seed-driven\n";
    params(out);
    out << "secret s_alpha\nsecret s_beta\nsecret s_gamma\n";
    out << "pipeline gen_" << pick(1000) << " {\n  description = \"Generated ${1 + 1}\"\n"
        << "  deadline = 366d\n  max_parallel = " << 1 + pick(4096) << "\n"
        << "  defaults { timeout = " << 1 + pick(59) << "m }\n}\n";
    environments(out);
    templates(out);
    this->tasks(out, tasks);
    return out.str();
  }

private:
  uint32_t pick(uint32_t n) { return std::uniform_int_distribution<uint32_t>(0, n - 1)(random_); }
  bool coin() { return pick(2) == 0; }
  template <typename T> const T &any(const std::vector<T> &items) { return items[pick(items.size())]; }

  void params(std::ostringstream &out) {
    out << "param p_str: string = \"" << any<std::string>({"main", "", "x y", "ünï"}) << "\"\n";
    out << "param p_req: string\n";
    out << "param p_int: int = " << (coin() ? "-" : "") << pick(1u << 31) << "\n";
    out << "param p_big: int = 9223372036854775807\n";
    out << "param p_bool: bool = " << (coin() ? "true" : "false") << "\n";
    out << "param p_dur: duration = " << any<std::string>({"0ms", "1h30m", "2d", "500ms"}) << "\n";
    out << "param p_size: size = " << any<std::string>({"1B", "512MiB", "2GB", "3TiB"}) << "\n";
    out << "param p_enum: enum(\"a\", \"b\", \"c\") = \"" << any<std::string>({"a", "b", "c"})
        << "\"\n";
    out << "param p_float: float = " << any<std::string>({"0.5", "3.25", "1000.125"}) << "\n";
    out << "param p_list: list(string) = [\"x\", \"y\"]\n";
    out << "param p_empty: list(string) = []\n";
    out << "param p_ints: list(int) = [1, 2, 300000]\n";
    out << "param p_durs: list(duration) = [1s, 2m]\n";
    out << "param p_sizes: list(size) = [1KiB]\n";
    out << "param p_bools: list(bool) = [true, false]\n";
    out << "param p_floats: list(float) = [0.5, 1.5]\n";
    out << "param p_enums: list(enum(\"x\", \"y\")) = [\"y\", \"x\"]\n";
    out << "param p_untyped = 7\n";
  }

  void environments(std::ostringstream &out) {
    // `vault` allows every secret; tasks that read one run only there.
    out << "environment vault {\n  secrets = [s_gamma, s_alpha, s_beta]\n  network = "
        << (coin() ? "true" : "false") << "\n  approval = true\n  max_timeout = 30d\n"
        << "  limits { memory = " << 1 + pick(64) << "GiB  cpu = " << 1 + pick(600)
        << "m  processes = " << 1 + pick(1000000) << "  open_files = " << 1 + pick(1000000)
        << "  file_size = " << 1 + pick(1000) << "MiB }\n}\n";
    out << "environment plain {\n  max_timeout = 2h\n  path = \"/usr/bin:/bin\"\n"
        << "  writable = [\"../cache\", \"/var/tmp/wfc\", \"ünï/out\"]\n}\n";
    out << "environment limited {\n  network = false\n  limits { memory = 1GiB }\n}\n";
  }

  void templates(std::ostringstream &out) {
    out << "template shard(n: int, region: string = \"eu\") {\n"
        << "  run = [\"./shard.sh\", \"${n}\", region]\n  timeout = 1m\n}\n"
        << "for r in [\"eu\", \"us\"] {\n  for k in [1, 2] {\n"
        << "    task \"shard_${r}_${k}\": shard(n = k, region = r)\n  }\n}\n";
  }

  // Conditions: together they reach every opcode the compiler emits.
  std::string condition() {
    static const std::vector<std::string> kConditions = {
        "params.p_bool",
        "!params.p_bool && params.p_int > 3",
        "params.p_int * 2 - 1 >= 7 || params.p_int / 3 <= 2 && params.p_int % 4 < 1",
        "-params.p_int + 5 != params.p_big",
        "params.p_dur > 1m && params.p_size <= 1GiB + params.p_size",
        "run.environment == \"vault\"",
        "\"x\" in params.p_list && !(\"q\" in params.p_empty)",
        "\"ma\" in params.p_str",
        "params.p_enum in [\"a\", \"b\"]",
        "params.p_bool == true || params.p_bool != false",
        "(params.p_bool ? params.p_int : 3) == 4",
        "params.p_str + \"-\" + params.p_req == \"a-b\"",
        "true",
        "false || params.p_bool",
    };
    return any(kConditions);
  }

  std::string text() {
    static const std::vector<std::string> kTexts = {
        "plain", "${params.p_str}", "wait ${params.p_dur}", "cache ${params.p_size}",
        "n=${params.p_int} b=${params.p_bool}", "${params.p_bool ? \"yes\" : \"no\"}",
        "${params.p_enum}-${run.environment}", "${params.p_untyped + 1}",
        "${3 * 20}m literal", "ünïcödé ${params.p_req}",
    };
    return any(kTexts);
  }

  std::string retry() {
    std::string on;
    std::vector<std::string> parts;
    if (coin())
      parts.push_back("failure");
    if (coin())
      parts.push_back("timeout");
    for (int i = 0, n = pick(3); i < n; ++i)
      parts.push_back("exit(" + std::to_string(pick(256)) + ")");
    if (parts.empty())
      parts.push_back("failure");
    for (size_t i = 0; i < parts.size(); ++i)
      on += (i ? ", " : "") + parts[i];
    switch (pick(4)) {
    case 0:
      return "retry = " + std::to_string(1 + pick(5));
    case 1:
      return "retry = retry { attempts = " + std::to_string(1 + pick(100)) + "  backoff = fixed(" +
             std::to_string(1 + pick(60)) + "s)  jitter = 0." + std::to_string(pick(10)) +
             "  on = [" + on + "] }";
    case 2:
      return "retry = retry { attempts = " + std::to_string(2 + pick(9)) +
             "  backoff = exponential(" + std::to_string(1 + pick(10)) + "s, factor = " +
             any<std::string>({"1", "1.5", "2", "100"}) + ", max = " +
             std::to_string(11 + pick(100)) + "s)  jitter = 0.25  on = [" + on + "] }";
    default:
      return "retry = retry { attempts = 3  backoff = exponential(2s, factor = 3)  on = [" + on +
             "] }";
    }
  }

  void tasks(std::ostringstream &out, int n) {
    // Names in a random order; dependencies only on tasks earlier in that
    // order (a DAG); declarations shuffled.
    std::set<std::string> used;
    std::vector<std::string> names;
    while (int(names.size()) < n) {
      std::string name = std::string(1, "abcxyzABC_"[pick(10)]) + std::to_string(pick(100000));
      if (coin())
        name += any<std::string>({"-x", ".y", "_z"});
      if (used.insert(name).second && name.rfind("shard_", 0) != 0)
        names.push_back(name);
    }
    std::vector<bool> hasOutputs(n);
    std::vector<bool> typedOutputs(n);
    std::vector<std::string> decls;
    static const char *const kTriggers[] = {
#define WFC_TRIGGER(Name, Spelling, NeedsUpstream) Spelling,
#include "runtime/bytecode/Triggers.def"
    };
    for (int i = 0; i < n; ++i) {
      std::ostringstream t;
      t << "task \"" << names[i] << "\" {\n";
      std::vector<int> deps;
      for (int k = 0, d = i ? pick(std::min(i, 4) + 1) : 0; k < d; ++k)
        deps.push_back(pick(i));
      std::sort(deps.begin(), deps.end());
      deps.erase(std::unique(deps.begin(), deps.end()), deps.end());
      if (!deps.empty()) {
        t << "  after = [";
        for (size_t k = 0; k < deps.size(); ++k)
          t << (k ? ", " : "") << "\"" << names[deps[k]] << "\"";
        t << "]\n";
        if (coin())
          t << "  trigger = " << kTriggers[pick(std::size(kTriggers))] << "\n";
      }
      if (pick(3) == 0)
        t << "  description = \"" << text() << "\"\n";
      if (coin())
        t << "  when = " << condition() << "\n";
      if (pick(4) == 0)
        t << "  workdir = \"dir/${params.p_enum}\"\n";
      if (coin())
        t << "  run = \"echo " << any<std::string>({"a", "${params.p_int}", "$$HOME", "x\\ny"})
          << "\"\n";
      else
        t << "  run = [\"./" << names[i] << ".sh\", \"" << text() << "\", \"" << text() << "\"]\n";
      // Env values: constants, params, outputs of direct dependencies, secrets.
      std::vector<std::string> env;
      if (coin())
        env.push_back("MODE = \"" + text() + "\"");
      if (coin())
        env.push_back("COUNT = params.p_int");
      // (Only a task named by an identifier can be named in an expression.)
      for (int d : deps)
        if (hasOutputs[d] && names[d].find_first_of("-.") == std::string::npos && coin())
          env.push_back("FROM_" + std::to_string(d) + " = " +
                        (coin() ? names[d] + ".outputs.out_b"
                                : "\"v=${" + names[d] + ".outputs.out_a}\""));
      // Typed outputs: read as ints, bools and lists (to.int, to.bool, lines).
      for (int d : deps)
        if (typedOutputs[d] && names[d].find_first_of("-.") == std::string::npos && coin())
          env.push_back("TYPED_" + std::to_string(d) + " = " + names[d] + ".outputs.ok_out && \"a\" in " +
                        names[d] + ".outputs.files_out ? string(" + names[d] +
                        ".outputs.n_out * 2) : \"none\"");
      bool secret = pick(3) == 0;
      if (secret) {
        env.push_back("TOKEN = secrets.s_alpha");
        if (coin())
          env.push_back("AUTH = \"Bearer ${secrets.s_beta}\"");
        if (coin())
          env.push_back("PICK = params.p_bool ? secrets.s_gamma : \"none\"");
      }
      if (!env.empty()) {
        t << "  env = {";
        for (size_t k = 0; k < env.size(); ++k)
          t << (k ? ", " : " ") << env[k];
        t << " }\n";
      }
      if (coin()) {
        hasOutputs[i] = true;
        typedOutputs[i] = coin();
        if (typedOutputs[i])
          t << "  outputs = { out_b: string, out_a: string, n_out: int, ok_out: bool, "
               "files_out: list }\n";
        else
          t << "  outputs = [out_b, out_a" << (coin() ? ", zz_out" : "") << "]\n";
      }
      if (secret)
        t << "  environments = [vault]\n";
      else if (coin())
        t << "  environments = [limited, vault]\n";
      if (coin())
        t << "  timeout = " << 1 + pick(59) << "m\n";
      if (pick(3))
        t << "  " << retry() << "\n";
      t << "}\n";
      decls.push_back(t.str());
    }
    std::shuffle(decls.begin(), decls.end(), random_);
    for (const std::string &d : decls)
      out << d;
  }

  std::mt19937 random_;
};

TEST(BytecodeRoundTrip, GeneratedPipelines) {
  std::set<uint8_t> opcodesSeen;
  int built = 0;
  for (unsigned seed = 1; seed <= 40; ++seed) {
    int tasks = std::vector<int>{1, 2, 3, 5, 8, 20, 60, 200}[seed % 8];
    std::string text = Generator(seed).pipeline(tasks);
    Compiled c = compileText(text, "gen" + std::to_string(seed) + ".wf");
    if (!c.module) {
      ADD_FAILURE() << "seed " << seed << " did not compile:\n" << c.errors << "\n" << text;
      continue;
    }
    ++built;
    expectRoundTrip(*c.module, "seed " + std::to_string(seed));
    for (const CodeBlock &b : c.module->code) {
      llvm::ArrayRef<uint8_t> ops = c.module->opsOf(b);
      for (size_t pos = 0; pos < ops.size();) {
        Instruction in = decode(ops, pos);
        opcodesSeen.insert(uint8_t(in.op));
        pos += in.size;
      }
    }
    Compiled plain = compileText(text, "gen.wf", /*debugInfo=*/false);
    ASSERT_TRUE(plain.module) << plain.errors;
    expectRoundTrip(*plain.module, "seed " + std::to_string(seed) + " without debug info");
  }
  EXPECT_EQ(built, 40);
  // Every opcode the compiler can emit was emitted (all of Opcodes.def).
#define WFC_OPCODE(Name, Byte, Mnemonic, Operands, Effect)                                         \
  EXPECT_TRUE(opcodesSeen.count(Byte)) << "no generated pipeline uses " Mnemonic;
#include "runtime/bytecode/Opcodes.def"
}

// Pipelines whose records take the fewest bytes the format allows: each must
// load (the loader's "count fits in the section" bound must not be more than
// the real minimum of a record).
TEST(BytecodeRoundTrip, TaskWithoutRun) {
  Compiled c = compileText("pipeline p { deadline = 1h defaults { timeout = 10m } }\n"
                           "task join { after = [a] }\ntask a { run = [\"true\"] }\n");
  ASSERT_TRUE(c.module) << c.errors;
  EXPECT_EQ(c.module->tasks[1].argCount, 0u);
  expectRoundTrip(*c.module, "a task with no run (8 bytes)");
}

TEST(BytecodeRoundTrip, EnvironmentWithNothingSet) {
  Compiled c = compileText("pipeline p { deadline = 1h defaults { timeout = 10m } }\n"
                           "environment dev {}\ntask a { run = [\"true\"] }\n");
  ASSERT_TRUE(c.module) << c.errors;
  expectRoundTrip(*c.module, "an environment with nothing set (7 bytes)");
}

// Writable paths: interned as written, ascending by string id in each
// environment, and back the same after a round trip.
TEST(BytecodeRoundTrip, EnvironmentWritablePaths) {
  Compiled c = compileText("pipeline p { deadline = 1h defaults { timeout = 10m } }\n"
                           "environment staging { writable = [\"/var/tmp/wfc-cache\", "
                           "\"../cache\", \"out\"] }\n"
                           "environment dev {}\n"
                           "task a { run = [\"true\"] }\n");
  ASSERT_TRUE(c.module) << c.errors;
  const Module &m = *c.module;
  ASSERT_EQ(m.environments.size(), 2u);
  std::vector<std::string> paths;
  for (uint32_t w : m.writableOf(m.environments[0]))
    paths.push_back(m.str(w).str());
  EXPECT_EQ(paths, (std::vector<std::string>{"../cache", "/var/tmp/wfc-cache", "out"}));
  EXPECT_TRUE(m.writableOf(m.environments[1]).empty());
  expectRoundTrip(m, "writable paths");
  llvm::Expected<Module> loaded = load(encode(m));
  ASSERT_TRUE(bool(loaded)) << llvm::toString(loaded.takeError());
  EXPECT_EQ(loaded->envWritable, m.envWritable);
  EXPECT_EQ(loaded->environments[0].writableCount, 3u);
}

TEST(BytecodeRoundTrip, PolicyWithoutTimeout) {
  Compiled c = compileText("pipeline p { deadline = 1h }\ntask a { run = [\"true\"] }\n");
  ASSERT_TRUE(c.module) << c.errors;
  EXPECT_EQ(c.module->policies.at(0).timeoutMs, 0u);
  expectRoundTrip(*c.module, "a policy without timeout (9 bytes)");
}

// Typed outputs (1.1) keep their types through encoding and loading, sorted
// with their names.
TEST(BytecodeRoundTrip, TypedOutputs) {
  Compiled c = compileText("pipeline p { deadline = 1h }\n"
                           "task a { run = [\"true\"] timeout = 1m\n"
                           "  outputs = { zeta: int, alpha: list, mid: bool, text: string } }\n");
  ASSERT_TRUE(c.module) << c.errors;
  expectRoundTrip(*c.module, "typed outputs");
  llvm::Expected<Module> loaded = load(encode(*c.module));
  ASSERT_TRUE(bool(loaded)) << llvm::toString(loaded.takeError());
  EXPECT_EQ(loaded->minor, 1);
  const Task &t = loaded->tasks.at(0);
  std::vector<std::string> shown;
  for (uint32_t k = 0; k < t.outputCount; ++k)
    shown.push_back(loaded->str(loaded->outputsOf(t)[k]).str() + ":" +
                    valueTypeName(loaded->outputTypesOf(t)[k]));
  EXPECT_EQ(shown, (std::vector<std::string>{"alpha:list", "mid:bool", "text:string", "zeta:int"}));
}

// A 1.0 file has no output types: it still loads, its outputs strings, and
// encodes again to the same bytes (one byte less per output than 1.1).
TEST(BytecodeRoundTrip, MinorZeroOutputsAreStrings) {
  Compiled c = compileText("pipeline p { deadline = 1h }\n"
                           "task a { run = [\"true\"] timeout = 1m outputs = [b, c] }\n");
  ASSERT_TRUE(c.module) << c.errors;
  Module old = std::move(*c.module);
  Bytes current = encode(old);
  old.minor = 0;
  Bytes bytes = encode(old);
  EXPECT_EQ(bytes.size() + 2, current.size());
  expectRoundTrip(old, "a 1.0 file with outputs");
  llvm::Expected<Module> loaded = load(bytes);
  ASSERT_TRUE(bool(loaded)) << llvm::toString(loaded.takeError());
  EXPECT_EQ(loaded->minor, 0);
  for (ValueType type : loaded->outputTypesOf(loaded->tasks.at(0)))
    EXPECT_EQ(type, ValueType::String);
}

// =================================================================================
// The verifier, by mutation: one field of a valid module changed
// =================================================================================

const char *const kBase = R"wf(
param flag: bool = false
param name: string = "world"
param mode: enum("fast", "slow") = "slow"
param ratio: float = 0.5
param n: int = 2
secret token

pipeline base { deadline = 1h defaults { timeout = 10m } }

environment ci { secrets = [token] max_timeout = 1h writable = ["/var/tmp/ci", "../cache"] limits { memory = 1GiB } }
environment prod { secrets = [token] approval = true max_timeout = 2h }

task build {
  run = ["make", "${params.name}", "A=B", "WFC_TASK", "${params.mode}"]
  outputs = { tag: string, digest: int }
  retry = retry { attempts = 3  backoff = exponential(1s, factor = 2, max = 1m)  jitter = 0.1  on = [failure, exit(75), exit(76)] }
}
task test {
  after = [build]
  when = !params.flag
  run = ["make", "test"]
  env = { TOKEN = secrets.token, MODE = "x" }
  environments = [ci, prod]
  retry = retry { attempts = 2  backoff = fixed(5s) }
}
task deploy {
  after = [test]
  description = "Deploy ${params.name}"
  workdir = "deploy"
  run = "./deploy.sh"
  env = { TAG = build.outputs.tag }
}
task report {
  after = [deploy]
  trigger = all_done
  run = ["./report.sh", "${params.n + 1}"]
}
)wf";

const Bytes &baseFile() {
  static const Bytes bytes = [] {
    Compiled c = compileText(kBase, "base.wf");
    EXPECT_TRUE(c.module) << c.errors;
    return c.module ? encode(*c.module) : Bytes();
  }();
  return bytes;
}

Module freshBase() {
  llvm::Expected<Module> m = load(baseFile());
  EXPECT_TRUE(bool(m));
  if (!m) {
    llvm::consumeError(m.takeError());
    return Module();
  }
  return std::move(*m);
}

uint32_t stringId(const Module &m, llvm::StringRef text) {
  for (uint32_t i = 0; i < m.strings.size(); ++i)
    if (m.strings[i] == text)
      return i;
  ADD_FAILURE() << "no string " << text.str();
  return 0;
}

uint32_t taskIndex(const Module &m, llvm::StringRef name) {
  for (uint32_t i = 0; i < m.tasks.size(); ++i)
    if (m.str(m.tasks[i].name) == name)
      return i;
  ADD_FAILURE() << "no task " << name.str();
  return 0;
}

uint32_t environmentIndex(const Module &m, llvm::StringRef name) {
  for (uint32_t i = 0; i < m.environments.size(); ++i)
    if (m.str(m.environments[i].name) == name)
      return i;
  ADD_FAILURE() << "no environment " << name.str();
  return 0;
}

uint32_t paramIndex(const Module &m, llvm::StringRef name) {
  for (uint32_t i = 0; i < m.params.size(); ++i)
    if (m.str(m.params[i].name) == name)
      return i;
  ADD_FAILURE() << "no param " << name.str();
  return 0;
}

// The first block with this opcode.
uint32_t blockWith(const Module &m, Opcode op) {
  for (uint32_t i = 0; i < m.code.size(); ++i) {
    llvm::ArrayRef<uint8_t> ops = m.opsOf(m.code[i]);
    for (size_t pos = 0; pos < ops.size();) {
      Instruction in = decode(ops, pos);
      if (in.op == op)
        return i;
      pos += in.size;
    }
  }
  ADD_FAILURE() << "no block with opcode " << int(op);
  return 0;
}

uint32_t exponentialPolicy(const Module &m) {
  for (uint32_t i = 0; i < m.policies.size(); ++i)
    if (m.policies[i].backoff == Backoff::Exponential)
      return i;
  ADD_FAILURE() << "no exponential policy";
  return 0;
}

uint32_t fixedPolicy(const Module &m) {
  for (uint32_t i = 0; i < m.policies.size(); ++i)
    if (m.policies[i].backoff == Backoff::Fixed)
      return i;
  ADD_FAILURE() << "no fixed policy";
  return 0;
}

// Gives block `index` new ops (appended to the shared array).
void setOps(Module &m, uint32_t index, const Bytes &ops) {
  m.code[index].offset = uint32_t(m.ops.size());
  m.code[index].length = uint32_t(ops.size());
  m.ops.insert(m.ops.end(), ops.begin(), ops.end());
}

uint8_t op(Opcode o) { return uint8_t(o); }

struct Mutation {
  const char *name;
  std::function<void(Module &)> apply;
  const char *section; // as the error names it
  std::vector<std::string> words;
};

std::ostream &operator<<(std::ostream &os, const Mutation &m) { return os << m.name; }

const std::vector<Mutation> &mutations() {
  static const std::vector<Mutation> kMutations = {
      // --- STR ---
      {"StringsUnsorted",
       [](Module &m) { std::swap(m.strings[0], m.strings[1]); },
       "STR",
       {"string 1 is not after string 0 in byte order"}},
      {"StringsDuplicated",
       [](Module &m) { m.strings[2] = m.strings[1]; },
       "STR",
       {"string 2 is not after string 1"}},
      // --- PIPELINE ---
      {"PipelineNameOutOfRange",
       [](Module &m) { m.pipeline.name = uint32_t(m.strings.size()); },
       "PIPELINE",
       {"pipeline name", "is out of range"}},
      {"MaxParallelZero",
       [](Module &m) { m.pipeline.maxParallel = 0; },
       "PIPELINE",
       {"max_parallel 0 is not between 1 and 4096"}},
      {"DeadlineOverAYear",
       [](Module &m) { m.pipeline.deadlineMs = kMaxDeadlineMs + 1; },
       "PIPELINE",
       {"deadline (ms)", "is over the limit"}},
      // --- PARAM ---
      {"EnumDefaultOutOfRange",
       [](Module &m) {
         Param &p = m.params[paramIndex(m, "mode")];
         p.integer = p.enumCount;
       },
       "PARAM",
       {"enum value 2 is out of range (there are 2)"}},
      {"ParamDeclaredTwice",
       [](Module &m) { m.params[1].name = m.params[0].name; },
       "PARAM",
       {"is declared twice"}},
      {"UnknownParamType",
       [](Module &m) { m.params[paramIndex(m, "n")].type = ParamType(9); },
       "PARAM",
       {"unknown param type 9"}},
      // --- ENV ---
      {"AllowedSecretOutOfRange",
       [](Module &m) { m.envSecrets[0] = uint32_t(m.secrets.size()); },
       "ENV",
       {"secret 1 is out of range"}},
      {"LimitZero",
       [](Module &m) { m.environments[0].memoryBytes = 0; },
       "ENV",
       {"limit memory is 0"}},
      {"UnknownLimitBit",
       [](Module &m) { m.environments[0].limitMask |= 0x20; },
       "ENV",
       {"unknown limits 0x21"}},
      {"AllowedSecretTwice",
       [](Module &m) {
         Environment &e = m.environments[environmentIndex(m, "ci")];
         e.firstSecret = uint32_t(m.envSecrets.size());
         e.secretCount = 2;
         m.envSecrets.insert(m.envSecrets.end(), {0, 0});
       },
       "ENV",
       {"allowed secrets are not in ascending order"}},
      {"WritablePathOutOfRange",
       [](Module &m) {
         const Environment &e = m.environments[environmentIndex(m, "ci")];
         m.envWritable[e.firstWritable + 1] = uint32_t(m.strings.size());
       },
       "ENV",
       {"writable path", "is out of range"}},
      {"WritablePathTwice",
       [](Module &m) {
         const Environment &e = m.environments[environmentIndex(m, "ci")];
         ASSERT_EQ(e.writableCount, 2u);
         m.envWritable[e.firstWritable + 1] = m.envWritable[e.firstWritable];
       },
       "ENV",
       {"writable path '../cache' is listed twice"}},
      {"WritablePathsUnsorted",
       [](Module &m) {
         const Environment &e = m.environments[environmentIndex(m, "ci")];
         std::swap(m.envWritable[e.firstWritable], m.envWritable[e.firstWritable + 1]);
       },
       "ENV",
       {"writable paths are not in ascending order"}},
      {"WritablePathEmpty",
       [](Module &m) {
         // The first string made empty stays first in byte order.
         m.strings[0] = llvm::StringRef();
         const Environment &e = m.environments[environmentIndex(m, "ci")];
         m.envWritable[e.firstWritable] = 0;
       },
       "ENV",
       {"environment 'ci' has an empty writable path"}},
      {"TooManyWritablePaths",
       [](Module &m) {
         Environment &e = m.environments[environmentIndex(m, "ci")];
         e.firstWritable = uint32_t(m.envWritable.size());
         e.writableCount = kMaxWritable + 1;
         for (uint32_t i = 0; i <= kMaxWritable; ++i)
           m.envWritable.push_back(i);
       },
       "ENV",
       {"environment 'ci' has 65 writable paths, over the limit of 64"}},
      // --- POLICY ---
      {"AttemptsZero",
       [](Module &m) { m.policies[0].attempts = 0; },
       "POLICY",
       {"attempts 0 is not between 1 and 100"}},
      {"Attempts101",
       [](Module &m) { m.policies[0].attempts = 101; },
       "POLICY",
       {"attempts 101 is not between 1 and 100"}},
      {"ExponentialFactorBelowOne",
       [](Module &m) { m.policies[exponentialPolicy(m)].factorMilli = 999; },
       "POLICY",
       {"backoff factor 999 is out of range for this backoff"}},
      {"FactorOnFixedBackoff",
       [](Module &m) { m.policies[fixedPolicy(m)].factorMilli = 2000; },
       "POLICY",
       {"backoff factor 2000 is out of range for this backoff"}},
      {"CapOnFixedBackoff",
       [](Module &m) { m.policies[fixedPolicy(m)].capMs = 1000; },
       "POLICY",
       {"only an exponential backoff has a cap"}},
      {"UnknownBackoff",
       [](Module &m) { m.policies[fixedPolicy(m)].backoff = Backoff(3); },
       "POLICY",
       {"unknown backoff 3"}},
      {"JitterOverOne",
       [](Module &m) { m.policies[exponentialPolicy(m)].jitterMilli = 1001; },
       "POLICY",
       {"jitter (1/1000) 1001 is over the limit of 1000"}},
      {"ExitCodesUnsorted",
       [](Module &m) {
         const Policy &p = m.policies[exponentialPolicy(m)];
         ASSERT_EQ(p.exitCodeCount, 2u);
         std::swap(m.exitCodes[p.firstExitCode], m.exitCodes[p.firstExitCode + 1]);
       },
       "POLICY",
       {"exit codes are not in ascending order"}},
      // --- CODE ---
      {"UnknownOpcode",
       [](Module &m) { m.ops[m.code[0].offset] = 0x0f; },
       "CODE",
       {"block 0: unknown opcode 0x0f"}},
      {"StackUnderflow",
       [](Module &m) { setOps(m, 0, {op(Opcode::Not), op(Opcode::Ret)}); },
       "CODE",
       {"block 0: not: stack underflow"}},
      {"MaxStackTooSmall",
       [](Module &m) {
         uint32_t b = blockWith(m, Opcode::Add);
         ASSERT_EQ(m.code[b].maxStack, 2u);
         m.code[b].maxStack = 1;
       },
       "CODE",
       {"the stack grows past the declared max of 1"}},
      {"MaxStackOverLimit",
       [](Module &m) { m.code[0].maxStack = kMaxStack + 1; },
       "CODE",
       {"declares a max stack of 65 (1 to 64)"}},
      {"RetNotLast",
       [](Module &m) {
         uint32_t when = m.tasks[taskIndex(m, "test")].when.index();
         setOps(m, when,
                {op(Opcode::PushTrue), op(Opcode::Ret), op(Opcode::PushTrue), op(Opcode::Ret)});
       },
       "CODE",
       {"instructions after ret"}},
      {"MissingRet",
       [](Module &m) {
         setOps(m, m.tasks[taskIndex(m, "test")].when.index(), {op(Opcode::PushTrue)});
       },
       "CODE",
       {"the block does not end with ret"}},
      {"DeclaredResultTypeWrong",
       [](Module &m) { m.code[m.tasks[taskIndex(m, "test")].when.index()].result = ValueType::String; },
       "CODE",
       {"ret: the block gives a bool, not the declared string"}},
      {"UnknownResultType",
       [](Module &m) { m.code[0].result = ValueType(6); },
       "CODE",
       {"block 0 has unknown result type 6"}},
      {"CompareStringWithInt",
       [](Module &m) {
         uint32_t when = m.tasks[taskIndex(m, "test")].when.index();
         m.code[when].maxStack = 2;
         setOps(m, when,
                {op(Opcode::PushStr), 0, op(Opcode::PushInt), 1, op(Opcode::Eq), op(Opcode::Ret)});
       },
       "CODE",
       {"eq: compares a string with a"}},
      {"ConcatMoreThanTheStack",
       [](Module &m) {
         setOps(m, 0, {op(Opcode::PushStr), 0, op(Opcode::Concat), 2, op(Opcode::Ret)});
       },
       "CODE",
       {"concat: joins 2 values, the stack holds 1"}},
      {"PushStrOutOfRange",
       [](Module &m) {
         m.code[0].result = ValueType::String;
         Bytes ops{op(Opcode::PushStr)};
         appendUleb(ops, m.strings.size());
         ops.push_back(op(Opcode::Ret));
         setOps(m, 0, ops);
       },
       "CODE",
       {"push.str: string", "is out of range"}},
      {"NonMinimalOperand",
       [](Module &m) {
         m.code[0].result = ValueType::String;
         setOps(m, 0, {op(Opcode::PushStr), 0x80, 0x00, op(Opcode::Ret)});
       },
       "CODE",
       {"push.str: malformed operand"}},
      {"FloatParamReadAtRunTime",
       [](Module &m) {
         m.code[0].result = ValueType::String;
         setOps(m, 0, {op(Opcode::Param), uint8_t(paramIndex(m, "ratio")), op(Opcode::Ret)});
       },
       "CODE",
       {"param: float params cannot be read at run time"}},
      // --- TASK ---
      {"TaskNameOutOfRange",
       [](Module &m) { m.tasks[0].name = uint32_t(m.strings.size()) + 5; },
       "TASK",
       {"task name", "is out of range"}},
      {"TaskDeclaredTwice",
       [](Module &m) { m.tasks[1].name = m.tasks[0].name; },
       "TASK",
       {"task 'build' is declared twice"}},
      {"UnknownTaskFlag",
       [](Module &m) { m.tasks[0].flags |= 0x20; },
       "TASK",
       {"task 0 has unknown flags"}},
      {"ResourcesInAVersion10File",
       [](Module &m) {
         m.minor = 0;
         m.tasks[0].flags |= kTaskHasResources;
         m.tasks[0].cpuMilli = 1000;
       },
       "TASK",
       {"task 0 has unknown flags 0x10"}},
      {"ResourcesCpuOverMax",
       [](Module &m) {
         m.tasks[0].flags |= kTaskHasResources;
         m.tasks[0].cpuMilli = kMaxCpuMilli + 1;
       },
       "TASK",
       {"task 0 needs 4096001 thousandths of a core, more than 4096000"}},
      {"ResourcesMemoryOverMax",
       [](Module &m) {
         m.tasks[0].flags |= kTaskHasResources;
         m.tasks[0].memoryBytes = kMaxResourceBytes + 1;
       },
       "TASK",
       {"task 0 needs 1125899906842625 bytes of memory"}},
      {"ResourcesFlaggedButNone",
       [](Module &m) { m.tasks[0].flags |= kTaskHasResources; },
       "TASK",
       {"task 0 is flagged with resources but needs none"}},
      {"ResourcesOverEnvironmentMemoryLimit",
       [](Module &m) {
         Task &t = m.tasks[taskIndex(m, "test")];
         t.flags |= kTaskHasResources;
         t.memoryBytes = 2 << 20;
         for (Environment &e : m.environments) {
           e.limitMask |= kLimitMemory;
           e.memoryBytes = 1 << 20;
         }
       },
       "TASK",
       {"whose memory limit of 1MiB is under the task's resources.memory of 2MiB"}},
      {"Trigger12",
       [](Module &m) { m.tasks[0].trigger = 12; },
       "TASK",
       {"task 0 has unknown trigger rule 12"}},
      {"PolicyOutOfRange",
       [](Module &m) { m.tasks[0].policy = uint32_t(m.policies.size()); },
       "TASK",
       {"policy", "is out of range"}},
      {"ShellTaskWithTwoArguments",
       [](Module &m) { m.tasks[taskIndex(m, "test")].flags |= kTaskShell; },
       "TASK",
       {"shell task 1 has 2 arguments instead of one script"}},
      {"WhenIsAString",
       [](Module &m) { m.tasks[taskIndex(m, "test")].when = Operand::string(0); },
       "TASK",
       {"a when condition must be a code block"}},
      {"WhenGivesAString",
       [](Module &m) {
         m.tasks[taskIndex(m, "test")].when = Operand::block(blockWith(m, Opcode::Concat));
       },
       "TASK",
       {"a when condition must give a bool, block", "gives a string"}},
      {"ArgumentBlockOutOfRange",
       [](Module &m) {
         const Task &t = m.tasks[taskIndex(m, "build")];
         m.args[t.firstArg + 1] = Operand::block(uint32_t(m.code.size()));
       },
       "TASK",
       {"an argument names block", "out of range"}},
      {"SecretInArgv",
       [](Module &m) {
         const Task &t = m.tasks[taskIndex(m, "build")];
         ASSERT_TRUE(m.args[t.firstArg + 1].isBlock());
         m.args[t.firstArg + 1] = Operand::block(blockWith(m, Opcode::Secret));
       },
       "TASK",
       {"an argument uses a secret: only env values may"}},
      {"SecretInDescription",
       [](Module &m) {
         m.tasks[taskIndex(m, "deploy")].description = Operand::block(blockWith(m, Opcode::Secret));
       },
       "TASK",
       {"a description uses a secret"}},
      {"SecretInWorkdir",
       [](Module &m) {
         m.tasks[taskIndex(m, "deploy")].workdir = Operand::block(blockWith(m, Opcode::Secret));
       },
       "TASK",
       {"a workdir uses a secret"}},
      {"OutputOfALaterTask",
       [](Module &m) {
         uint32_t b = blockWith(m, Opcode::Output);
         ASSERT_EQ(m.ops[m.code[b].offset + 1], taskIndex(m, "build"));
         m.ops[m.code[b].offset + 1] = uint8_t(taskIndex(m, "report"));
       },
       "TASK",
       {"an env value reads an output of task 3, which does not come before task 2"}},
      {"OutputOfItsOwnTask",
       [](Module &m) {
         m.ops[m.code[blockWith(m, Opcode::Output)].offset + 1] = uint8_t(taskIndex(m, "deploy"));
       },
       "TASK",
       {"reads an output of task 2, which does not come before task 2"}},
      {"EnvNameWithEquals",
       [](Module &m) {
         // The first env value: the names' order is checked from the second.
         m.envValues[m.tasks[taskIndex(m, "test")].firstEnv].name = stringId(m, "A=B");
       },
       "TASK",
       {"env variable 'A=B' is not a valid name"}},
      {"EnvNameReserved",
       [](Module &m) {
         // The first env value: the names' order is checked from the second.
         m.envValues[m.tasks[taskIndex(m, "test")].firstEnv].name = stringId(m, "WFC_TASK");
       },
       "TASK",
       {"env variable 'WFC_TASK' is reserved or invalid"}},
      {"EnvNamesUnsorted",
       [](Module &m) {
         const Task &t = m.tasks[taskIndex(m, "test")];
         ASSERT_EQ(t.envCount, 2u);
         std::swap(m.envValues[t.firstEnv], m.envValues[t.firstEnv + 1]);
       },
       "TASK",
       {"env names are not in ascending order"}},
      {"OutputsUnsorted",
       [](Module &m) {
         const Task &t = m.tasks[taskIndex(m, "build")];
         ASSERT_EQ(t.outputCount, 2u);
         std::swap(m.outputs[t.firstOutput], m.outputs[t.firstOutput + 1]);
       },
       "TASK",
       {"outputs are not in ascending order"}},
      {"OutputNameNotAName",
       [](Module &m) {
         m.outputs[m.tasks[taskIndex(m, "build")].firstOutput] = stringId(m, "./deploy.sh");
       },
       "TASK",
       {"output './deploy.sh' is not a valid name"}},
      {"OutputTypeSecret",
       [](Module &m) {
         m.outputTypes[m.tasks[taskIndex(m, "build")].firstOutput] = ValueType::Secret;
       },
       "TASK",
       {"output 'digest' has type 4, not one an output takes"}},
      {"OutputTypeUnknown",
       [](Module &m) {
         m.outputTypes[m.tasks[taskIndex(m, "build")].firstOutput + 1] = ValueType(9);
       },
       "TASK",
       {"output 'tag' has type 9, not one an output takes"}},
      {"ToIntOfAnInt",
       [](Module &m) {
         uint32_t when = m.tasks[taskIndex(m, "test")].when.index();
         m.code[when].maxStack = 2;
         setOps(m, when,
                {op(Opcode::PushInt), 1, op(Opcode::ToInt), op(Opcode::PushInt), 0, op(Opcode::Gt),
                 op(Opcode::Ret)});
       },
       "CODE",
       {"to.int"}},
      {"LinesOfAList",
       [](Module &m) {
         uint32_t when = m.tasks[taskIndex(m, "test")].when.index();
         m.code[when].maxStack = 2;
         setOps(m, when,
                {op(Opcode::PushStr), 0, op(Opcode::List), 1, op(Opcode::Lines), op(Opcode::Ret)});
       },
       "CODE",
       {"lines"}},
      {"TaskEnvironmentsUnsorted",
       [](Module &m) {
         const Task &t = m.tasks[taskIndex(m, "test")];
         ASSERT_EQ(t.environmentCount, 2u);
         std::swap(m.taskEnvironments[t.firstEnvironment],
                   m.taskEnvironments[t.firstEnvironment + 1]);
       },
       "TASK",
       {"a task's environments are not in ascending order"}},
      // A task that lists an environment keeps to its policy.
      {"TimeoutOverListedEnvironmentMax",
       [](Module &m) { m.environments[environmentIndex(m, "ci")].maxTimeoutMs = 60'000; },
       "TASK",
       {"task 1 ('test') lists environment 'ci', whose max_timeout of 1m is under the task's "
        "timeout of 10m"}},
      {"PolicyTimeoutOverListedEnvironmentMax",
       [](Module &m) { m.policies[m.tasks[taskIndex(m, "test")].policy].timeoutMs = 3 * 3600'000; },
       "TASK",
       {"lists environment 'ci', whose max_timeout of 1h is under the task's timeout of 3h"}},
      {"SecretNotAllowedByListedEnvironment",
       [](Module &m) { m.environments[environmentIndex(m, "prod")].secretCount = 0; },
       "TASK",
       {"task 1 ('test') lists environment 'prod', which does not allow secret 'token' (read by "
        "env value TOKEN)"}},
      {"SecretNotAllowedThroughAnotherSecret",
       [](Module &m) {
         // ci allows `token` in name only: its list points at another secret.
         m.secrets.push_back(stringId(m, "A=B"));
         m.envSecrets[m.environments[environmentIndex(m, "ci")].firstSecret] = 1;
       },
       "TASK",
       {"lists environment 'ci', which does not allow secret 'token'"}},
      {"TaskEnvironmentOutOfRange",
       [](Module &m) {
         const Task &t = m.tasks[taskIndex(m, "test")];
         m.taskEnvironments[t.firstEnvironment + 1] = uint32_t(m.environments.size());
       },
       "TASK",
       {"environment 2 is out of range (there are 2)"}},
      // --- EDGE ---
      {"DependencyOnItself",
       [](Module &m) {
         uint32_t t = taskIndex(m, "test");
         m.deps[m.tasks[t].firstDep] = t;
       },
       "EDGE",
       {"task 1 depends on task 1, which does not come before it"}},
      {"DependencyOnALaterTask",
       [](Module &m) {
         uint32_t t = taskIndex(m, "deploy");
         m.deps[m.tasks[t].firstDep] = t + 1;
       },
       "EDGE",
       {"task 2 depends on task 3, which does not come before it"}},
      // --- DEBUG and the file ---
      {"DebugLineZero",
       [](Module &m) { m.debug.tasks[1].line = 0; },
       "DEBUG",
       {"lines and columns start at 1"}},
      {"DebugFileOutOfRange",
       [](Module &m) { m.debug.tasks[0].file = uint32_t(m.debug.files.size()); },
       "DEBUG",
       {"source file 1 is out of range (there are 1)"}},
  };
  return kMutations;
}

class BytecodeMutation : public ::testing::TestWithParam<Mutation> {};

TEST(BytecodeMutationBase, LoadsAndRoundTrips) {
  ASSERT_FALSE(baseFile().empty());
  Module m = freshBase();
  EXPECT_EQ(encode(m), baseFile());
  // What the mutations rely on.
  ASSERT_EQ(m.tasks.size(), 4u);
  EXPECT_EQ(taskIndex(m, "build"), 0u);
  EXPECT_EQ(taskIndex(m, "test"), 1u);
  EXPECT_EQ(taskIndex(m, "deploy"), 2u);
  EXPECT_EQ(taskIndex(m, "report"), 3u);
  EXPECT_EQ(m.code[0].result, ValueType::String);
  EXPECT_TRUE(m.tasks[taskIndex(m, "test")].flags & kTaskHasWhen);
}

TEST(BytecodeMutationBase, AtLeast25DistinctMutations) {
  std::set<std::string> names;
  for (const Mutation &m : mutations())
    names.insert(m.name);
  EXPECT_EQ(names.size(), mutations().size());
  EXPECT_GE(names.size(), 25u);
}

TEST_P(BytecodeMutation, LoadFailsWhereItShould) {
  const Mutation &mutation = GetParam();
  ASSERT_FALSE(baseFile().empty());
  Module m = freshBase();
  mutation.apply(m);
  if (HasFatalFailure())
    return;
  Bytes bytes = encode(m);
  ASSERT_NE(bytes, baseFile()) << "the mutation changed nothing";
  std::string error = loadError(bytes);
  ASSERT_FALSE(error.empty()) << "the damaged module loaded";
  for (const std::string &word : mutation.words)
    EXPECT_NE(error.find(word), std::string::npos) << "expected '" << word << "' in: " << error;
  expectLocatedIn(bytes, error, mutation.section);
}

INSTANTIATE_TEST_SUITE_P(BytecodeVerifier, BytecodeMutation, ::testing::ValuesIn(mutations()),
                         [](const ::testing::TestParamInfo<Mutation> &info) {
                           return std::string(info.param.name);
                         });

// Not a section's field: the flag that says a DEBUG section follows.
TEST(BytecodeMutationBase, DebugFlagWithoutSection) {
  Module m = freshBase();
  m.flags &= ~kFlagDebugInfo;
  std::string error = loadError(encode(m));
  EXPECT_NE(error.find("file, byte "), std::string::npos) << error;
  EXPECT_NE(error.find("the debug-info flag does not match the DEBUG section"), std::string::npos)
      << error;
}

// A section id of 0 is an unknown id, also as the first section: the message
// says so (not that section 0 comes after "section 0").
TEST(BytecodeMutationBase, SectionIdZeroIsUnknown) {
  ASSERT_FALSE(baseFile().empty());
  std::vector<Section> sections = sectionsOf(baseFile());
  sections[0].id = 0;
  EXPECT_EQ(loadError(assemble(baseFile(), sections)),
            "section table, byte 32: unknown section id 0");
}

// A section id repeated: the second one is refused at its id byte.
TEST(BytecodeMutationBase, SectionRepeated) {
  ASSERT_FALSE(baseFile().empty());
  std::vector<Section> sections = sectionsOf(baseFile());
  sections.insert(sections.begin() + 2, sections[1]); // PIPELINE twice
  Bytes bytes = assemble(baseFile(), sections);
  size_t second = sectionsOf(bytes)[2].payloadStart;
  size_t idByte = second - 1 - (sections[2].payload.size() >= 128 ? 2 : 1);
  EXPECT_EQ(loadError(bytes), "section table, byte " + std::to_string(idByte) +
                                  ": section PIPELINE appears twice");
}

// Bytes left over at the end of a section are refused.
TEST(BytecodeMutationBase, TrailingBytesInASection) {
  ASSERT_FALSE(baseFile().empty());
  std::vector<Section> sections = sectionsOf(baseFile());
  sections[3].payload.push_back(0); // SECRET
  std::string error = loadError(assemble(baseFile(), sections));
  EXPECT_NE(error.find("section SECRET, byte "), std::string::npos) << error;
  EXPECT_NE(error.find("1 bytes are left over at the end of the section"), std::string::npos)
      << error;
}

// The environment flags (bit 0 network, bit 1 approval) take no other bits.
TEST(BytecodeMutationBase, EnvironmentFlagsOutOfRange) {
  ASSERT_FALSE(baseFile().empty());
  std::vector<Section> sections = sectionsOf(baseFile());
  Section &env = sections[4];
  ASSERT_EQ(env.id, uint8_t(SectionId::Environments));
  // count, then the first environment's name (one byte), then its flags.
  ASSERT_LT(env.payload[1], 0x80);
  ASSERT_LE(env.payload[2], 3);
  env.payload[2] |= 4;
  Bytes bytes = assemble(baseFile(), sections);
  std::string error = loadError(bytes);
  EXPECT_NE(error.find("unknown environment flags 0x"), std::string::npos) << error;
  expectLocatedIn(bytes, error, "ENV");
  EXPECT_NE(error.find("byte " + std::to_string(sectionsOf(bytes)[4].payloadStart + 2) + ":"),
            std::string::npos)
      << error;
}

// A task that lists no environments may run in any of them: its policy is
// checked by the runtime against the environment of the run, not by the
// loader, so a timeout over some max_timeout or a secret some environment
// does not allow loads.
TEST(BytecodeMutationBase, TaskWithoutEnvironmentsIsLeftToTheRuntime) {
  Module m = freshBase();
  m.tasks[taskIndex(m, "test")].environmentCount = 0;
  m.environments[environmentIndex(m, "ci")].maxTimeoutMs = 60'000;
  m.environments[environmentIndex(m, "prod")].secretCount = 0;
  Bytes bytes = encode(m);
  EXPECT_EQ(loadError(bytes), "");
}

// A policy the listed environments allow exactly: a timeout equal to
// max_timeout, and every secret read allowed.
TEST(BytecodeMutationBase, TimeoutEqualToMaxTimeoutLoads) {
  Module m = freshBase();
  m.environments[environmentIndex(m, "ci")].maxTimeoutMs =
      m.policies[m.tasks[taskIndex(m, "test")].policy].timeoutMs;
  EXPECT_EQ(loadError(encode(m)), "");
}

// A section missing: EDGE (the file ends before it).
TEST(BytecodeMutationBase, MissingSection) {
  ASSERT_FALSE(baseFile().empty());
  Module m = freshBase();
  m.hasDebug = false;
  m.flags &= ~kFlagDebugInfo;
  std::vector<Section> sections = sectionsOf(encode(m));
  ASSERT_EQ(sections.back().id, uint8_t(SectionId::Edges));
  sections.pop_back();
  std::string error = loadError(assemble(encode(m), sections));
  EXPECT_NE(error.find("the file ends before section EDGE"), std::string::npos) << error;
}

} // namespace
} // namespace wfc

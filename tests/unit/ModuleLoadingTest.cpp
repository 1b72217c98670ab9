// The driver loads a program's modules and sema binds what it was handed:
// a module imported twice is read and parsed once, in the order it is first
// imported, and sema reads no file (it binds imports to modules that exist
// only in memory).
#include "compiler/ast/Ast.h"
#include "compiler/diag/DiagnosticEngine.h"
#include "compiler/driver/Imports.h"
#include "compiler/sema/Sema.h"
#include "compiler/source/Source.h"
#include "compiler/syntax/Parse.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <string>

namespace wfc {
namespace {

std::string errorsOf(const DiagnosticEngine &diags) {
  std::string out;
  for (const Diagnostic &d : diags.diagnostics())
    out += d.message + "\n";
  return out;
}

const ast::File *parseText(const std::string &text, const std::string &name, llvm::SourceMgr &sm,
                           ast::Context &ctx, DiagnosticEngine &diags) {
  std::optional<unsigned> id = addSource(llvm::MemoryBuffer::getMemBufferCopy(text, name), sm, diags);
  return id ? parse(sm, *id, ctx, diags) : nullptr;
}

// A directory of its own for the files a test writes, removed after it.
class TempDir {
public:
  TempDir() {
    llvm::SmallString<128> dir;
    EXPECT_FALSE(llvm::sys::fs::createUniqueDirectory("wfc-modules", dir));
    path_ = std::string(dir);
  }
  ~TempDir() { llvm::sys::fs::remove_directories(path_); }
  std::string write(const std::string &name, const std::string &text) const {
    std::string file = path_ + "/" + name;
    std::error_code ec;
    llvm::raw_fd_ostream os(file, ec);
    os << text;
    return file;
  }

private:
  std::string path_;
};

std::string nameOf(const ParsedModule &module) {
  return llvm::sys::path::filename(module.path).str();
}

TEST(LoadModules, DiamondIsReadOnceInFirstImportOrder) {
  TempDir dir;
  std::string top = dir.write("top.wf", "import \"left\" as left\n"
                                        "import \"right.wf\" as right\n"
                                        "pipeline p { deadline = 1h }\n");
  dir.write("left.wf", "import \"bottom\" as bottom\ntemplate l() { run = \"true\" }\n");
  dir.write("right.wf", "import \"bottom.wf\" as bottom\ntemplate r() { run = \"true\" }\n");
  dir.write("bottom.wf", "template b() { run = \"true\" }\n");

  llvm::SourceMgr sm;
  ast::Context ctx;
  DiagnosticEngine diags;
  std::optional<unsigned> id = loadSource({top, top}, sm, diags);
  ASSERT_TRUE(id);
  const ast::File *entry = parse(sm, *id, ctx, diags);
  ParsedModules modules = driver::loadModules(*entry, sm, ctx, diags, /*stdlibDir=*/"");
  ASSERT_FALSE(diags.hasErrors()) << errorsOf(diags);

  // Depth first, as sema binds them: left brings in bottom before right.
  ASSERT_EQ(modules.modules.size(), 4u);
  EXPECT_EQ(modules.modules[0].file, entry);
  EXPECT_EQ(modules.modules[0].via, nullptr);
  EXPECT_EQ(nameOf(modules.modules[1]), "left.wf");
  EXPECT_EQ(nameOf(modules.modules[2]), "bottom.wf");
  EXPECT_EQ(nameOf(modules.modules[3]), "right.wf");
  // One buffer a file: bottom.wf was read once, though imported twice.
  EXPECT_EQ(sm.getNumBuffers(), 4u);
  // Every import is bound; both of bottom's to the same module.
  ASSERT_EQ(modules.imports.size(), 4u);
  auto importOf = [&](uint32_t module) {
    for (const ast::Decl *decl : modules.modules[module].file->decls)
      if (auto *import = llvm::dyn_cast<ast::ImportDecl>(decl))
        return modules.imports.lookup(import);
    return UINT32_MAX;
  };
  EXPECT_EQ(importOf(1), 2u);
  EXPECT_EQ(importOf(3), 2u);
}

TEST(LoadModules, AnImportNotFoundIsLeftUnbound) {
  TempDir dir;
  std::string top = dir.write("top.wf", "import \"missing\" as missing\n"
                                        "pipeline p { deadline = 1h }\n");
  llvm::SourceMgr sm;
  ast::Context ctx;
  DiagnosticEngine diags;
  std::optional<unsigned> id = loadSource({top, top}, sm, diags);
  ASSERT_TRUE(id);
  ParsedModules modules =
      driver::loadModules(*parse(sm, *id, ctx, diags), sm, ctx, diags, /*stdlibDir=*/"");
  EXPECT_EQ(modules.modules.size(), 1u);
  EXPECT_TRUE(modules.imports.empty());
  ASSERT_EQ(diags.diagnostics().size(), 1u);
  EXPECT_EQ(diags.diagnostics()[0].kind, DiagKind::ImportNotFound);
}

// An entry file that imports a module under a path that does not exist.
const char *const kEntry = "import \"nowhere/lib\" as lib\n"
                           "pipeline p { deadline = 1h defaults { timeout = 10m } }\n"
                           "task build: lib.make(target = \"all\")\n";

// Sema never reads a file: a module that exists only in memory, under a
// path that does not exist, is bound as the driver says.
TEST(Analyze, BindsTheModulesItIsHanded) {
  llvm::SourceMgr sm;
  ast::Context ctx;
  DiagnosticEngine diags;
  const ast::File *entry = parseText(kEntry, "entry.wf", sm, ctx, diags);
  const ast::File *lib = parseText("template make(target: string) { run = [\"make\", target] }\n",
                                   "lib.wf", sm, ctx, diags);
  ASSERT_TRUE(entry && lib);
  ParsedModules modules;
  modules.modules.push_back({entry, "/does/not/exist/entry.wf", nullptr});
  const auto *import = llvm::cast<ast::ImportDecl>(entry->decls.front());
  modules.modules.push_back({lib, "/does/not/exist/nowhere/lib.wf", import});
  modules.imports[import] = 1;

  std::vector<const ast::File *> files;
  std::unique_ptr<ir::Program> program = analyze(modules, diags, &files);
  ASSERT_FALSE(diags.hasErrors()) << errorsOf(diags);
  ASSERT_EQ(program->tasks.size(), 1u);
  EXPECT_EQ(program->tasks[0].name, "build");
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[0], entry);
  EXPECT_EQ(files[1], lib);
  // What lowering reads of them: buffers and paths, not the AST.
  ASSERT_EQ(program->sources.size(), 2u);
  EXPECT_EQ(program->sources[0].bufferId, entry->bufferId);
  EXPECT_EQ(program->sources[1].path, "lib.wf");
}

// The same import, unbound (the loader refused it): sema reports nothing of
// its own about the file, and the template it would have named is unknown.
TEST(Analyze, AnUnboundImportNamesNoModule) {
  llvm::SourceMgr sm;
  ast::Context ctx;
  DiagnosticEngine diags;
  const ast::File *entry = parseText(kEntry, "entry.wf", sm, ctx, diags);
  ASSERT_TRUE(entry);
  ParsedModules modules;
  modules.modules.push_back({entry, "/does/not/exist/entry.wf", nullptr});
  std::unique_ptr<ir::Program> program = analyze(modules, diags);
  for (const Diagnostic &d : diags.diagnostics())
    EXPECT_NE(d.kind, DiagKind::ImportNotFound) << d.message;
  EXPECT_EQ(program->sources.size(), 1u);
}

} // namespace
} // namespace wfc

// What the server answers about an analysed document: diagnostics, hover,
// definitions, references, symbols, completion, formatting, code actions.
// Each takes an Analysis (compiled from the document's current text) and
// byte offsets into that text, and returns LSP JSON.
#pragma once

#include "compiler/lsp/Analysis.h"

#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

namespace wfc::lsp {

// A location in any of the analysis's buffers: the URI of its file.
llvm::json::Value locationJson(const llvm::SourceMgr &sm, llvm::SMRange range);

// publishDiagnostics' `diagnostics`: rule id as `code`, a link to the rule's
// page under `ruleDocsUrl` (`codeDescription`), notes (a secret's flow, a
// cycle's edges) as `relatedInformation`.
llvm::json::Array diagnosticsJson(const Analysis &analysis, llvm::StringRef ruleDocsUrl);

llvm::json::Value hover(const Analysis &analysis, size_t offset);
llvm::json::Value definition(const Analysis &analysis, size_t offset);
llvm::json::Value references(const Analysis &analysis, size_t offset, bool withDeclaration);
llvm::json::Value documentSymbols(const Analysis &analysis);
// `names` is the latest analysis that resolved names (the current text's
// may not parse while it is typed): where task, param and secret names come from.
llvm::json::Value completion(const Analysis &analysis, const Analysis *names, size_t offset);
// The edits that give the document wfc fmt's layout; an error for a text
// with syntax errors, which is never rewritten.
llvm::Expected<llvm::json::Value> formatting(const Analysis &analysis);
// Fixes for the diagnostics whose range meets [begin, end].
llvm::json::Value codeActions(const Analysis &analysis, llvm::StringRef uri, size_t begin,
                              size_t end);

} // namespace wfc::lsp

// Prints the TextMate scopes of every token of .wf files, for tests/editors/:
// one line a token, "LINE COL END scope scope ...", lines and columns from 1,
// END exclusive. Uses the grammar of package.json through vscode-textmate,
// as VS Code itself does, and runs offline.
'use strict';
const fs = require('fs');
const path = require('path');
const vsctm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

async function main() {
  const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName) => {
      if (scopeName !== 'source.wf') return null;
      const file = path.join(__dirname, '..', 'syntaxes', 'wf.tmLanguage.json');
      return vsctm.parseRawGrammar(fs.readFileSync(file, 'utf8'), file);
    },
  });
  const grammar = await registry.loadGrammar('source.wf');
  for (const file of process.argv.slice(2)) {
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    let stack = vsctm.INITIAL;
    const out = [`file ${file}`];
    lines.forEach((line, i) => {
      const result = grammar.tokenizeLine(line, stack);
      for (const token of result.tokens) {
        if (token.startIndex >= line.length) continue;
        const end = Math.min(token.endIndex, line.length);
        out.push(`${i + 1} ${token.startIndex + 1} ${end + 1} ${token.scopes.join(' ')}`);
      }
      stack = result.ruleStack;
    });
    process.stdout.write(out.join('\n') + '\n');
  }
}

main().catch((error) => {
  process.stderr.write(`scopes.js: ${error.stack || error}\n`);
  process.exit(2);
});

// Loads extension.js outside VS Code, with a stand-in for the `vscode`
// module, and checks how its client would start `wfc lsp`: the command and
// arguments from the settings, the documents it serves, and that a server
// that cannot start leaves a warning instead of an exception. Run with node;
// exit 0 when all is well.
'use strict';
const assert = require('assert');
const Module = require('module');
const path = require('path');

const settings = { path: '/opt/wfc/bin/wfc', 'lsp.enable': true, 'lsp.args': ['--stdlib', '/x'] };
const warnings = [];
const vscode = {
  workspace: {
    getConfiguration: () => ({ get: (key) => settings[key] }),
    createFileSystemWatcher: (glob) => ({ glob, dispose() {} }),
    onDidChangeConfiguration: () => ({ dispose() {} }),
  },
  window: {
    showWarningMessage: (message) => warnings.push(message),
    createOutputChannel: () => ({ appendLine() {}, append() {}, show() {}, dispose() {} }),
  },
  commands: { registerCommand: (name) => ({ name, dispose() {} }) },
};
const load = Module._load;
Module._load = function (request, parent, isMain) {
  if (request === 'vscode') return vscode;
  if (request === 'vscode-languageclient/node') {
    return {
      TransportKind: { stdio: 0 },
      LanguageClient: class {
        constructor(id, name, server, client) {
          Object.assign(this, { id, name, server, client });
        }
        start() {
          return Promise.reject(new Error('spawn /opt/wfc/bin/wfc ENOENT'));
        }
        stop() {
          return Promise.resolve();
        }
      },
    };
  }
  return load.apply(this, arguments);
};

// The real client module resolves from the extension's node_modules.
assert.ok(require.resolve('vscode-languageclient/node', { paths: [path.join(__dirname, '..')] }));

const extension = require(path.join(__dirname, '..', 'extension.js'));
assert.deepStrictEqual(extension.serverOptions(), {
  command: '/opt/wfc/bin/wfc',
  args: ['lsp', '--stdlib', '/x'],
  transport: 0,
});
const client = extension.clientOptions();
assert.deepStrictEqual(client.documentSelector.map((d) => d.language), ['wf', 'wf']);
assert.strictEqual(client.synchronize.fileEvents.glob, '**/{*.wf,.wfc.yaml}');

const subscriptions = [];
extension
  .activate({ subscriptions })
  .then(() => {
    assert.strictEqual(subscriptions.length, 2);
    assert.strictEqual(warnings.length, 1);
    assert.match(warnings[0], /could not start "\/opt\/wfc\/bin\/wfc lsp"/);
    settings.path = '';
    assert.strictEqual(extension.serverOptions().command, 'wfc');
    return extension.deactivate();
  })
  .then(() => console.log('extension: ok'))
  .catch((error) => {
    console.error(error);
    process.exit(1);
  });

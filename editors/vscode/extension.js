// The wfc extension: the `wf` language (package.json contributes its grammar
// and language configuration) and a client of `wfc lsp` for diagnostics,
// hover, go to definition and formatting.
//
// The client starts the server as `<wfc.path> lsp <wfc.lsp.args...>` over
// stdio. Without a server (a wfc without `lsp`, or wfc not found), the
// extension says so once and highlighting goes on working.
'use strict';
const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

let client;

function serverOptions() {
  const config = vscode.workspace.getConfiguration('wfc');
  const command = config.get('path') || 'wfc';
  const args = ['lsp', ...(config.get('lsp.args') || [])];
  return { command, args, transport: TransportKind.stdio };
}

function clientOptions() {
  return {
    documentSelector: [
      { scheme: 'file', language: 'wf' },
      { scheme: 'untitled', language: 'wf' },
    ],
    synchronize: {
      fileEvents: vscode.workspace.createFileSystemWatcher('**/{*.wf,.wfc.yaml}'),
    },
    outputChannelName: 'wfc',
  };
}

async function start(context) {
  if (!vscode.workspace.getConfiguration('wfc').get('lsp.enable')) return;
  client = new LanguageClient('wfc', 'wfc language server', serverOptions(), clientOptions());
  try {
    await client.start();
  } catch (error) {
    client = undefined;
    vscode.window.showWarningMessage(
      `wfc: could not start "${serverOptions().command} lsp" (${error.message || error}); ` +
        'highlighting works without it. Set wfc.path to a wfc that has the lsp command.'
    );
  }
}

async function stop() {
  if (!client) return;
  const running = client;
  client = undefined;
  await running.stop();
}

async function activate(context) {
  context.subscriptions.push(
    vscode.commands.registerCommand('wfc.restartServer', async () => {
      await stop();
      await start(context);
    }),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration('wfc')) {
        await stop();
        await start(context);
      }
    })
  );
  await start(context);
}

function deactivate() {
  return stop();
}

module.exports = { activate, deactivate, serverOptions, clientOptions };

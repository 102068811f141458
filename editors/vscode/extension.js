// The whole extension: start `stacklint lsp` for YAML and JSON files. The server decides which
// documents are CloudFormation templates and lints only those.
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration("stacklint").get("path") || "stacklint";
  client = new LanguageClient(
    "stacklint",
    "stacklint",
    { command, args: ["lsp"] },
    {
      documentSelector: [
        { scheme: "file", language: "yaml" },
        { scheme: "file", language: "json" },
        { scheme: "file", language: "jsonc" },
      ],
      // Each template's nearest .stacklint.yaml is re-read when it changes.
      synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher("**/.stacklint.yaml") },
    }
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };

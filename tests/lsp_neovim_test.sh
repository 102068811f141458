#!/usr/bin/env bash
# `stacklint lsp` driven by a real LSP client: Neovim's built-in vim.lsp (Debian's neovim),
# headless. It opens a template, waits for the diagnostics, checks their place (after an emoji
# and CJK text on the line, so that the client's UTF-16 positions must be exact), asks for hover
# and code actions, applies "Suppress R110 on this line" as the editor does (an incremental
# didChange follows), and waits for the finding to go away; then it quits, which shuts the
# server down. Usage: tests/lsp_neovim_test.sh path/to/stacklint
set -euo pipefail
stacklint=$(realpath "$1")
command -v nvim >/dev/null || { echo "FAIL: nvim is not installed (apt-get install neovim)"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
printf 'Resources:\n  Db:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      Engine: postgres\n      StorageEncrypted: true\n      Tags: [{Key: note, Value: "\xf0\x9f\x98\x80\xe6\x95\xb0\xe6\x8d\xae"}]\n      MultiAZ: false\n' > template.yaml
# The emoji and CJK line: a finding there would be shifted if positions were counted wrongly.
printf 'Resources:\n  Db: {Type: AWS::RDS::DBInstance, Metadata: {Note: "\xf0\x9f\x98\x80\xe6\x95\xb0\xe6\x8d\xae"}, Properties: {Engine: postgres, StorageEncrypted: true, MultiAZ: false}}\n' > flow.yaml

cat > test.lua <<'LUA'
local stacklint, dir = _G.stacklint, _G.dir
local results = {}
local function check(what, ok) table.insert(results, (ok and "ok: " or "FAIL: ") .. what) end
local function finish()
  local out = io.open(dir .. "/results.txt", "w")
  out:write(table.concat(results, "\n") .. "\n")
  out:close()
end

local client_id = vim.lsp.start_client({
  name = "stacklint",
  cmd = { stacklint, "lsp" },
  root_dir = dir,
})
check("the client started the server", client_id ~= nil)

local function open(name)
  vim.cmd("edit " .. dir .. "/" .. name)
  vim.bo.filetype = "yaml"
  vim.lsp.buf_attach_client(0, client_id)
  local got = vim.wait(15000, function() return #vim.diagnostic.get(0) > 0 end, 20)
  check(name .. ": diagnostics arrived", got)
  return vim.diagnostic.get(0)
end

-- The flow template: R110 at `false`, on a line with an emoji and CJK before it.
local diags = open("flow.yaml")
local line = vim.api.nvim_buf_get_lines(0, 1, 2, false)[1]
local byte = line:find("false", 1, true) - 1
local r110
for _, d in ipairs(diags) do if d.code == "R110" then r110 = d end end
check("flow.yaml: R110 reported", r110 ~= nil)
if r110 then
  check("flow.yaml: R110 at the byte of `false` (" .. byte .. "), got " .. r110.col,
        r110.lnum == 1 and r110.col == byte)
  check("flow.yaml: R110 ends after `false`", r110.end_col == byte + 5)
end

-- The block template: diagnostics, hover, code actions, an edit.
diags = open("template.yaml")
r110 = nil
for _, d in ipairs(diags) do if d.code == "R110" then r110 = d end end
check("template.yaml: R110 reported on line 8", r110 ~= nil and r110.lnum == 7)
check("template.yaml: source is stacklint", r110 ~= nil and r110.source == "stacklint")
check("template.yaml: severity warning", r110 ~= nil and r110.severity == vim.diagnostic.severity.WARN)
local uri = vim.uri_from_bufnr(0)

local hover = vim.lsp.buf_request_sync(0, "textDocument/hover",
  { textDocument = { uri = uri }, position = { line = 7, character = 16 } }, 10000)
local hover_text = ""
for _, response in pairs(hover or {}) do
  if response.result then hover_text = response.result.contents.value end
end
check("hover over the finding shows the rule's documentation",
      hover_text:find("R110 rds%-instance%-single%-az") ~= nil and hover_text:find("## What it does") ~= nil)

local actions = vim.lsp.buf_request_sync(0, "textDocument/codeAction", {
  textDocument = { uri = uri },
  range = { start = { line = 7, character = 0 }, ["end"] = { line = 7, character = 0 } },
  context = { diagnostics = vim.lsp.diagnostic.get_line_diagnostics(0, 7) },
}, 10000)
local chosen, titles = nil, {}
for _, response in pairs(actions or {}) do
  for _, action in ipairs(response.result or {}) do
    table.insert(titles, action.title)
    if action.title == "Suppress R110 on this line" then chosen = action end
  end
end
check("code actions offered: " .. table.concat(titles, "; "),
      chosen ~= nil and vim.tbl_contains(titles, "Suppress R110 for resource Db"))
if chosen then
  local client = vim.lsp.get_client_by_id(client_id)
  vim.lsp.util.apply_workspace_edit(chosen.edit, client.offset_encoding)
  local edited = vim.api.nvim_buf_get_lines(0, 7, 8, false)[1]
  check("the edit wrote the inline suppression: " .. edited,
        edited == "      MultiAZ: false # stacklint: ignore R110 -- <why this finding is acceptable>")
  local cleared = vim.wait(15000, function()
    for _, d in ipairs(vim.diagnostic.get(0)) do if d.code == "R110" then return false end end
    return true
  end, 20)
  check("after the edit (an incremental didChange), R110 is gone", cleared)
end
finish()
LUA

status=0
timeout 120 nvim --headless --clean -u NONE \
  --cmd "lua _G.stacklint = '$stacklint'; _G.dir = '$work'" \
  -c "luafile $work/test.lua" -c "qa!" >nvim.log 2>&1 || status=$?
cat results.txt 2>/dev/null || { echo "FAIL: Neovim wrote no results (exit $status)"; cat nvim.log; exit 1; }
# The template on disk is untouched: the server never writes, and the buffer was not saved.
grep -q 'MultiAZ: false$' template.yaml || { echo "FAIL: the template changed on disk"; exit 1; }
failures=$(grep -c '^FAIL' results.txt || true)
passes=$(grep -c '^ok' results.txt || true)
echo "$passes passed, $failures failed"
[ "$failures" = 0 ] && [ "$passes" -ge 10 ]

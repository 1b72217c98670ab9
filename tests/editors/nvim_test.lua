-- Headless Neovim test of editors/vim: the filetype and syntax load in
-- Neovim too, and lua/wfc/lsp.lua starts one `wfc lsp` client per project
-- root (the directory with .wfc.yaml) and attaches each wf buffer to it.
-- The server is a stand-in ($WF_LSP_SERVER, tests/editors/stub_lsp_server.py)
-- that answers initialize and logs the buffers it is told about: what is
-- tested is the client's setup, not a server.
-- Run: nvim --headless -u NONE --cmd 'set rtp^=editors/vim'
--   -c 'luafile tests/editors/nvim_test.lua' with $WF_OUT, $WF_LSP_SERVER and
-- $WF_LSP_LOG set; writes the failures to $WF_OUT, or "ok N".
local failures, checks = {}, 0
local function expect(what, got, want)
  checks = checks + 1
  if vim.inspect(got) ~= vim.inspect(want) then
    table.insert(failures, what .. ': got ' .. vim.inspect(got) .. ', want ' .. vim.inspect(want))
  end
end

vim.cmd('filetype plugin indent on')
vim.cmd('syntax on')
local root = vim.fn.tempname()
vim.fn.mkdir(root .. '/sub', 'p')
vim.fn.writefile({ 'rules: {}' }, root .. '/.wfc.yaml')
vim.fn.writefile({ 'pipeline p {', '  deadline = 1h', '}' }, root .. '/sub/a.wf')
vim.fn.writefile({ 'secret s' }, root .. '/b.wf')

local server = { 'python3', os.getenv('WF_LSP_SERVER') }
require('wfc.lsp').setup({ cmd = server })
vim.cmd('edit ' .. root .. '/sub/a.wf')
-- Each wait ends as soon as its condition holds; 60 s is for a busy machine.
vim.wait(60000, function() return #vim.lsp.get_active_clients() > 0 end, 20)
expect('filetype', vim.bo.filetype, 'wf')
expect('syntax', vim.fn.synIDattr(vim.fn.synID(2, 3, 1), 'name'), 'wfField')
local clients = vim.lsp.get_active_clients()
expect('clients after the first file', #clients, 1)
if #clients == 1 then
  expect('name', clients[1].name, 'wfc')
  expect('cmd', clients[1].config.cmd, server)
  expect('root', clients[1].config.root_dir, vim.fn.resolve(root))
  expect('attached', vim.lsp.buf_get_clients(0)[clients[1].id] ~= nil, true)
end
-- A second file of the same project shares the client.
vim.cmd('edit ' .. root .. '/b.wf')
expect('clients after the second file', #vim.lsp.get_active_clients(), 1)
expect('second buffer attached', next(vim.lsp.buf_get_clients(0)) ~= nil, true)

-- The server was told about both files (didOpen), and stops when asked.
local log = os.getenv('WF_LSP_LOG')
vim.wait(60000, function()
  return #vim.fn.filter(vim.fn.readfile(log), 'v:val =~# "didOpen"') >= 2
end, 20)
expect('didOpen for both files', #vim.fn.filter(vim.fn.readfile(log), 'v:val =~# "didOpen"'), 2)
for _, client in ipairs(vim.lsp.get_active_clients()) do
  client.stop()
end
vim.wait(60000, function() return #vim.lsp.get_active_clients() == 0 end, 20)
expect('stopped', #vim.lsp.get_active_clients(), 0)
vim.fn.delete(root, 'rf')
vim.fn.writefile(#failures == 0 and { 'ok ' .. checks } or failures, os.getenv('WF_OUT'))
vim.cmd('qa!')

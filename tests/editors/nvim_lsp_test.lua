-- Headless Neovim against the real `wfc lsp` ($WFC): editors/vim's LSP
-- snippet starts it, the diagnostics of a broken file arrive (rule id and
-- message), clear once the buffer is fixed (an incremental didChange), and
-- go to definition (vim.lsp.buf.definition) moves the cursor to the task's
-- declaration.
-- Run: nvim --headless -u NONE --cmd 'set rtp^=editors/vim'
--   -c 'luafile tests/editors/nvim_lsp_test.lua' with $WFC and $WF_OUT set;
-- writes the failures to $WF_OUT, or "ok N".
local failures, checks = {}, 0
local function expect(what, got, want)
  checks = checks + 1
  if vim.inspect(got) ~= vim.inspect(want) then
    table.insert(failures, what .. ': got ' .. vim.inspect(got) .. ', want ' .. vim.inspect(want))
  end
end

vim.cmd('filetype plugin indent on')
local root = vim.fn.tempname()
vim.fn.mkdir(root, 'p')
vim.fn.writefile({ 'rules: {}' }, root .. '/.wfc.yaml')
vim.fn.writefile({
  'pipeline p {',
  '  deadline = 1h',
  '}',
  'task build {',
  '  run = "make"',
  '  timeout = 5m',
  '}',
  'task test {',
  '  after = [buld]',
  '  run = "make test"',
  '  timeout = 5m',
  '}',
}, root .. '/a.wf')

require('wfc.lsp').setup({ cmd = { os.getenv('WFC'), 'lsp' } })
vim.cmd('edit ' .. root .. '/a.wf')
local function diagnostics()
  return vim.diagnostic.get(0)
end
vim.wait(10000, function() return #diagnostics() > 0 end, 20)
local found = diagnostics()
expect('diagnostics of the broken file', #found, 1)
if #found == 1 then
  expect('line', found[1].lnum, 8)
  expect('column', found[1].col, 11)
  expect('message', found[1].message, "unknown task 'buld'; did you mean 'build'?")
  expect('rule id', found[1].code or (found[1].user_data and found[1].user_data.lsp.code),
    'undefined-name')
  expect('source', found[1].source, 'wfc')
end

-- The fix, as an edit of one line: the diagnostics clear.
vim.api.nvim_buf_set_lines(0, 8, 9, true, { '  after = [build]' })
vim.wait(10000, function() return #diagnostics() == 0 end, 20)
expect('diagnostics after the fix', #diagnostics(), 0)

-- Go to definition from `build` in `after` lands on `task build`.
vim.api.nvim_win_set_cursor(0, { 9, 12 })
vim.lsp.buf.definition()
vim.wait(10000, function() return vim.api.nvim_win_get_cursor(0)[1] ~= 9 end, 20)
expect('definition', vim.api.nvim_win_get_cursor(0), { 4, 5 })

for _, client in ipairs(vim.lsp.get_active_clients()) do
  client.stop()
end
vim.wait(10000, function() return #vim.lsp.get_active_clients() == 0 end, 20)
expect('stopped', #vim.lsp.get_active_clients(), 0)
vim.fn.delete(root, 'rf')
vim.fn.writefile(#failures == 0 and { 'ok ' .. checks } or failures, os.getenv('WF_OUT'))
vim.cmd('qa!')

-- Neovim's built-in LSP client for wfc pipelines: starts `wfc lsp` for
-- every buffer of filetype wf, one server per project root (the directory
-- that holds .wfc.yaml or .git, else the file's own), and attaches the
-- buffer to it. Works with Neovim 0.7 (vim.lsp.start_client) and later.
--
--   require('wfc.lsp').setup()                       -- wfc on PATH
--   require('wfc.lsp').setup({ cmd = { '/opt/wfc/bin/wfc', 'lsp' } })
local M = {}

M.config = {
  cmd = { 'wfc', 'lsp' },
  root_markers = { '.wfc.yaml', '.git' },
  on_attach = nil,
  settings = {},
}

-- The directory above `path` that holds one of the markers, or path's own.
local function root_of(path)
  local dir = vim.fn.fnamemodify(path, ':p:h')
  for _, marker in ipairs(M.config.root_markers) do
    local found = vim.fn.findfile(marker, dir .. ';')
    if found ~= '' then
      return vim.fn.fnamemodify(found, ':p:h')
    end
    found = vim.fn.finddir(marker, dir .. ';')
    if found ~= '' then
      -- ':p' ends a directory with '/': one ':h' drops it, one the marker.
      return vim.fn.fnamemodify(found, ':p:h:h')
    end
  end
  return dir
end

local clients = {} -- root directory -> client id

function M.attach(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  local root = root_of(vim.api.nvim_buf_get_name(bufnr))
  local id = clients[root]
  if not id or not vim.lsp.get_client_by_id(id) then
    id = vim.lsp.start_client({
      name = 'wfc',
      cmd = M.config.cmd,
      root_dir = root,
      settings = M.config.settings,
      on_attach = M.config.on_attach,
    })
    clients[root] = id
  end
  if id then
    vim.lsp.buf_attach_client(bufnr, id)
  end
  return id
end

function M.setup(opts)
  M.config = vim.tbl_deep_extend('force', M.config, opts or {})
  local group = vim.api.nvim_create_augroup('wfc_lsp', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = 'wf',
    callback = function(args)
      M.attach(args.buf)
    end,
  })
end

return M

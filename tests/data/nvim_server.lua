-- A session of `errlint server` in headless Neovim, through its built-in LSP client (tests/test_server_neovim.py).
-- Works on Neovim 0.7 (Debian 12's package) and 0.8+ (vim.lsp.start). Exits 0 when every check passes,
-- 1 (cquit) with the reason on standard error otherwise.
--
-- env: ERRLINT_PYTHON (the interpreter with errlint), ERRLINT_ENCODING (utf-16 | utf-8), ERRLINT_TIMEOUT_MS

local python = assert(os.getenv('ERRLINT_PYTHON'), 'ERRLINT_PYTHON not set')
local encoding = os.getenv('ERRLINT_ENCODING') or 'utf-16'
local timeout = tonumber(os.getenv('ERRLINT_TIMEOUT_MS') or '60000')

local function log(...)
  io.stderr:write(table.concat(vim.tbl_map(tostring, { ... }), ' ') .. '\n')
end

local function check(cond, msg)
  if not cond then error(msg, 2) end
end

local function line(buf, row) return vim.api.nvim_buf_get_lines(buf, row, row + 1, true)[1] end

local function sorted_diagnostics(buf)
  local diags = vim.diagnostic.get(buf)
  table.sort(diags, function(a, b) return a.lnum < b.lnum end)
  return diags
end

-- vim.lsp.buf.code_action through the real UI path, choosing the action whose title matches
local function run_action(kind, pattern)
  vim.ui.select = function(items, _, on_choice)
    for _, item in ipairs(items) do
      local action = item.action or item[2] -- 0.10+: {action=, ctx=}; 0.7-0.9: {client_id, action}
      if action.title:find(pattern, 1, true) then return on_choice(item) end
    end
    log('no action matches ' .. pattern .. ' among ' .. #items)
    on_choice(nil)
  end
  if vim.fn.has('nvim-0.8') == 1 then
    vim.lsp.buf.code_action({ context = { only = { kind } } })
  else
    vim.lsp.buf.code_action({ only = { kind } })
  end
end

local function run()
  local buf = vim.api.nvim_get_current_buf()
  local fname = vim.api.nvim_buf_get_name(buf)
  local capabilities = vim.lsp.protocol.make_client_capabilities()
  capabilities.general = capabilities.general or {}
  capabilities.general.positionEncodings = { encoding } -- assigned, not merged: tbl_deep_extend merges lists by index
  local config = {
    name = 'errlint',
    cmd = { python, '-m', 'errlint', 'server' },
    root_dir = vim.fn.fnamemodify(fname, ':h'),
    capabilities = capabilities,
    offset_encoding = encoding, -- Neovim <= 0.9 does not read the server's positionEncoding
    init_options = { debounceMs = 50 },
  }
  local client_id
  if vim.lsp.start then
    client_id = vim.lsp.start(config, { bufnr = buf })
  else
    client_id = vim.lsp.start_client(config)
    check(client_id, 'start_client failed')
    check(vim.lsp.buf_attach_client(buf, client_id), 'buf_attach_client failed')
  end

  -- 1. the diagnostics land in the buffer, at the right byte columns after non-ASCII text
  check(vim.wait(timeout, function() return #vim.diagnostic.get(buf) == 2 end, 50),
    'expected 2 diagnostics, got ' .. #vim.diagnostic.get(buf))
  local diags = sorted_diagnostics(buf)
  check(diags[1].lnum == 3 and diags[1].code == 'ERR004', 'first diagnostic: ' .. vim.inspect(diags[1]))
  check(diags[2].lnum == 7 and diags[2].code == 'ERR004', 'second diagnostic: ' .. vim.inspect(diags[2]))
  local client = vim.lsp.get_client_by_id(client_id)
  check(client.offset_encoding == encoding, 'negotiated ' .. tostring(client.offset_encoding))
  local want = line(buf, 7):find('except', 1, true) - 1
  check(diags[2].col == want, ('diagnostic at byte %d, want %d'):format(diags[2].col, want))

  -- 2. hover on the code in a noqa comment, after non-ASCII text
  local noqa_line = line(buf, 10)
  vim.api.nvim_win_set_cursor(0, { 11, (noqa_line:find('ERR004', 1, true)) })
  local params = vim.lsp.util.make_position_params(0, client.offset_encoding)
  local res = vim.lsp.buf_request_sync(buf, 'textDocument/hover', params, timeout)
  local hover
  for _, r in pairs(res or {}) do hover = r.result end
  check(hover and hover.contents and hover.contents.value:find('shadowed%-except'), 'hover: ' .. vim.inspect(res))

  -- 3. the quick fix of the first finding
  vim.api.nvim_win_set_cursor(0, { 4, 6 })
  run_action('quickfix', 'Remove KeyError from the tuple')
  check(vim.wait(timeout, function() return line(buf, 3) == '    except LookupError:' end, 50),
    'quick fix not applied: ' .. line(buf, 3))
  check(vim.wait(timeout, function() return #vim.diagnostic.get(buf) == 1 end, 50), 'diagnostics not refreshed')

  -- 4. disable the other one for its line (which ends in non-ASCII text)
  vim.api.nvim_win_set_cursor(0, { 8, 6 })
  run_action('quickfix', 'Disable ERR004 for this line')
  check(vim.wait(timeout, function() return line(buf, 7):find('# é😀  # noqa: ERR004$') ~= nil end, 50),
    'noqa not added: ' .. line(buf, 7))
  check(vim.wait(timeout, function() return #vim.diagnostic.get(buf) == 0 end, 50), 'diagnostics not cleared')

  -- 5. fix all (source.fixAll.errlint; its edit comes from codeAction/resolve)
  vim.api.nvim_buf_set_lines(buf, 3, 4, true, { '    except (LookupError, KeyError):' })
  check(vim.wait(timeout, function() return #vim.diagnostic.get(buf) == 1 end, 50), 'diagnostic did not come back')
  run_action('source.fixAll', 'Fix all')
  check(vim.wait(timeout, function() return line(buf, 3) == '    except LookupError:' end, 50), 'fix all not applied')

  -- 6. shutdown and exit
  vim.lsp.stop_client(client_id)
  check(vim.wait(timeout, function() return vim.lsp.client_is_stopped(client_id) end, 50), 'client did not stop')
  log('PASS')
end

-- an init file given with -u runs before the file argument is loaded: wait for VimEnter
vim.api.nvim_create_autocmd('VimEnter', {
  once = true,
  callback = function()
    local ok, err = pcall(run)
    if not ok then
      log('FAIL: ' .. tostring(err))
      vim.cmd('cquit 1')
    else
      vim.cmd('qall!')
    end
  end,
})

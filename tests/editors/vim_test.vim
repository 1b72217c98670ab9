" Headless tests of editors/vim: filetype detection, the ftplugin's settings
" (comments, makeprg and errorformat for `wfc check --format gcc`, formatprg),
" the indent script (against wfc fmt's layout) and highlighting at chosen
" positions. Run: vim -Nu NONE -i NONE -es --cmd 'set rtp^=editors/vim'
"   -c 'source tests/editors/vim_test.vim' with $WFC and $WF_OUT set; writes
" one line a failure to $WF_OUT, and "ok N" when all N checks pass.
filetype plugin indent on
syntax on
let s:failures = []
let s:checks = 0

function! s:Expect(what, got, want) abort
  let s:checks += 1
  if a:got !=# a:want
    call add(s:failures, a:what . ': got ' . string(a:got) . ', want ' . string(a:want))
  endif
endfunction

function! s:GroupAt(line, col) abort
  return synIDattr(synID(a:line, a:col, 1), 'name')
endfunction

let s:dir = tempname()
call mkdir(s:dir, 'p')

" Filetype and ftplugin settings.
execute 'edit ' . s:dir . '/release.wf'
call setline(1, ['pipeline p {', '  deadline = 1h', '}', 'task "a_${x}": t(n = 1) { run = secrets.x }'])
call s:Expect('filetype', &filetype, 'wf')
call s:Expect('commentstring', &commentstring, '// %s')
call s:Expect('shiftwidth', &shiftwidth, 2)
call s:Expect('expandtab', &expandtab, 1)
call s:Expect('makeprg', &makeprg, 'wfc check --format gcc %')
call s:Expect('formatprg', &formatprg, 'wfc fmt -')
call s:Expect('keyword', s:GroupAt(1, 1), 'wfDeclaration')
call s:Expect('pipeline name', s:GroupAt(1, 10), 'wfTypeName')
call s:Expect('field', s:GroupAt(2, 3), 'wfField')
call s:Expect('duration', s:GroupAt(2, 14), 'wfDuration')
call s:Expect('task name string', s:GroupAt(4, 7), 'wfTaskNameString')
call s:Expect('interpolation', s:GroupAt(4, 9), 'wfInterpolationDelim')
call s:Expect('template', s:GroupAt(4, 16), 'wfInstance')
call s:Expect('argument', s:GroupAt(4, 18), 'wfArgName')
call s:Expect('secret name', s:GroupAt(4, 41), 'wfSecretName')

" errorformat reads what wfc check --format gcc writes, into the quickfix list.
call writefile(['pipeline p {', '  deadline = 1h', '}', 'task t {', '  after = [nosuch]', '  run = "x"', '  timeout = 1m', '}'], s:dir . '/bad.wf')
let s:report = systemlist($WFC . ' check --format gcc ' . s:dir . '/bad.wf')
call setqflist([])
call setqflist([], 'r', {'lines': s:report, 'efm': &errorformat})
let s:items = filter(getqflist(), 'v:val.valid')
call s:Expect('quickfix entries', len(s:items), 1)
if len(s:items) == 1
  call s:Expect('quickfix line', s:items[0].lnum, 5)
  call s:Expect('quickfix column', s:items[0].col, 12)
  call s:Expect('quickfix type', s:items[0].type, 'e')
  call s:Expect('quickfix file', fnamemodify(bufname(s:items[0].bufnr), ':t'), 'bad.wf')
  call s:Expect('quickfix text', s:items[0].text =~# "unknown task 'nosuch'", 1)
endif

" gq formats through wfc fmt.
enew!
setfiletype wf
let &l:formatprg = $WFC . ' fmt -'
call setline(1, ['secret   s', 'pipeline p { deadline = 1h }'])
normal! gggqG
call s:Expect('gq', getline(1, '$'), ['secret s', 'pipeline p {', '  deadline = 1h', '}'])
" Text with syntax errors stays as it was (the errors are only shown).
call setline(1, ['secret', 'pipeline   p {}'])
silent! 3,$delete _
silent! normal! gggqG
call s:Expect('gq with a syntax error', getline(1, '$'), ['secret', 'pipeline   p {}'])

" Re-indenting what wfc fmt wrote changes nothing.
let s:formatted = systemlist($WFC . ' fmt - < ' . shellescape($WF_INDENT_INPUT))
enew!
setfiletype wf
call setline(1, map(copy(s:formatted), 'substitute(v:val, "^\\s*", "", "")'))
normal! gg=G
call s:Expect('indent like wfc fmt', getline(1, '$'), s:formatted)

call delete(s:dir, 'rf')
if empty(s:failures)
  call writefile(['ok ' . s:checks], $WF_OUT)
else
  call writefile(s:failures, $WF_OUT)
endif
qa!

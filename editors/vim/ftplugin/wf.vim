" Vim filetype plugin for wfc pipelines (*.wf): comments, :make through
" `wfc check --format gcc` (quickfix), and gq through `wfc fmt -`.
if exists('b:did_ftplugin')
  finish
endif
let b:did_ftplugin = 1

setlocal commentstring=//\ %s
setlocal comments=s1:/*,mb:*,ex:*/,://
setlocal formatoptions-=t formatoptions+=croql
setlocal expandtab shiftwidth=2 softtabstop=2
setlocal suffixesadd=.wf

" The wfc program: g:wfc_program, else wfc on PATH.
let s:wfc = get(g:, 'wfc_program', 'wfc')
" :make checks the current file; messages are file:line:col: severity: text [rule].
let &l:makeprg = s:wfc . ' check --format gcc %'
setlocal errorformat=%f:%l:%c:\ %trror:\ %m,%f:%l:%c:\ %tarning:\ %m,%f:%l:%c:\ %tote:\ %m,%f:\ %trror:\ %m,%-G%.%#
" gq formats through wfc fmt (formatprg). formatexpr runs it so that text
" wfc fmt refuses (syntax errors) stays as it was, with the errors shown,
" instead of being replaced by them as a plain formatprg filter would.
let &l:formatprg = s:wfc . ' fmt -'
setlocal formatexpr=WfFormatExpr()

let b:undo_ftplugin = 'setlocal commentstring< comments< formatoptions< expandtab< shiftwidth<'
      \ . ' softtabstop< suffixesadd< makeprg< errorformat< formatprg< formatexpr<'

if exists('*WfFormatExpr')
  finish
endif

function! WfFormatExpr() abort
  " Typing past 'textwidth' wraps lines as usual: fmt needs whole declarations.
  if mode() =~# '[iR]' || v:char !=# ''
    return 1
  endif
  let last = v:lnum + v:count - 1
  let out = systemlist(&l:formatprg, getline(v:lnum, last))
  if v:shell_error
    echohl ErrorMsg
    for line in out
      echomsg line
    endfor
    echohl None
    return 0
  endif
  let old = last - v:lnum + 1
  if len(out) > old
    call append(last, repeat([''], len(out) - old))
  elseif len(out) < old
    silent execute (v:lnum + len(out)) . ',' . last . 'delete _'
  endif
  call setline(v:lnum, out)
  return 0
endfunction

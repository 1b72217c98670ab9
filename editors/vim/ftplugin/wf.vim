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
" gq formats through wfc fmt; a file with syntax errors is left as it was.
let &l:formatprg = s:wfc . ' fmt -'

let b:undo_ftplugin = 'setlocal commentstring< comments< formatoptions< expandtab< shiftwidth<'
      \ . ' softtabstop< suffixesadd< makeprg< errorformat< formatprg<'

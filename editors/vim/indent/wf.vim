" Vim indent file for wfc pipelines: two spaces a level of braces, brackets
" and parentheses, as `wfc fmt` lays them out.
if exists('b:did_indent')
  finish
endif
let b:did_indent = 1

setlocal indentexpr=WfIndent(v:lnum)
setlocal indentkeys=0{,0},0),0],!^F,o,O
setlocal autoindent

let b:undo_indent = 'setlocal indentexpr< indentkeys< autoindent<'

if exists('*WfIndent')
  finish
endif

" The line without its comment and strings, for counting brackets.
function! s:Code(lnum) abort
  let line = getline(a:lnum)
  let line = substitute(line, '"\%([^"\\]\|\\.\)*"', '""', 'g')
  return substitute(line, '//.*$', '', '')
endfunction

function! WfIndent(lnum) abort
  let prev = prevnonblank(a:lnum - 1)
  if prev == 0
    return 0
  endif
  let code = s:Code(prev)
  let opened = len(substitute(code, '[^{[(]', '', 'g'))
  let closed = len(substitute(code, '[^}\])]', '', 'g'))
  " A line that starts with closers already dedented itself.
  let leading = len(substitute(matchstr(code, '^\s*\zs[}\])]*'), '\s', '', 'g'))
  let ind = indent(prev) + shiftwidth() * (opened - (closed - leading))
  if getline(a:lnum) =~# '^\s*[}\])]'
    let ind -= shiftwidth()
  endif
  return ind < 0 ? 0 : ind
endfunction

" Writes the syntax group at every non-blank character of the current
" buffer to $WF_OUT, one "LINE COL GROUP" a line (columns in bytes, from 1),
" for tests/editors/editors_test.py. Run by vim -es after loading a file.
let s:out = []
for s:lnum in range(1, line('$'))
  let s:text = getline(s:lnum)
  for s:col in range(1, strlen(s:text))
    if s:text[s:col - 1] !~# '\s'
      call add(s:out, s:lnum . ' ' . s:col . ' ' . synIDattr(synID(s:lnum, s:col, 1), 'name'))
    endif
  endfor
endfor
call writefile(s:out, $WF_OUT)

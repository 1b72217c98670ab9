" wfc pipelines: *.wf files are filetype wf.
autocmd BufRead,BufNewFile *.wf set filetype=wf

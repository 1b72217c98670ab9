" Vim syntax file for wfc pipelines (*.wf), the language of grammar/Wf.g4.
" tests/editors/ checks it against the shared corpus and against
" `wfc --print-vocabulary`: add a keyword, field, type or trigger here when
" the language gets one.
if exists('b:current_syntax')
  finish
endif
let s:cpo_save = &cpo
set cpo&vim

syn case match
syn sync fromstart

" Anything that starts no token is an error (wfc reports it too).
syn match wfError #[^[:space:][:alnum:]_{}()\[\],.:?=<>!\&|+\-*/%"]#
syn match wfError "[&|]"

" Operators and punctuation (comments, defined later, win at '/').
syn match wfOperator "==\|!=\|<=\|>=\|&&\|||\|[-+*/%<>!?:=]"

" Plain names, and members after a dot (never keywords: params.environment).
syn match wfMember "\.\s*\h\w*" contains=wfOperator

" Numbers: durations and sizes are single tokens; a number glued to letters
" that are no unit (10mins, 1.5s) is an error.
syn match wfError "\<\d[[:alnum:]_.]*"
syn match wfNumber "\<\d\%(_\=\d\)*\>"
syn match wfFloat "\<\d\%(_\=\d\)*\.\d\%(_\=\d\)*\>"
syn match wfSize "\<\d\%(_\=\d\)*\%(B\|KB\|MB\|GB\|TB\|KiB\|MiB\|GiB\|TiB\)\>"
syn match wfDuration "\<\%(\d\%(_\=\d\)*\%(ms\|s\|m\|h\|d\)\)\+\>"

syn keyword wfBoolean true false
syn keyword wfTrigger all_success all_failed all_done all_done_min_one_success all_skipped
syn keyword wfTrigger one_failed one_success one_done none_failed none_failed_min_one_success
syn keyword wfTrigger none_skipped always
syn match wfRetryOn "\<\%(failure\|timeout\)\>\%(\s*=\%(=\)\@!\)\@!"
syn match wfRetryOn "\<none\>"
syn match wfFunction "\<\%(fixed\|exponential\|exit\|int\|bool\|string\)\>\ze\s*("

" References: params.X, secrets.X (set apart), run.environment, T.outputs.K.
syn match wfSecretName "\h\w*" contained
syn match wfBuiltin "\<\%(params\|secrets\|run\|outputs\)\>" contained
syn match wfParamRef "\<params\s*\.\s*\h\w*" contains=wfBuiltin,wfOperator
syn match wfSecretRef "\<secrets\s*\.\s*\h\w*" contains=wfSecretName,wfBuiltin,wfOperator
syn match wfRunRef "\<run\s*\.\s*environment\>" contains=wfBuiltin,wfOperator
syn match wfOutputRef "\<\h\w*\s*\.\s*outputs\s*\.\s*\h\w*" contains=wfBuiltin,wfOperator

" Fields: a name before '=' or '{' in a block; known ones set apart.
syn match wfUnknownField "\<\h\w*\ze\s*\%(=\%(=\)\@!\|{\)"
syn match wfField "\<\%(after\|approval\|attempts\|backoff\|cpu\|deadline\|defaults\|description\|env\|environments\|file_size\|jitter\|limits\|max_parallel\|max_timeout\|memory\|network\|on\|open_files\|outputs\|path\|processes\|resources\|retry\|run\|secrets\|timeout\|trigger\|when\|workdir\|writable\)\ze\s*\%(=\%(=\)\@!\|{\)"
" `retry = retry { … }`: the kind of the block.
syn match wfObjectKind "\%(=\s*\)\@<=\h\w*\ze\s*{"


" Arguments: `exponential(2s, factor = 2)`, template instances.
syn match wfArgName "\h\w*\ze\s*=\%(=\)\@!" contained
syn region wfArgs matchgroup=wfDelimiter start="(" end=")" contains=wfArgName,@wfExpr

" Strings, escapes and ${…} interpolation (which may hold strings itself).
syn match wfEscapeError +\\.+ contained
syn match wfEscape +\\\%(["\\ntr$]\|u{\x\{1,6}}\)+ contained
syn match wfDollar "\$\$" contained
syn region wfInterpolation matchgroup=wfInterpolationDelim start="\${" end="}" contained contains=@wfExpr,wfInterpolationBraces
syn region wfInterpolationBraces start="{" end="}" contained contains=@wfExpr,wfInterpolationBraces
syn region wfString start=+"+ skip=+\\\\\|\\"+ end=+"\|$+ contains=wfEscape,wfEscapeError,wfDollar,wfInterpolation
syn region wfString start=+"""+ end=+"""+ contains=wfDollar,wfInterpolation

" Maps: `{ KEY = value, "key" = value }` after '='; keys are not fields.
syn match wfMapKey "\h\w*\ze\s*=\%(=\)\@!" contained
syn match wfMapKey +"[^"]*"\ze\s*=\%(=\)\@!+ contained
" `outputs = { coverage: int }`: a name and its type.
syn match wfMapKey "\h\w*\ze\s*:\s*\%(string\|int\|bool\|list\)\>" contained
syn match wfMapType "\%(:\s*\)\@<=\<\%(string\|int\|bool\|list\)\>" contained
syn region wfMap matchgroup=wfDelimiter start="\%(=\s*\)\@<={" end="}" contains=wfMapKey,wfMapType,@wfExpr

" Declarations and the names they define.
syn keyword wfKeyword import in
syn keyword wfDeclaration pipeline environment nextgroup=wfTypeName skipwhite
syn keyword wfDeclaration secret nextgroup=wfSecretDef skipwhite
syn keyword wfDeclaration param nextgroup=wfParamName skipwhite
syn keyword wfDeclaration task nextgroup=wfTaskName,wfTaskNameString skipwhite
syn keyword wfDeclaration template nextgroup=wfTemplateName skipwhite
syn keyword wfDeclaration as nextgroup=wfAlias skipwhite
syn keyword wfDeclaration for nextgroup=wfLoopVar skipwhite
syn match wfTypeName "\h\w*" contained
syn match wfSecretDef "\h\w*" contained
syn match wfAlias "\h\w*" contained
syn match wfLoopVar "\h\w*" contained
syn match wfTaskName "\h\w*" contained
syn region wfTaskNameString start=+"+ skip=+\\\\\|\\"+ end=+"\|$+ contained contains=wfEscape,wfEscapeError,wfDollar,wfInterpolation
syn match wfParamName "\h\w*" contained nextgroup=wfTypeAnnotation skipwhite
syn keyword wfType string int float bool duration size enum list secret contained
syn region wfTypeParens matchgroup=wfDelimiter start="(" end=")" contained contains=wfType,wfString,wfTypeParens
syn region wfTypeAnnotation matchgroup=wfOperator start=":" end="\ze=\|$" contained contains=wfType,wfTypeParens,wfComment
" `task t: tmpl(…)`, `task t: module.tmpl(…)`: the template used.
syn match wfInstance "\%(:\s*\)\@<=\h\w*\%(\s*\.\s*\h\w*\)*\ze\s*("
" `template name(param: type = default, …)`.
syn match wfTemplateName "\h\w*" contained nextgroup=wfTemplateParams skipwhite
syn match wfTemplateParam "\h\w*\ze\s*:" contained nextgroup=wfTemplateParamType skipwhite
syn region wfTemplateParamType matchgroup=wfOperator start=":" end="\ze[=,)]" contained contains=wfType,wfTypeParens
syn region wfTemplateParams matchgroup=wfDelimiter start="(" end=")" contained contains=wfTemplateParam,wfComment,@wfExpr

syn cluster wfExpr contains=wfString,wfNumber,wfFloat,wfSize,wfDuration,wfError,wfBoolean,wfTrigger,wfRetryOn,wfFunction,wfParamRef,wfSecretRef,wfRunRef,wfOutputRef,wfMember,wfOperator,wfKeyword,wfMap,wfArgs,wfComment

" Comments, and the rule ids of `wfc:ignore[…]`.
syn keyword wfTodo TODO FIXME XXX NOTE contained
syn match wfIgnore "\<wfc:ignore\[[^\]]*\]" contained
syn region wfComment start="//" end="$" contains=wfTodo,wfIgnore,@Spell
syn region wfComment start="/\*" end="\*/" contains=wfTodo,wfIgnore,@Spell

hi def link wfComment Comment
hi def link wfTodo Todo
hi def link wfIgnore SpecialComment
hi def link wfKeyword Keyword
hi def link wfDeclaration Structure
hi def link wfTypeName Identifier
hi def link wfSecretDef Identifier
hi def link wfAlias Identifier
hi def link wfLoopVar Identifier
hi def link wfParamName Identifier
hi def link wfTaskName Function
hi def link wfTaskNameString Function
hi def link wfTemplateName Function
hi def link wfInstance Function
hi def link wfTemplateParam Identifier
hi def link wfType Type
hi def link wfMapType Type
hi def link wfObjectKind Type
hi def link wfField Label
hi def link wfUnknownField Normal
hi def link wfMapKey Identifier
hi def link wfArgName Identifier
hi def link wfString String
hi def link wfEscape SpecialChar
hi def link wfDollar SpecialChar
hi def link wfInterpolationDelim Delimiter
hi def link wfNumber Number
hi def link wfFloat Float
hi def link wfSize Number
hi def link wfDuration Number
hi def link wfBoolean Boolean
hi def link wfTrigger Constant
hi def link wfRetryOn Constant
hi def link wfFunction Function
hi def link wfBuiltin Special
hi def link wfSecretName Todo
hi def link wfOperator Operator
hi def link wfDelimiter Delimiter
hi def link wfError Error
hi def link wfEscapeError Error

let b:current_syntax = 'wf'
let &cpo = s:cpo_save
unlet s:cpo_save

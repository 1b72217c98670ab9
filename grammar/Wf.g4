// The wfc language: the one grammar source for the compiler's syntax layer.
//
// The parser builds no semantics: docs/language.md describes what each rule
// means, and compiler/syntax/ turns the parse tree into wfc's own AST.
grammar Wf;

// ---------------------------------------------------------------------------
// Declarations
// ---------------------------------------------------------------------------

file : decl* EOF ;

decl
  : importDecl
  | pipelineDecl
  | paramDecl
  | secretDecl
  | environmentDecl
  | taskDecl
  | templateDecl
  | forDecl
  ;

importDecl      : 'import' path=STRING 'as' alias=ident ;
pipelineDecl    : 'pipeline' name=ident body=block ;
paramDecl       : 'param' name=ident (':' type=typeExpr)? ('=' value=expr)? ;
secretDecl      : 'secret' name=ident ;
environmentDecl : 'environment' name=ident body=block ;

// `task a { … }`, `task "smoke_${r}" { … }`, `task a: tmpl(x = 1) { … }`.
taskDecl     : 'task' name=taskName (':' instance=templateCall)? body=block? ;
taskName     : id=ident | str=STRING ;
templateCall : path+=ident ('.' path+=ident)* '(' args=argList? ')' ;

templateDecl  : 'template' name=ident
                '(' (params+=templateParam (',' params+=templateParam)* ','?)? ')' body=block ;
templateParam : name=IDENT ':' type=typeExpr ('=' value=expr)? ;

// Only tasks (and nested loops) may appear in a loop body.
forDecl  : 'for' var=IDENT 'in' iterable=expr '{' body+=forItem* '}' ;
forItem  : task=taskDecl | loop=forDecl ;

// ---------------------------------------------------------------------------
// Blocks: `name = value`, `name { … }` and `name = kind { … }`
// ---------------------------------------------------------------------------

block : '{' items+=item* '}' ;

// `timeout-minutes = 10`, as GitHub Actions names fields, is read whole so
// that sema's unknown-field can name the field meant (no wfc field has '-').
item
  : name=IDENT ('-' rest+=IDENT)* '=' value=fieldValue        # fieldItem
  | name=IDENT ('-' rest+=IDENT)* body=block                  # blockItem
  ;

// `retry = retry { … }` names the kind of block it assigns.
fieldValue
  : kind=IDENT body=block                  # objectValue
  | value=expr                             # exprValue
  ;

// ---------------------------------------------------------------------------
// Types: `string`, `duration`, `enum("a", "b")`, `list(string)`
// ---------------------------------------------------------------------------

typeExpr : name=ident ('(' args+=typeArg (',' args+=typeArg)* ','? ')')? ;
typeArg  : type=typeExpr | str=STRING ;

// ---------------------------------------------------------------------------
// Expressions, tightest binding first
// ---------------------------------------------------------------------------

// Entry point for the expressions inside "${…}", parsed separately.
exprEOF : value=expr EOF ;

expr
  : value=primary                                      # primaryExpr
  | base=expr '.' member=ident                         # memberExpr
  | base=expr '[' index=expr ']'                       # indexExpr
  | callee=expr '(' args=argList? ')'                  # callExpr
  | op=('!' | '-') operand=expr                        # unaryExpr
  | lhs=expr op=('*' | '/' | '%') rhs=expr             # binaryExpr
  | lhs=expr op=('+' | '-') rhs=expr                   # binaryExpr
  | lhs=expr op=('<' | '<=' | '>' | '>=') rhs=expr     # binaryExpr
  | lhs=expr op=('==' | '!=' | 'in') rhs=expr          # binaryExpr
  | lhs=expr op='&&' rhs=expr                          # binaryExpr
  | lhs=expr op='||' rhs=expr                          # binaryExpr
  | <assoc=right> cond=expr '?' then=expr ':' otherwise=expr   # condExpr
  ;

primary
  : value=literal                                             # literalPrimary
  | name=IDENT                                                # namePrimary
  | '(' value=expr ')'                                        # parenPrimary
  | '[' (elements+=expr (',' elements+=expr)* ','?)? ']'      # listPrimary
  | '{' (entries+=mapEntry (','? entries+=mapEntry)* ','?)? '}'   # mapPrimary
  ;

// `{ KEY = value }`, or `{ KEY: type }` where a map declares names and types
// (`outputs = { coverage: int, files: list }`).
mapEntry : key=mapKey ('=' value=expr | ':' type=typeExpr) ;
mapKey   : id=ident | str=STRING ;

argList : args+=arg (',' args+=arg)* ','? ;
arg     : (name=ident '=')? value=expr ;

literal
  : STRING
  | UNTERMINATED_STRING
  | INT
  | FLOAT
  | DURATION
  | SIZE
  | BAD_NUMBER
  | SINGLE_QUOTED
  | 'true'
  | 'false'
  ;

// Keywords may name declarations and members (`param environment`,
// `params.environment`, `run.environment`), but not what an expression, a
// block field, a loop variable or a template parameter calls by bare name:
// there a declaration keyword starts the next declaration, which is how a
// missing '}' is found.
ident
  : IDENT
  | 'import' | 'as' | 'pipeline' | 'param' | 'secret' | 'environment'
  | 'task' | 'template' | 'for' | 'in'
  ;

// ---------------------------------------------------------------------------
// Tokens
// ---------------------------------------------------------------------------

IMPORT      : 'import' ;
AS          : 'as' ;
PIPELINE    : 'pipeline' ;
PARAM       : 'param' ;
SECRET      : 'secret' ;
ENVIRONMENT : 'environment' ;
TASK        : 'task' ;
TEMPLATE    : 'template' ;
FOR         : 'for' ;
IN          : 'in' ;
TRUE        : 'true' ;
FALSE       : 'false' ;

LBRACE   : '{' ;
RBRACE   : '}' ;
LPAREN   : '(' ;
RPAREN   : ')' ;
LBRACKET : '[' ;
RBRACKET : ']' ;
COMMA    : ',' ;
COLON    : ':' ;
DOT      : '.' ;
QUESTION : '?' ;
EQ       : '==' ;
NE       : '!=' ;
LE       : '<=' ;
GE       : '>=' ;
LT       : '<' ;
GT       : '>' ;
AND      : '&&' ;
OR       : '||' ;
NOT      : '!' ;
ASSIGN   : '=' ;
PLUS     : '+' ;
MINUS    : '-' ;
STAR     : '*' ;
SLASH    : '/' ;
PERCENT  : '%' ;

// `1h30m`, `500ms`, `2d`: one or more number-unit pairs.
DURATION : (DIGITS ('ms' | 's' | 'm' | 'h' | 'd'))+ ;
// Binary (KiB) and decimal (KB) units; `B` is bytes.
SIZE     : DIGITS ('B' | 'KB' | 'MB' | 'GB' | 'TB' | 'KiB' | 'MiB' | 'GiB' | 'TiB') ;
FLOAT    : DIGITS '.' DIGITS ;
INT      : DIGITS ;
// A number glued to a name that is no unit (`10mins`, `3x`, `1.5s`): one
// token, so that the error names the whole thing.
BAD_NUMBER : DIGITS ('.' DIGITS)? [a-zA-Z_] [a-zA-Z0-9_]* ;

IDENT : [a-zA-Z_] [a-zA-Z0-9_]* ;

// Strings keep their "${…}" interpolations inside one token; the syntax layer
// parses each interpolation with the `exprEOF` rule. An interpolation may hold
// strings and braces of its own. `$$` is a literal `$` (so `$${HOME}` reaches
// the shell as `${HOME}`); a `$` before any other character is itself.
// Triple-quoted strings span lines and keep backslashes as they are.
// Every choice below is decided by the next two characters, so the
// hand-written lexer in compiler/syntax/Lexer.cpp can follow it exactly.
// No loop here is non-greedy: ANTLR's lexer drops the longer matches of a
// rule once a non-greedy loop inside it has matched, even in nested strings.
// TRIPLE_CHAR cannot start at a '"""', so a greedy loop stops at the first.
STRING
  : '"""' TRIPLE_CHAR* '"""'
  | REGULAR_STRING
  ;
// A string that reaches the end of its line (or of the file) unclosed, or
// whose interpolation never closes. Always shorter than a STRING where one
// matches: the interpolation here stops before its '}'.
UNTERMINATED_STRING
  : '"""' TRIPLE_CHAR*
  | '"' STRING_CHAR* ('$' | '${' INTERP_CHAR*)?
  ;
// 'text' as shell and YAML write strings: no string in wfc, but one token to
// the end of the line, so that it is one error ("use double quotes").
SINGLE_QUOTED : '\'' ~['\r\n]* '\''? ;
fragment REGULAR_STRING : '"' STRING_CHAR* '$'? '"' ;
fragment TRIPLE_CHAR : ~'"' | '"' ~'"' | '""' ~'"' ;
fragment STRING_CHAR
  : '\\' ~[\r\n]
  | '${' INTERP_CHAR* '}'
  | '$$'
  | '$' (~[{$"\\\r\n] | '\\' ~[\r\n])
  | ~["\\\r\n$]
  ;
// Strings inside an interpolation are single-line ("…") strings.
fragment INTERP_CHAR : REGULAR_STRING | '{' INTERP_CHAR* '}' | ~["{}\r\n] ;
fragment DIGITS : [0-9] ('_'? [0-9])* ;

LINE_COMMENT  : '//' ~[\r\n]* -> channel(HIDDEN) ;
BLOCK_COMMENT : '/*' .*? '*/' -> channel(HIDDEN) ;
// A comment that never closes runs to the end of the file.
UNTERMINATED_COMMENT : '/*' (~'*' | '*'+ ~[*/])* '*'* EOF -> channel(2) ;

WS : [ \t\r\n\f\u00A0\uFEFF]+ -> skip ;

// Anything else: the syntax layer reports it and the parser never sees it.
BAD_CHAR : . -> channel(2) ;

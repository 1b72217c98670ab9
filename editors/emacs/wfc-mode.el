;;; wfc-mode.el --- Major mode for wfc pipelines (*.wf)  -*- lexical-binding: t; -*-

;; Version: 0.1.0
;; Package-Requires: ((emacs "27.1"))
;; Keywords: languages, tools

;;; Commentary:

;; Editing wfc pipelines: highlighting (keywords, task and template names,
;; fields, durations, sizes, strings with ${…} interpolation, secrets.X,
;; trigger rules, wfc:ignore comments), comment syntax, indentation as
;; `wfc fmt' lays it out, `M-x compile' with `wfc check --format gcc',
;; Flymake through `wfc check', `wfc-format-buffer' through `wfc fmt -', and
;; an Eglot entry for `wfc lsp'.
;;
;; Install: (add-to-list 'load-path "/path/to/wfc/editors/emacs")
;;          (require 'wfc-mode)
;;
;; tests/editors/ checks the keyword and field lists below against
;; `wfc --print-vocabulary': add a word here when the language gets one.

;;; Code:

(require 'compile)
(require 'flymake)

(defgroup wfc nil
  "Editing wfc pipelines."
  :group 'languages
  :prefix "wfc-")

(defcustom wfc-program "wfc"
  "The wfc executable: a name looked up on `exec-path', or a file name."
  :type 'string)

(defcustom wfc-indent-offset 2
  "Columns a level of braces, brackets or parentheses indents."
  :type 'integer
  :safe #'integerp)

(defcustom wfc-check-arguments nil
  "More arguments for `wfc check' when Flymake runs it (e.g. --stdlib DIR)."
  :type '(repeat string))

(defface wfc-field-face '((t :inherit font-lock-variable-name-face))
  "Face for the names of fields wfc knows.")
(defface wfc-number-face '((t :inherit font-lock-constant-face))
  "Face for numbers, durations and sizes.")
(defface wfc-escape-face '((t :inherit font-lock-regexp-grouping-backslash))
  "Face for escapes and $$ in strings.")
(defface wfc-interpolation-face '((t :inherit font-lock-preprocessor-face))
  "Face for the ${ and } around an interpolation.")
(defface wfc-secret-face '((t :inherit font-lock-warning-face :weight normal))
  "Face for the name in secrets.NAME, set apart from other references.")
(defface wfc-function-face '((t :inherit font-lock-builtin-face))
  "Face for the retry functions fixed, exponential and exit, and the conversions.")
(defface wfc-ignore-face '((t :inherit font-lock-preprocessor-face))
  "Face for wfc:ignore[...] in comments.")

(defconst wfc-keywords
  '("import" "as" "pipeline" "param" "secret" "environment" "task" "template" "for" "in")
  "Keywords of grammar/Wf.g4 (true and false are constants).")

(defconst wfc-fields
  '("after" "approval" "attempts" "backoff" "cpu" "deadline" "defaults" "description"
    "env" "environments" "file_size" "jitter" "limits" "max_parallel" "max_timeout"
    "memory" "network" "on" "open_files" "outputs" "path" "processes" "resources" "retry" "run"
    "secrets" "timeout" "trigger" "when" "workdir" "writable")
  "Fields semantic analysis accepts in some block.")

(defconst wfc-types
  '("string" "int" "float" "bool" "duration" "size" "enum" "list" "secret")
  "Type names.")

(defconst wfc-triggers
  '("all_success" "all_failed" "all_done" "all_done_min_one_success" "all_skipped"
    "one_failed" "one_success" "one_done" "none_failed" "none_failed_min_one_success"
    "none_skipped" "always")
  "Trigger rules.")

(defconst wfc--name "[A-Za-z_][A-Za-z0-9_]*")

;;; Syntax

(defvar wfc-mode-syntax-table
  (let ((table (make-syntax-table)))
    (modify-syntax-entry ?/ ". 124b" table)
    (modify-syntax-entry ?* ". 23" table)
    (modify-syntax-entry ?\n "> b" table)
    (modify-syntax-entry ?\" "\"" table)
    (modify-syntax-entry ?\\ "\\" table)
    (modify-syntax-entry ?_ "_" table)
    (dolist (c '(?= ?< ?> ?! ?& ?| ?+ ?- ?% ?? ?: ?. ?, ?$))
      (modify-syntax-entry c "." table))
    table)
  "Syntax table for `wfc-mode'.")

(defun wfc--mark (pos syntax)
  "Give the character at POS the syntax class SYNTAX (a string)."
  (put-text-property pos (1+ pos) 'syntax-table (string-to-syntax syntax)))

(defun wfc--scan-interpolation ()
  "Move from inside ${ to after its }: quotes of strings inside are punctuation."
  (let ((depth 0) (done nil))
    (while (and (not done) (not (eobp)) (not (eq (char-after) ?\n)))
      (let ((c (char-after)))
        (cond
         ((eq c ?{) (setq depth (1+ depth)) (forward-char 1))
         ((eq c ?}) (forward-char 1) (if (zerop depth) (setq done t) (setq depth (1- depth))))
         ((eq c ?\") (wfc--mark (point) ".") (forward-char 1) (wfc--scan-string nil t))
         (t (forward-char 1)))))))

(defun wfc--scan-string (triple nested)
  "Move over the body of a string to after its end.
TRIPLE: a \"\"\" string, whose closing quotes get a string fence. NESTED: a
string inside ${…}, whose closing quote is punctuation."
  (let ((done nil))
    (while (and (not done) (not (eobp)))
      (cond
       ((and triple (looking-at "\"\"\""))
        (wfc--mark (point) ".") (wfc--mark (1+ (point)) ".") (wfc--mark (+ 2 (point)) "|")
        (forward-char 3) (setq done t))
       ((and (not triple) (eq (char-after) ?\"))
        (when nested (wfc--mark (point) "."))
        (forward-char 1) (setq done t))
       ((and (not triple) (eq (char-after) ?\n)) (setq done t))
       ((and (not triple) (eq (char-after) ?\\)) (forward-char (min 2 (- (point-max) (point)))))
       ((looking-at "\\$\\$") (forward-char 2))
       ((looking-at "\\${") (forward-char 2) (wfc--scan-interpolation))
       (t (forward-char 1))))))

(defun wfc--syntax-propertize (start end)
  "Mark strings between START and END as the wfc lexer reads them.
Triple-quoted strings are string fences (they hold quotes and span lines);
the quotes of strings inside ${…} do not end the string around them."
  (goto-char start)
  (while (re-search-forward "\"" end t)
    (let* ((quote (match-beginning 0))
           (ppss (save-excursion (syntax-ppss quote))))
      (unless (or (nth 3 ppss) (nth 4 ppss))
        (goto-char quote)
        (if (looking-at "\"\"\"")
            (progn (wfc--mark quote "|") (wfc--mark (1+ quote) ".") (wfc--mark (+ 2 quote) ".")
                   (forward-char 3) (wfc--scan-string t nil))
          (forward-char 1)
          (wfc--scan-string nil nil))))))

;;; Font lock

(defun wfc--code-p (pos)
  "Non-nil when POS is neither in a string nor in a comment."
  (let ((ppss (save-excursion (syntax-ppss pos))))
    (not (or (nth 3 ppss) (nth 4 ppss)))))

(defun wfc--string-start (pos)
  "Where the string around POS starts, or nil."
  (let ((ppss (save-excursion (syntax-ppss pos))))
    (and (nth 3 ppss) (nth 8 ppss))))

(defun wfc--matcher (regexp &optional where)
  "A font-lock matcher for REGEXP in code, not right after a dot.
WHERE, a function of the match's start, further decides."
  (lambda (limit)
    (let (found)
      (while (and (not found) (re-search-forward regexp limit t))
        (let ((beg (match-beginning 0)))
          (when (and (wfc--code-p beg)
                     (not (eq (char-before beg) ?.))
                     (or (null where) (save-match-data (funcall where beg))))
            (setq found t))))
      found)))

(defun wfc--in-string-matcher (regexp &optional regular-only)
  "A font-lock matcher for REGEXP inside strings (REGULAR-ONLY: not \"\"\")."
  (lambda (limit)
    (let (found)
      (while (and (not found) (re-search-forward regexp limit t))
        (let ((start (wfc--string-start (match-beginning 0))))
          (when (and start
                     (not (and regular-only
                               (save-excursion (goto-char start) (looking-at "\"\"\"")))))
            (setq found t))))
      found)))

(defun wfc--match-interpolation (limit)
  "Find a ${…} in a string before LIMIT: group 1 is ${, group 2 its }."
  (let (found)
    (while (and (not found) (re-search-forward "\\${" limit t))
      (let ((open (match-beginning 0)))
        (when (and (wfc--string-start open)
                   (not (eq (char-before open) ?$))
                   (not (and (eq (char-before open) ?\\)
                             (not (wfc--triple-p open)))))
          (save-excursion
            (wfc--scan-interpolation)
            (when (eq (char-before) ?})
              (set-match-data (list open (point) open (+ open 2) (1- (point)) (point)))
              (setq found t))))))
    found))

(defun wfc--triple-p (pos)
  "Non-nil when POS is in a triple-quoted string."
  (let ((start (wfc--string-start pos)))
    (and start (save-excursion (goto-char start) (looking-at "\"\"\"")))))

(defun wfc--innermost-open (pos)
  "The bracket character that encloses POS most closely, or nil."
  (let ((open (nth 1 (save-excursion (syntax-ppss pos)))))
    (and open (char-after open))))

(defun wfc--in-map-p (pos)
  "Non-nil when POS is directly inside a map: a { that follows =."
  (let ((open (nth 1 (save-excursion (syntax-ppss pos)))))
    (and open (eq (char-after open) ?{)
         (save-excursion (goto-char open) (skip-chars-backward " \t\n") (eq (char-before) ?=)))))

(defun wfc--block-item-p (pos)
  "Non-nil when POS can start an item of a block (not in a map or arguments)."
  (let ((open (wfc--innermost-open pos)))
    (and (or (null open) (eq open ?{)) (not (wfc--in-map-p pos)))))

(defun wfc--char-before-space (pos)
  "The character before POS, whitespace skipped."
  (save-excursion (goto-char pos) (skip-chars-backward " \t\n") (char-before)))

(defun wfc--words (words)
  "A regexp matching any of WORDS as a whole symbol, in group 1."
  (concat "\\_<\\(" (regexp-opt words) "\\)\\_>"))

(defconst wfc-font-lock-keywords
  `(;; wfc:ignore[rule-id] in comments.
    ("\\_<wfc:ignore\\[[^]\n]*\\]" (0 'wfc-ignore-face t))
    ;; Task names written as strings, before the interpolations in them.
    (,(wfc--matcher (concat "\\_<\\(task\\)\\s-+\\(\"[^\"\n]*\"\\)"))
     (1 'font-lock-keyword-face) (2 'font-lock-function-name-face t))
    (wfc--match-interpolation (1 'wfc-interpolation-face t) (2 'wfc-interpolation-face t))
    (,(wfc--in-string-matcher "\\\\\\(?:[\"\\\\ntr$]\\|u{[0-9A-Fa-f]\\{1,6\\}}\\)" t)
     (0 'wfc-escape-face t))
    (,(wfc--in-string-matcher "\\$\\$") (0 'wfc-escape-face t))
    ;; Declarations and the names they define.
    (,(wfc--matcher (concat "\\_<\\(pipeline\\|environment\\|param\\|secret\\|task\\|template"
                            "\\|as\\|for\\)\\s-+\\(" wfc--name "\\)"))
     (1 'font-lock-keyword-face) (2 'font-lock-function-name-face))
    ;; `task t: tmpl(…)': the template used.
    (,(wfc--matcher (concat ":\\s-*\\(" wfc--name "\\(?:\\s-*\\.\\s-*" wfc--name "\\)*\\)\\s-*(")
                    (lambda (beg)
                      (save-excursion
                        (goto-char beg)
                        (looking-back (concat "\\_<task\\s-+\\(?:" wfc--name "\\|\"[^\"\n]*\"\\)\\s-*")
                                      (line-beginning-position)))))
     (1 'font-lock-function-name-face))
    ;; References: params.X, secrets.X (set apart), run.environment, T.outputs.K.
    (,(wfc--matcher (concat "\\_<\\(secrets\\)\\s-*\\.\\s-*\\(" wfc--name "\\)"))
     (1 'font-lock-builtin-face) (2 'wfc-secret-face))
    (,(wfc--matcher (concat "\\_<\\(params\\)\\s-*\\.\\s-*" wfc--name))
     (1 'font-lock-builtin-face))
    (,(wfc--matcher "\\_<\\(run\\)\\s-*\\.\\s-*environment\\_>") (1 'font-lock-builtin-face))
    (,(wfc--matcher (concat wfc--name "\\s-*\\.\\s-*\\(outputs\\)\\s-*\\.\\s-*" wfc--name))
     (1 'font-lock-builtin-face))
    ;; Template parameters and named arguments.
    (,(wfc--matcher (concat "\\(" wfc--name "\\)\\s-*\\(?::\\|=[^=]\\)")
                    (lambda (beg) (and (eq (wfc--innermost-open beg) ?\()
                                       (memq (wfc--char-before-space beg) '(?\( ?,)))))
     (1 'font-lock-variable-name-face))
    ;; Types after ':' and in type arguments.
    (,(wfc--matcher (concat "\\(?::\\|(\\)\\s-*" (wfc--words wfc-types)))
     (1 'font-lock-type-face))
    ;; Fields: a known name before '=' or '{' in a block.
    (,(wfc--matcher (concat (wfc--words wfc-fields) "\\s-*\\(?:=[^=]\\|=$\\|{\\)")
                    (lambda (beg) (and (wfc--block-item-p beg)
                                       (not (eq (wfc--char-before-space beg) ?=)))))
     (1 'wfc-field-face))
    ;; `retry = retry { … }': the kind of the block.
    (,(wfc--matcher (concat "=\\s-*\\(" wfc--name "\\)\\s-*{")) (1 'font-lock-type-face))
    (,(wfc--matcher "\\_<\\(fixed\\|exponential\\|exit\\|int\\|bool\\|string\\)\\s-*(")
     (1 'wfc-function-face))
    (,(wfc--matcher (wfc--words (append '("true" "false" "none") wfc-triggers)))
     (1 'font-lock-constant-face))
    (,(wfc--matcher "\\_<\\(failure\\|timeout\\)\\_>\\(\\s-*=[^=]\\)?")
     (1 (unless (match-beginning 2) 'font-lock-constant-face)))
    (,(wfc--matcher (wfc--words wfc-keywords)) (1 'font-lock-keyword-face))
    ;; Numbers: durations and sizes are one token; a number glued to other
    ;; letters (10mins, 1.5s) is an error.
    (,(wfc--matcher (concat "\\_<\\(?:[0-9]\\(?:_?[0-9]\\)*\\(?:ms\\|s\\|m\\|h\\|d\\)\\)+\\_>"
                            "\\|\\_<[0-9]\\(?:_?[0-9]\\)*\\(?:[KMGT]i?B\\|B\\)\\_>"
                            "\\|\\_<[0-9]\\(?:_?[0-9]\\)*\\(?:\\.[0-9]\\(?:_?[0-9]\\)*\\)?\\_>"))
     (0 'wfc-number-face))
    (,(wfc--matcher "\\_<[0-9][A-Za-z0-9_.]*") (0 'font-lock-warning-face))
    ;; Characters that start no token.
    (,(wfc--matcher "[;@#$`'\\\\]\\|[^[:ascii:]]") (0 'font-lock-warning-face)))
  "Highlighting for `wfc-mode'.")

;;; Indentation

(defun wfc-indent-line ()
  "Indent the current line by its depth in braces, brackets and parentheses."
  (interactive)
  (let* ((ppss (save-excursion (syntax-ppss (line-beginning-position))))
         (depth (car ppss)))
    ;; Inside a string or comment that spans lines, the text stays as it is.
    (unless (or (nth 3 ppss) (nth 4 ppss))
      (let ((column (* wfc-indent-offset
                       (max 0 (- depth (save-excursion
                                         (back-to-indentation)
                                         (if (looking-at "[]})]") 1 0))))))
            (offset (- (current-column) (current-indentation))))
        (indent-line-to column)
        (when (> offset 0) (forward-char offset))))))

;;; Compilation, Flymake, formatting, Eglot

(add-to-list 'compilation-error-regexp-alist-alist
             '(wfc "^\\([^:\n]+\\):\\([0-9]+\\):\\([0-9]+\\): \\(?:error\\|\\(warning\\)\\|\\(note\\)\\): "
                   1 2 3 (4 . 5)))
(add-to-list 'compilation-error-regexp-alist 'wfc)

(defvar-local wfc--flymake-process nil)

(defun wfc--flymake-diagnostics (source file output)
  "Flymake diagnostics for buffer SOURCE, named FILE, from gcc-format OUTPUT."
  (let (diagnostics)
    (with-temp-buffer
      (insert output)
      (goto-char (point-min))
      (while (re-search-forward
              "^\\(.*\\):\\([0-9]+\\):\\([0-9]+\\): \\(error\\|warning\\|note\\): \\(.*\\)$" nil t)
        (when (string= (match-string 1) file)
          (let ((region (flymake-diag-region source (string-to-number (match-string 2))
                                             (string-to-number (match-string 3))))
                (type (pcase (match-string 4)
                        ("error" :error) ("warning" :warning) (_ :note))))
            (when region
              (push (flymake-make-diagnostic source (car region) (cdr region) type
                                             (match-string 5))
                    diagnostics))))))
    (nreverse diagnostics)))

(defun wfc-flymake (report-fn &rest _args)
  "Flymake backend: `wfc check' on the buffer's text, sent on standard input."
  (when (process-live-p wfc--flymake-process)
    (kill-process wfc--flymake-process))
  (let* ((source (current-buffer))
         (file (or buffer-file-name (buffer-name)))
         (output (generate-new-buffer " *wfc-flymake*")))
    (setq wfc--flymake-process
          (make-process
           :name "wfc-flymake" :noquery t :connection-type 'pipe :buffer output
           :command (append (list wfc-program "check" "--format" "gcc" "--quiet"
                                  "--stdin-filename" file)
                            wfc-check-arguments (list "-"))
           :sentinel
           (lambda (process _event)
             (when (memq (process-status process) '(exit signal))
               (unwind-protect
                   (when (and (buffer-live-p source)
                              (eq process (buffer-local-value 'wfc--flymake-process source)))
                     (funcall report-fn
                              (wfc--flymake-diagnostics
                               source file
                               (with-current-buffer (process-buffer process) (buffer-string)))))
                 (kill-buffer (process-buffer process)))))))
    (save-restriction
      (widen)
      (process-send-region wfc--flymake-process (point-min) (point-max)))
    (process-send-eof wfc--flymake-process)))

(defun wfc-format-buffer ()
  "Format the buffer with `wfc fmt -'.
With syntax errors, show them and change nothing."
  (interactive)
  (let ((output (generate-new-buffer " *wfc-fmt*"))
        (errors (make-temp-file "wfc-fmt")))
    (unwind-protect
        (let ((status (call-process-region (point-min) (point-max) wfc-program nil
                                           (list output errors) nil "fmt" "-")))
          (if (eq status 0)
              (replace-buffer-contents output)
            (message "wfc fmt: %s" (with-temp-buffer
                                     (insert-file-contents errors)
                                     (string-trim (buffer-string))))))
      (kill-buffer output)
      (delete-file errors))))

(defun wfc--eglot-contact (&optional _interactive)
  "How Eglot starts the wfc language server."
  (list wfc-program "lsp"))

(with-eval-after-load 'eglot
  (defvar eglot-server-programs)
  (add-to-list 'eglot-server-programs '(wfc-mode . wfc--eglot-contact)))

;;; The mode

(defvar wfc-mode-map
  (let ((map (make-sparse-keymap)))
    (define-key map (kbd "C-c C-f") #'wfc-format-buffer)
    map)
  "Keymap for `wfc-mode'.")

;;;###autoload
(define-derived-mode wfc-mode prog-mode "wfc"
  "Major mode for wfc pipelines (*.wf)."
  :syntax-table wfc-mode-syntax-table
  (setq-local comment-start "// ")
  (setq-local comment-end "")
  (setq-local comment-start-skip "\\(?://+\\|/\\*+\\)\\s-*")
  (setq-local syntax-propertize-function #'wfc--syntax-propertize)
  (setq-local font-lock-defaults '(wfc-font-lock-keywords))
  (setq-local indent-line-function #'wfc-indent-line)
  (setq-local indent-tabs-mode nil)
  (setq-local compile-command (concat wfc-program " check --format gcc "
                                      (if buffer-file-name
                                          (shell-quote-argument
                                           (file-name-nondirectory buffer-file-name))
                                        "")))
  (add-hook 'flymake-diagnostic-functions #'wfc-flymake nil t))

;;;###autoload
(add-to-list 'auto-mode-alist '("\\.wf\\'" . wfc-mode))

(provide 'wfc-mode)

;;; wfc-mode.el ends here

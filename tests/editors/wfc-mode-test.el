;;; wfc-mode-test.el --- ERT tests of editors/emacs/wfc-mode.el  -*- lexical-binding: t; -*-

;;; Commentary:

;; emacs --batch -Q -L editors/emacs -l tests/editors/wfc-mode-test.el
;;   -f ert-run-tests-batch-and-exit
;; with $WFC naming the wfc binary and $WF_INDENT_INPUT a file that wfc fmt
;; lays out.

;;; Code:

(require 'ert)
(require 'wfc-mode)

(setq wfc-program (or (getenv "WFC") "wfc"))

(defmacro wfc-test-with-buffer (text &rest body)
  "Run BODY in a `wfc-mode' buffer holding TEXT, fontified."
  (declare (indent 1))
  `(with-temp-buffer
     (insert ,text)
     (wfc-mode)
     (font-lock-ensure)
     (goto-char (point-min))
     ,@body))

(defun wfc-test-face-at (needle &optional nth)
  "The face at the NTH (from 0) occurrence of NEEDLE in the buffer."
  (goto-char (point-min))
  (dotimes (_ (1+ (or nth 0))) (search-forward needle))
  (let ((face (get-text-property (match-beginning 0) 'face)))
    (if (listp face) (car face) face)))

(ert-deftest wfc-mode-auto-mode ()
  (should (eq (cdr (assoc "x.wf" auto-mode-alist #'string-match-p)) 'wfc-mode)))

(ert-deftest wfc-mode-comments ()
  (wfc-test-with-buffer "task t {\n  run = \"a // b\" // c\n  /* d\n  e */ timeout = 1m\n}\n"
    (should (equal comment-start "// "))
    (should-not (nth 4 (syntax-ppss (progn (search-forward "a //") (point)))))
    (should (nth 4 (syntax-ppss (progn (search-forward "// c") (point)))))
    (should (nth 4 (syntax-ppss (progn (search-forward "e") (point)))))
    (should-not (nth 4 (syntax-ppss (progn (search-forward "timeout") (point)))))
    (goto-char (point-min))
    (comment-region (line-beginning-position) (line-end-position))
    (should (equal (buffer-substring (point-min) (line-end-position)) "// task t {"))))

(ert-deftest wfc-mode-strings ()
  (wfc-test-with-buffer
      (concat "task t {\n  run = \"\"\"\n    say \"hi\" and \"\"\n    \"\"\"\n"
              "  description = \"a ${x == \"b\" ? \"c\" : \"d\"} e\" // done\n}\n")
    ;; A triple-quoted string holds quotes and lines.
    (should (nth 3 (syntax-ppss (progn (search-forward "say") (point)))))
    (should (nth 3 (syntax-ppss (progn (search-forward "and") (point)))))
    (should-not (nth 3 (syntax-ppss (progn (search-forward "description") (point)))))
    ;; Strings inside ${…} do not end the string around them.
    (should (nth 3 (syntax-ppss (progn (search-forward " e") (point)))))
    (should (nth 4 (syntax-ppss (progn (search-forward "done") (point)))))
    (should (eq (wfc-test-face-at "${") 'wfc-interpolation-face))
    (should (eq (wfc-test-face-at "} e") 'wfc-interpolation-face))))

(ert-deftest wfc-mode-font-lock ()
  (wfc-test-with-buffer
      (concat "task build: tmpl(n = 1) {\n  timeout = 10m\n  env = { K = secrets.token }\n"
              "  trigger = all_done\n  retry = retry { backoff = fixed(1s) on = [timeout] }\n}\n"
              "param p: list(string) = [\"a\\n\"]\n")
    (should (eq (wfc-test-face-at "task") 'font-lock-keyword-face))
    (should (eq (wfc-test-face-at "build") 'font-lock-function-name-face))
    (should (eq (wfc-test-face-at "tmpl") 'font-lock-function-name-face))
    (should (eq (wfc-test-face-at "n =") 'font-lock-variable-name-face))
    (should (eq (wfc-test-face-at "timeout") 'wfc-field-face))
    (should (eq (wfc-test-face-at "10m") 'wfc-number-face))
    (should-not (wfc-test-face-at "K ="))
    (should (eq (wfc-test-face-at "secrets") 'font-lock-builtin-face))
    (should (eq (wfc-test-face-at "token") 'wfc-secret-face))
    (should (eq (wfc-test-face-at "all_done") 'font-lock-constant-face))
    (should (eq (wfc-test-face-at "retry" 1) 'font-lock-type-face))
    (should (eq (wfc-test-face-at "fixed") 'wfc-function-face))
    (should (eq (wfc-test-face-at "timeout" 1) 'font-lock-constant-face))
    (should (eq (wfc-test-face-at "list") 'font-lock-type-face))
    (should (eq (wfc-test-face-at "string") 'font-lock-type-face))
    (should (eq (wfc-test-face-at "\\n") 'wfc-escape-face))))

(ert-deftest wfc-mode-indentation-matches-wfc-fmt ()
  (let* ((input (getenv "WF_INDENT_INPUT"))
         (formatted (with-temp-buffer
                      (should (eq 0 (call-process wfc-program input t nil "fmt" "-")))
                      (buffer-string))))
    (with-temp-buffer
      (insert (replace-regexp-in-string "^[ \t]+" "" formatted))
      (wfc-mode)
      (indent-region (point-min) (point-max))
      (should (equal (buffer-string) formatted)))))

(ert-deftest wfc-mode-compilation-regexp ()
  (should (memq 'wfc compilation-error-regexp-alist))
  (with-temp-buffer
    ;; Only wfc's entry, so that gcc's own cannot stand in for it.
    (let ((default-directory temporary-file-directory)
          (compilation-error-regexp-alist '(wfc))
          (inhibit-read-only t))
      (insert "p.wf:5:12: error: unknown task 'x' [undefined-name]\n"
              "p.wf:7:3: warning: task 't' has no timeout [missing-timeout]\n"
              "p.wf:2:1: note: defined here\n")
      (compilation-mode)
      (setq-local compilation-error-regexp-alist '(wfc))
      (compilation-parse-errors (point-min) (point-max))
      (let (found)
        (goto-char (point-min))
        (while (not (eobp))
          (let ((message (get-text-property (point) 'compilation-message)))
            (when message
              (let ((loc (compilation--message->loc message)))
                (push (list (compilation--loc->line loc) (compilation--loc->col loc)
                            (compilation--message->type message))
                      found))))
          (forward-line 1))
        ;; Types: 2 error, 1 warning, 0 note (info).
        (should (equal (nreverse found) '((5 12 2) (7 3 1) (2 1 0))))))))

(ert-deftest wfc-mode-flymake ()
  (let ((file (make-temp-file "wfc-flymake" nil ".wf"))
        (reported :none))
    (unwind-protect
        (with-current-buffer (find-file-noselect file)
          (insert "pipeline p {\n  deadline = 1h\n}\ntask t {\n  after = [nosuch]\n"
                  "  run = \"x\"\n  timeout = 1m\n}\n")
          (wfc-flymake (lambda (diagnostics &rest _) (setq reported diagnostics)))
          (with-timeout (60 (error "wfc check did not report"))
            (while (eq reported :none) (accept-process-output nil 0.05)))
          (should (= (length reported) 1))
          (let ((diagnostic (car reported)))
            (should (eq (flymake-diagnostic-type diagnostic) :error))
            (should (string-match-p "unknown task 'nosuch'" (flymake-diagnostic-text diagnostic)))
            (should (= (line-number-at-pos (flymake-diagnostic-beg diagnostic)) 5))
            (should (equal (buffer-substring (flymake-diagnostic-beg diagnostic)
                                             (flymake-diagnostic-end diagnostic))
                           "nosuch")))
          (set-buffer-modified-p nil)
          (kill-buffer))
      (delete-file file))))

(ert-deftest wfc-mode-format-buffer ()
  (wfc-test-with-buffer "secret   s\npipeline p { deadline = 1h }\n"
    (wfc-format-buffer)
    (should (equal (buffer-string) "secret s\npipeline p {\n  deadline = 1h\n}\n")))
  ;; With syntax errors nothing changes.
  (wfc-test-with-buffer "secret\n"
    (wfc-format-buffer)
    (should (equal (buffer-string) "secret\n"))))

(ert-deftest wfc-mode-eglot-registration ()
  (defvar eglot-server-programs nil)
  (let ((eglot-server-programs nil)
        (features (cons 'eglot features)))
    (provide 'eglot)
    (let ((entry (assq 'wfc-mode eglot-server-programs)))
      (should entry)
      (should (equal (funcall (cdr entry) t) (list wfc-program "lsp"))))))

;;; wfc-mode-test.el ends here

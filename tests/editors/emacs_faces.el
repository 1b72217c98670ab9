;;; emacs_faces.el --- Dump the faces wfc-mode gives a file  -*- lexical-binding: t; -*-

;;; Commentary:

;; emacs --batch -Q -L editors/emacs -l emacs_faces.el FILE OUT writes the
;; face at every non-blank character of FILE to OUT, one "LINE COL FACE" a
;; line (columns from 1, faces of a list joined by spaces), for
;; tests/editors/editors_test.py.

;;; Code:

(require 'wfc-mode)

(let* ((file (pop command-line-args-left))
       (out (pop command-line-args-left))
       (lines nil))
  (with-temp-buffer
    (insert-file-contents file)
    (wfc-mode)
    (font-lock-ensure)
    (goto-char (point-min))
    (while (not (eobp))
      (let ((c (char-after)))
        (unless (memq c '(?\s ?\t ?\n))
          (let* ((face (get-text-property (point) 'face))
                 (names (if (listp face) face (list face))))
            (push (format "%d %d %s" (line-number-at-pos) (1+ (current-column))
                          (mapconcat (lambda (f) (if f (symbol-name f) "")) names " "))
                  lines))))
      (forward-char 1)))
  (with-temp-file out
    (insert (mapconcat #'identity (nreverse lines) "\n") "\n")))

;;; emacs_faces.el ends here

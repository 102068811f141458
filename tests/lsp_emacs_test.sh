#!/usr/bin/env bash
# `stacklint lsp` with Emacs's eglot (Debian's emacs-nox and elpa-eglot), in batch mode: a JSON
# template with CJK text before the finding on its line, diagnostics through flymake at the
# exact character, and the "Suppress R110 for resource Db" code action applied by eglot.
# Skipped (with a message, exit 0) where Emacs or eglot is not installed: CI runs the Neovim
# client test; this one is for machines that have Emacs.
# Usage: tests/lsp_emacs_test.sh path/to/stacklint
set -euo pipefail
stacklint=$(realpath "$1")
if ! command -v emacs >/dev/null ||
  ! emacs --batch --eval "(require 'eglot)" >/dev/null 2>&1; then
  echo "SKIP: emacs with eglot is not installed (apt-get install emacs-nox elpa-eglot)"
  exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
printf '{\n  "Resources": {\n    "Db": {\n      "Type": "AWS::RDS::DBInstance",\n      "Properties": {"Engine": "mysql", "StorageEncrypted": true, "DBName": "\xe6\x95\xb0\xe6\x8d\xae", "MultiAZ": false}\n    }\n  }\n}\n' > template.json

cat > test.el <<'LISP'
(require 'eglot)
(require 'flymake)
(defvar results nil)
(defun check (what ok) (push (concat (if ok "ok: " "FAIL: ") what) results))
(defun wait-for (predicate)
  (let ((deadline (+ (float-time) 20)) (done nil))
    (while (and (not (setq done (funcall predicate))) (< (float-time) deadline))
      (accept-process-output nil 0.05)
      (flymake-start))
    done))
(setq eglot-server-programs (list (cons 'js-mode (list stacklint-binary "lsp"))))
(find-file (expand-file-name "template.json" work-dir))
(js-mode)
(apply #'eglot (eglot--guess-contact))
(check "eglot connected to stacklint" (eglot-current-server))
(defun r110 ()
  (seq-find (lambda (d) (string-match-p "Multi-AZ" (flymake-diagnostic-text d)))
            (flymake-diagnostics)))
(check "flymake shows R110" (wait-for #'r110))
(let ((d (r110)))
  (when d
    (check (format "R110 starts at `false` (%s), got %s"
                   (save-excursion (goto-char (point-min)) (search-forward "false") (- (point) 5))
                   (flymake-diagnostic-beg d))
           (= (flymake-diagnostic-beg d)
              (save-excursion (goto-char (point-min)) (search-forward "false") (- (point) 5))))))
(let* ((server (eglot-current-server))
       (actions (jsonrpc-request
                 server :textDocument/codeAction
                 (list :textDocument (eglot--TextDocumentIdentifier)
                       :range (list :start (list :line 4 :character 0)
                                    :end (list :line 4 :character 0))
                       :context (list :diagnostics []))))
       (chosen (seq-find (lambda (a) (equal (plist-get a :title) "Suppress R110 for resource Db"))
                         actions)))
  (check (format "code actions: %s" (mapconcat (lambda (a) (plist-get a :title)) actions "; "))
         chosen)
  (when chosen
    (eglot--apply-workspace-edit (plist-get chosen :edit))
    (check "the edit added the resource's Metadata"
           (save-excursion (goto-char (point-min))
                           (search-forward "\"Metadata\": {\"stacklint\": {\"ignore\": [\"R110\"]" nil t)))
    ;; eglot sends the change from an idle timer, and batch Emacs is never idle: send it as
    ;; that timer would.
    (check "after the edit (an incremental didChange), R110 is gone"
           (wait-for (lambda () (eglot--signal-textDocument/didChange) (not (r110)))))
    (when (r110)
      (push (buffer-string) results)
      (push (format "%S" (mapcar #'flymake-diagnostic-text (flymake-diagnostics))) results))))
(with-temp-file (expand-file-name "results.txt" work-dir)
  (insert (mapconcat #'identity (reverse results) "\n") "\n"))
(set-buffer-modified-p nil)
(ignore-errors (eglot-shutdown (eglot-current-server)))
LISP

status=0
timeout 120 emacs --batch --eval "(setq stacklint-binary \"$stacklint\" work-dir \"$work\")" \
  -l "$work/test.el" >emacs.log 2>&1 || status=$?
cat results.txt 2>/dev/null || { echo "FAIL: Emacs wrote no results (exit $status)"; tail -20 emacs.log; exit 1; }
grep -q '"MultiAZ": false}' template.json || { echo "FAIL: the template changed on disk"; exit 1; }
failures=$(grep -c '^FAIL' results.txt || true)
passes=$(grep -c '^ok' results.txt || true)
echo "$passes passed, $failures failed"
[ "$failures" = 0 ] && [ "$passes" -ge 5 ]

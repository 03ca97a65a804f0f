#!/usr/bin/env bash
# Build the printed book: one PDF of the whole book through Jupyter Book's LaTeX builder (XeLaTeX).
#   usage: scripts/build_pdf.sh <python-venv-dir> [jupyter-book build options, e.g. -W -n --keep-going]
#   JB_PATH_OUTPUT=<dir>: build in <dir>/_build (jupyter-book --path-output) instead of book/_build, e.g.
#   the HTML build's work folder, so that both builds share one execution cache and doctree.
# Result: book/_build/pdf/jzjdgc-quality-report-2025.pdf, also copied into the HTML site (book/_build/html)
# when that exists; its front page links to it. Both are replaced only when the whole build succeeded.
# Fails when jupyter-book or XeLaTeX fails, on any warning under -W, and when XeLaTeX reports a character
# that no font has ("Missing character": the PDF would show nothing or a box in its place).
set -euo pipefail

if [ $# -lt 1 ]; then
  echo "usage: $0 <python-venv-dir> [jupyter-book build options]" >&2
  exit 2
fi
venv=$1
shift
cd "$(dirname "$0")/.."

name=jzjdgc-quality-report-2025
build_dir=${JB_PATH_OUTPUT:-book}/_build
latex_dir=$build_dir/latex
log=$latex_dir/$name.log
pdf_dir=book/_build/pdf
html_dir=book/_build/html
jupyter_book=$venv/bin/jupyter-book

fail() {
  echo "build_pdf: 失败 (FAILED): $*" >&2
  exit 1
}
# Copy a file into place with one rename, so that readers never see half a PDF.
publish() {
  mkdir -p "$(dirname "$2")"
  cp "$1" "$2.new"
  mv -f "$2.new" "$2"
}

[ -x "$jupyter_book" ] || fail "$jupyter_book not found (make setup)"
command -v xelatex >/dev/null || fail "xelatex not found (scripts/install-system-deps.sh pdf)"

start=$SECONDS
# Re-execute the notebooks when the data or the shared code changed (MyST-NB#299).
"$venv/bin/python" -m jzreport.cache_guard "$build_dir"
echo "==> 生成 PDF (building the PDF: LaTeX sources, then XeLaTeX via latexmk)"
# Never mistake the PDF or log of an earlier run for this one's.
rm -f "$latex_dir/$name.pdf" "$log"
# XeLaTeX stops at the first error instead of waiting for an answer on the terminal.
export LATEXOPTS="-interaction=nonstopmode -halt-on-error -file-line-error"
path_output=()
[ -z "${JB_PATH_OUTPUT:-}" ] || path_output=(--path-output "$JB_PATH_OUTPUT")
"$jupyter_book" build book "${path_output[@]}" --builder pdflatex "$@" \
  || fail "jupyter-book build --builder pdflatex (see the messages above, and $log)"
[ -f "$latex_dir/$name.pdf" ] || fail "no PDF was produced ($latex_dir/$name.pdf)"
[ -f "$log" ] || fail "no XeLaTeX log ($log)"

echo "==> 检查字形 (checking the XeLaTeX log for missing glyphs)"
if grep -q "Missing character" "$log"; then
  grep "Missing character" "$log" | sort | uniq -c | sort -rn | head -20 >&2
  fail "characters without a glyph in the fonts (listed above; the fonts are set in book/_latex/jzbook.sty)"
fi
# Not fatal, worth knowing: lines running into the margin, references LaTeX could not resolve.
overfull=$(grep -c "^Overfull \\\\hbox" "$log" || true)
[ "$overfull" -eq 0 ] || echo "build_pdf: note: $overfull overfull line(s), see: grep -n '^Overfull' $log"
! grep -q "There were undefined references" "$log" || echo "build_pdf: warning: undefined references ($log)" >&2

publish "$latex_dir/$name.pdf" "$pdf_dir/$name.pdf"
pages=$(pdfinfo "$pdf_dir/$name.pdf" 2>/dev/null | awk '/^Pages:/ {print $2}' || true)
echo "==> PDF: $pdf_dir/$name.pdf (${pages:-?} 页 pages, $((SECONDS - start)) s)"
if [ -d "$html_dir" ]; then
  publish "$pdf_dir/$name.pdf" "$html_dir/$name.pdf"
  echo "==> 已复制到 HTML 网站 (copied into the HTML site): $html_dir/$name.pdf"
fi

#!/usr/bin/env bash
# Install the Debian packages the book needs (when run as root), or name them and stop.
#   usage: scripts/install-system-deps.sh html|pdf|test
# html: chromium and CJK fonts (static figure images via kaleido; WenQuanYi Micro Hei is the charts' font in
# the PDF, a TrueType font whose text extracts correctly); pdf: + XeLaTeX with Chinese support;
# test: everything, plus iproute2/util-linux (the tests build offline in a network namespace), and Java and
# Node.js for the outside judges of the HTML (the Nu Html Checker runs on Java; it and axe-core come from npm,
# tests/tools/package.json) unless the commands are already there (a Node.js from elsewhere stays as it is).
set -euo pipefail
html=(chromium fonts-noto-cjk fonts-wqy-microhei fonts-dejavu-core)
test=(iproute2 util-linux)
pdf=(texlive-xetex texlive-lang-chinese texlive-latex-extra texlive-fonts-recommended texlive-plain-generic latexmk poppler-utils)
case "${1:-test}" in
  html) wanted=("${html[@]}") ;;
  pdf) wanted=("${html[@]}" "${pdf[@]}") ;;
  test) wanted=("${html[@]}" "${pdf[@]}" "${test[@]}") ;;
  *) echo "usage: $0 html|pdf|test" >&2; exit 2 ;;
esac
missing=()
for package in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ "${1:-test}" = test ]; then
  command -v java >/dev/null || missing+=(default-jre-headless)
  command -v npm >/dev/null || missing+=(nodejs npm)
fi
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "缺少 Debian 软件包 (missing Debian packages): ${missing[*]}" >&2
  echo "请以 root 运行 (run as root): apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
echo "==> 安装 Debian 软件包 (installing Debian packages): ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
dpkg --configure -a  # finish what an interrupted install left unpacked (apt refuses to install until it is done)
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"

#!/usr/bin/env bash
# Prints the path of a Python 3.12+ interpreter, or explains what to install.
# Tries python3.13 and python3.12 on PATH (a pyenv shim that cannot run counts as
# missing), then interpreters that pyenv holds, then plain python3.
set -u
works() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; }
for candidate in python3.13 python3.12; do
  if command -v "$candidate" >/dev/null 2>&1 && works "$candidate"; then
    "$candidate" -c 'import sys; print(sys.executable)'; exit 0
  fi
done
if command -v pyenv >/dev/null 2>&1; then
  for version in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.(1[2-9])' | sort -rV); do
    candidate="$(pyenv root)/versions/$version/bin/python3"
    if works "$candidate"; then echo "$candidate"; exit 0; fi
  done
fi
if command -v python3 >/dev/null 2>&1 && works python3; then
  python3 -c 'import sys; print(sys.executable)'; exit 0
fi
echo "No Python 3.12 or newer found. Install one (e.g. 'apt-get install python3.12'," >&2
echo "'brew install python@3.12', or 'pyenv install 3.12') and run make again." >&2
exit 1

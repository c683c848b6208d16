#!/usr/bin/env bash
# Print the path of a working Python 3.10 interpreter (Rasa 3.6 needs 3.10), or explain what to install.
# The pyenv shim refuses to run unless 3.10 is selected, so real interpreters are tried by path first.
set -u
candidates=()
if command -v pyenv >/dev/null 2>&1; then
  for p in "$(pyenv root)"/versions/3.10.*/bin/python3.10; do candidates+=("$p"); done
fi
for p in "$HOME"/.pyenv/versions/3.10.*/bin/python3.10 /usr/local/bin/python3.10 /usr/bin/python3.10 \
         /opt/homebrew/bin/python3.10 "$(command -v python3.10 2>/dev/null)"; do
  candidates+=("$p")
done
for p in "${candidates[@]}"; do
  [ -n "$p" ] && [ -x "$p" ] || continue
  if "$p" -c 'import sys, venv; assert sys.version_info[:2] == (3, 10)' >/dev/null 2>&1; then
    echo "$p"; exit 0
  fi
done
echo "No working Python 3.10 found: install it (e.g. 'pyenv install 3.10' or your OS package python3.10 with venv)." >&2
exit 1

#!/usr/bin/env bash
# Every C++ file of src/, tests/ and examples/ as .clang-format (clang-format 14) writes it. Prints the files
# that differ and how to fix them; exit 1 if any.
#   scripts/check-format.sh          check
#   scripts/check-format.sh --fix    reformat them in place
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
formatter=$(command -v clang-format-14 || command -v clang-format || true)
if [[ -z $formatter ]]; then
  echo "check-format: clang-format 14 not found (apt-get install clang-format-14)" >&2
  exit 2
fi
mapfile -t files < <(find src tests examples -name '*.cpp' -o -name '*.hpp' | sort)
if [[ ${1:-} == --fix ]]; then
  "$formatter" -i "${files[@]}"
  echo "check-format: reformatted ${#files[@]} files"
  exit 0
fi
differ=()
for f in "${files[@]}"; do
  "$formatter" --dry-run --Werror "$f" >/dev/null 2>&1 || differ+=("$f")
done
if ((${#differ[@]} > 0)); then
  echo "check-format: ${#differ[@]} of ${#files[@]} files differ from .clang-format (scripts/check-format.sh --fix):" >&2
  printf '  %s\n' "${differ[@]}" >&2
  exit 1
fi
echo "check-format: all ${#files[@]} files match .clang-format"

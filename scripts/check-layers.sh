#!/usr/bin/env bash
# The include rules that the build's per-library views (cmake/BerkeleyLayers.cmake) cannot see, because the
# headers live in /usr/include: which folders of src/ may include Boost.Asio, sockets and MPI, and that
# nothing anywhere can set the system clock. Prints every breach with its file and line; exit 1 if any.
#   scripts/check-layers.sh [SRC_DIR]     (default: the src/ next to this script)
set -euo pipefail
src=${1:-$(cd "$(dirname "$0")/.." && pwd)/src}
[[ -d $src ]] || { echo "check-layers: no such folder '$src'" >&2; exit 2; }
cd "$src"
breaches=0

# forbid PATTERN WHAT ALLOWED-FOLDER...: an include matching PATTERN anywhere but in the allowed folders
forbid() {
  local pattern=$1 what=$2
  shift 2
  local hits=() file line allowed folder
  while IFS= read -r line; do
    file=${line%%:*}
    file=${file#./}
    allowed=
    for folder in "$@"; do [[ $file == "$folder"/* ]] && allowed=1; done
    [[ -n $allowed ]] || hits+=("$line")
  done < <(grep -rnE "^[[:space:]]*#[[:space:]]*include[[:space:]]*[<\"]($pattern)" --include='*.hpp' --include='*.cpp' . || true)
  if ((${#hits[@]} > 0)); then
    echo "check-layers: $what may be included only in: $*" >&2
    printf '  %s\n' "${hits[@]}" >&2
    breaches=$((breaches + 1))
  fi
}

forbid 'boost/asio' 'Boost.Asio' transport/tcp
forbid 'sys/socket\.h|netinet/|netdb\.h|sys/epoll\.h' 'sockets' transport/tcp
forbid 'mpi\.h|boost/mpi' 'MPI' transport/mpi bench/mpi apps

# nothing may move the system clock: corrections live in the program's own clock object
if clock_setters=$(grep -rnE '\b(settimeofday|adjtime|adjtimex|clock_settime|clock_adjtime|stime)[[:space:]]*\(' . ); then
  echo "check-layers: a call that sets the system clock:" >&2
  echo "$clock_setters" | sed 's/^/  /' >&2
  breaches=$((breaches + 1))
fi

if ((breaches > 0)); then
  echo "check-layers: $breaches rule(s) broken" >&2
  exit 1
fi
echo "check-layers: every include rule holds in $src"

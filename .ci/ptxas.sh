#!/usr/bin/env bash
# Prints the path of an NVIDIA ptxas (CUDA 11.8, from Debian bookworm's non-free nvidia-cuda-toolkit), fetching it
# once into a cache folder, without a GPU and without changing the machine's apt configuration: it reuses the
# archive address of the machine's own Debian sources, adds the non-free component in a private apt folder,
# downloads the one package and unpacks it (nothing is installed). ptxas 11.8 assembles PTX ISA <= 7.8 for sm_90.
#   usage: ptxas=$(.ci/ptxas.sh) && "$ptxas" -arch=sm_90 -o k.cubin k.ptx
set -euo pipefail
cache=${QSPARSE_PTXAS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/qsparse-ptxas}
bin="$cache/x/usr/bin/ptxas"
if [ ! -x "$bin" ]; then
  uri=$(grep -hE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | grep -v security | head -1)
  [ -n "$uri" ] || uri=$(grep -hE '^deb ' /etc/apt/sources.list 2>/dev/null | awk '{print $2}' | grep -v security | head -1)
  [ -n "$uri" ] || { echo "ptxas.sh: no Debian archive address in the machine's apt sources" >&2; exit 1; }
  mkdir -p "$cache/lists/partial" "$cache/archives/partial"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri bookworm non-free" > "$cache/sources.list"
  o=(-o Dir::Etc::SourceList="$cache/sources.list" -o Dir::Etc::SourceParts=/nonexistent -o Dir::State::Lists="$cache/lists" -o Dir::Cache="$cache")
  apt-get "${o[@]}" -qq update >&2
  (cd "$cache" && apt-get "${o[@]}" -qq download nvidia-cuda-toolkit >&2 && dpkg -x nvidia-cuda-toolkit_*.deb x && rm -f nvidia-cuda-toolkit_*.deb)
fi
[ -x "$bin" ] || { echo "ptxas.sh: ptxas not found in the unpacked package" >&2; exit 1; }
echo "$bin"

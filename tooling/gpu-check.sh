#!/usr/bin/env bash
# The GPU check, for a Linux machine with a GPU that has only this clone, Node 20 and the GPU
# driver: install and build the workspace, find the GPU through Vulkan, time the model zoo on
# webgpu and on wasm, run the MNIST sweep on both, and print one table that compares them
# (tooling/gpu-check-table.mjs). Everything it writes goes into one output folder.
#
#   tooling/gpu-check.sh [--quick] [--out DIR]
#
# The full check needs a hardware adapter; it is sized to finish in under 10 minutes on a
# 16-core machine with an H100 (docs/gpu.md gives the estimate and its basis). --quick is small
# enough for a software adapter (Mesa's lavapipe) in a few minutes, and only --quick accepts
# one: its numbers check that everything runs end to end, not how fast a GPU is.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
quick=0
out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --out) out=${2:?--out needs a folder}; shift ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "gpu-check: unknown argument $1 (expected --quick, --out DIR)" >&2; exit 2 ;;
  esac
  shift
done
mode=$([ "$quick" = 1 ] && echo quick || echo full)
out=${out:-runs/gpu-check-$mode-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$out"
out=$(cd "$out" && pwd)
started=$SECONDS
say() { printf '[%4d s] %s\n' $((SECONDS - started)) "$*"; }
# A step's output goes to its log (stdout to a second file if named: `step LOG [--stdout FILE] command…`);
# on failure the log's tail is shown and the check stops.
step() {
  local log=$1 stdout=""; shift
  if [ "$1" = --stdout ]; then stdout=$out/$2; shift 2; fi
  local ok=1
  # One file for both streams unless stdout has its own: never two writers of one file.
  if [ -n "$stdout" ]; then "$@" >"$stdout" 2>>"$out/$log" || ok=0; else "$@" >>"$out/$log" 2>&1 || ok=0; fi
  if [ "$ok" = 0 ]; then
    say "failed: $* (last lines of $out/$log:)"
    tail -n 15 "$out/$log"
    exit 1
  fi
}
say "GPU check ($mode), output in $out"

# The webgpu package is an ES module, which require() loads from Node 20.19 and 22.12 on.
if ! node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit((a === 20 && b >= 19) || (a === 22 && b >= 12) || a >= 23 ? 0 : 1)' 2>/dev/null; then
  say "Node.js 20.19+ or 22.12+ is needed for the webgpu package (found: $(node --version 2>/dev/null || echo none))"
  exit 1
fi

# Dawn's Vulkan loader (and Mesa's drivers) want a private runtime folder; a bare container has none.
if [ -z "${XDG_RUNTIME_DIR:-}" ]; then
  export XDG_RUNTIME_DIR="$out/xdg-runtime"
  mkdir -p -m 700 "$XDG_RUNTIME_DIR"
fi

say "install: npx -y pnpm@9 install --frozen-lockfile"
step install.log npx -y pnpm@9 install --frozen-lockfile
say "build: the CLI and the packages it uses"
step build.log npx -y pnpm@9 exec turbo run build --filter=@encoderless/cli... --output-logs=errors-only

# What Vulkan can see: the loader, the driver files (ICDs) and the GPU's driver, so that a
# missing adapter can be told apart from a missing loader or a container without the driver's
# Vulkan part.
say "Vulkan:"
loader=$(ldconfig -p 2>/dev/null | grep -m1 'libvulkan\.so\.1 ' | sed 's/.*=> //' || true)
echo "  loader libvulkan.so.1: ${loader:-absent (Debian/Ubuntu: apt-get install -y libvulkan1)}"
for var in VK_DRIVER_FILES VK_ICD_FILENAMES VK_ADD_DRIVER_FILES; do
  if [ -n "${!var:-}" ]; then echo "  $var=${!var}"; fi
done
icds=$(ls /usr/share/vulkan/icd.d/*.json /etc/vulkan/icd.d/*.json /usr/local/share/vulkan/icd.d/*.json 2>/dev/null || true)
for icd in $icds; do
  echo "  ICD $icd -> $(grep -o '"library_path"[^,}]*' "$icd" | sed 's/.*: *//')"
done
[ -n "$icds" ] || echo "  no ICD files in /usr/share/vulkan/icd.d, /etc/vulkan/icd.d or /usr/local/share/vulkan/icd.d"
if command -v nvidia-smi >/dev/null 2>&1; then
  echo "  nvidia-smi: $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>&1 | head -n 1)"
  # NVIDIA's Vulkan driver lives in libGLX_nvidia.so.0. The container toolkit mounts it only with
  # the graphics capability, and some images carry the library without its ICD file: then one is
  # written into the output folder and named by VK_DRIVER_FILES (VK_ICD_FILENAMES for older loaders).
  nvidia_icd=$([ -n "$icds" ] && grep -l 'nvidia' $icds 2>/dev/null || true)
  if [ -z "$nvidia_icd" ] && [ -z "${VK_DRIVER_FILES:-}${VK_ICD_FILENAMES:-}" ]; then
    glx=$(ldconfig -p 2>/dev/null | grep -m1 'libGLX_nvidia\.so\.0 ' | sed 's/.*=> //' || true)
    if [ -n "$glx" ]; then
      printf '{"file_format_version": "1.0.0", "ICD": {"library_path": "%s", "api_version": "1.3.0"}}\n' "$glx" >"$out/nvidia_icd.json"
      export VK_DRIVER_FILES="$out/nvidia_icd.json" VK_ICD_FILENAMES="$out/nvidia_icd.json"
      echo "  no NVIDIA ICD file, but the driver's $glx is here: using $out/nvidia_icd.json (VK_DRIVER_FILES)"
    else
      echo "  no NVIDIA ICD file and no libGLX_nvidia.so.0: in a container, start it with NVIDIA_DRIVER_CAPABILITIES=all" \
        "(or one that includes graphics), or point VK_DRIVER_FILES at the driver's nvidia_icd.json"
    fi
  fi
fi

# The adapter as useBackend('webgpu') finds it: one line, or the one-line reason it found none.
probe=$(cd apps/repro && node -e "
  const {useBackend, describeBackend} = require('@encoderless/backends');
  useBackend('webgpu').then(
    (info) => { console.log((info.adapter.software ? 'software ' : 'hardware ') + describeBackend(info)); process.exit(0); },
    (err) => { console.log('none ' + err.message.split('\n')[0]); process.exit(0); });
" 2>"$out/adapter.log" || echo "none the probe crashed: $(tail -n 1 "$out/adapter.log")")
kind=${probe%% *}
say "adapter: ${probe#* }"
if [ "$kind" = none ]; then
  say "no GPU adapter for webgpu: see the Vulkan lines above and docs/gpu.md"
  exit 1
fi
if [ "$kind" = software ] && [ "$quick" = 0 ]; then
  say "only a software adapter: the GPU's Vulkan driver is not visible (see the lines above and docs/gpu.md); only --quick runs on one"
  exit 1
fi

cli() { node apps/repro/dist/cli.js "$@"; }
# 1000 dispatches per submit is more than any zoo step records (cifar-4x4's autoencoder: 449), so
# each step then submits once, at its read; tfjs's 15 submits along the way.
submit=(--webgpu-submit-batch 15,1000)
if [ "$quick" = 1 ]; then
  # Two small models and short budgets: on lavapipe the conv nets cannot finish a timed run, and
  # mnist's steps end as "timed out" with the reason, which is part of what --quick checks.
  bench=(--models mnist,sparse --runs 2 --batches 2)
  bench_gpu=(--cpu-budget 30)
  bench_wasm=(--budget 20)
  # Two tiny N, 2 epochs, 32 test images of at most 10 steps: every stage of the sweep on both backends.
  sweep=(--quick --sizes 64,128 --epochs 2 --test-samples 32 --inference-max-steps 10)
  wasm_sweep=()
else
  # Every zoo model and step, 3 timed runs of 2 batches. A step gets a third of its (backend,
  # model) budget, and its untimed warm-up a quarter of what is left after its warm batches: on
  # the GPU 18 s, 6 s a step, room for a first batch that compiles every pipeline (seconds on a
  # cold shader cache) and then about 1 s of warm-up; wasm 30 s, so that a step whose batch
  # takes up to about 1.5 s (its cifar-1x1 autoencoder) still fits a run.
  bench=(--models mnist,cifar-1x1,cifar-4x4,sparse --runs 3 --batches 2)
  bench_gpu=(--budget 18)
  bench_wasm=(--budget 30)
  # The sweep asked for (N = 500 and 2,000, 30 epochs) on 250 of the 10,000 test images: the
  # test rows are fitted one thread per job, and 250 keeps that under a minute on wasm.
  sweep=(--sizes 500,2000 --epochs 30 --test-samples 250)
  # wasm: its four jobs side by side, each batch split over a quarter of the cores (4 on 16).
  # webgpu: threads 1, since a GPU runs the whole batch. docs/gpu.md has the time estimate.
  cores=$(nproc)
  wasm_sweep=(--jobs 4 --threads $((cores >= 16 ? 4 : cores >= 8 ? 2 : 1)))
fi

say "bench: webgpu (${bench[*]} ${bench_gpu[*]} ${submit[*]})"
step bench-webgpu.log --stdout bench-webgpu.md cli bench --backends webgpu --threads 1 "${bench[@]}" "${bench_gpu[@]}" "${submit[@]}" \
  --out "$out/bench-webgpu.json"
say "bench: wasm, one thread (${bench[*]} ${bench_wasm[*]})"
step bench-wasm.log --stdout bench-wasm.md cli bench --backends wasm --threads 1 "${bench[@]}" "${bench_wasm[@]}" --out "$out/bench-wasm.json"
say "mnist sweep on webgpu (${sweep[*]})"
step mnist-webgpu.log cli mnist --scenario sweep "${sweep[@]}" --backend webgpu --jobs 4 --out "$out/mnist-webgpu" --overwrite
say "mnist sweep on wasm (${sweep[*]}${wasm_sweep[*]+ ${wasm_sweep[*]}})"
step mnist-wasm.log cli mnist --scenario sweep "${sweep[@]}" ${wasm_sweep[@]+"${wasm_sweep[@]}"} --backend wasm --out "$out/mnist-wasm" --overwrite
say "done; the table (also in $out/summary.md):"
echo
node tooling/gpu-check-table.mjs "$out"

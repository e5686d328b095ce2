#!/usr/bin/env bash
# One sweep as a SLURM job array: task K runs slice K of N into a shared folder.
#   jobid=$(sbatch --parsable docs/slurm/encoderless-sweep.sh)
#   sbatch --dependency=afterany:$jobid --wrap "npx -y pnpm@9 encoderless report --out $PWD/runs/mnist"
# Run from a checkout on a file system every node sees (the runs folder must be shared too).
#SBATCH --job-name=encoderless-mnist
#SBATCH --array=1-8
#SBATCH --cpus-per-task=4
#SBATCH --mem=6G
#SBATCH --time=2-00:00:00
#SBATCH --output=logs/encoderless-mnist-%A_%a.log
# GPU route: --gres=gpu:1 here, the Vulkan loader and driver on the node (docs/gpu.md), and --backend webgpu below.
set -euo pipefail

# Same flags in every task; only --shard differs. A task that fails can be resubmitted alone
# (sbatch --array=K ...): its finished points are kept, the others' are not touched.
exec npx -y pnpm@9 encoderless mnist \
  --shard "${SLURM_ARRAY_TASK_ID}/${SLURM_ARRAY_TASK_COUNT}" \
  --out "${SLURM_SUBMIT_DIR}/runs/mnist" \
  --backend wasm \
  --jobs "${SLURM_CPUS_PER_TASK}"

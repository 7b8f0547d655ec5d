#!/usr/bin/env bash
#SBATCH --job-name=berkeley_mpi
#SBATCH --ntasks=4
#SBATCH --time=00:05:00
#SBATCH --output=%x-%j.out
#
# One Berkeley clock synchronization as a Slurm batch job. Submit from the repository root:
#
#   sbatch jobs/slurm.sh                          # 4 ranks, ./build/berkeley_mpi, report berkeley-<jobid>.json
#   sbatch --ntasks=8 jobs/slurm.sh --rounds 3    # options after the script go to berkeley_mpi
#   BERKELEY_LAUNCHER=mpirun sbatch jobs/slurm.sh
#
# Environment (sbatch passes the submitting shell's environment to the job):
#   BERKELEY_BIN                 the program; relative paths are from the submit directory
#                                (default ./build/berkeley_mpi)
#   BERKELEY_REPORT_DIR          where berkeley-<jobid>.json goes (default: the submit directory)
#   BERKELEY_LAUNCHER            srun (default) or mpirun
#   BERKELEY_SRUN_MPI            srun's --mpi plugin: pmix (default, Open MPI) or pmi2 (MPICH)
#   BERKELEY_REQUIRE_PRECISION   passed as --require-precision (default 5ms) when the program knows that option
#
# Exit status: berkeley_mpi's own (2 bad command line, 3 report not writable, 4 precision not met, 1 internal),
# or 1 when it claims success but left no report.
#
# Adapting it to your cluster — add lines like these next to the ones above (a `#SBATCH` line counts only
# before the first command):
#   #SBATCH --partition=compute          the partition (queue) to run in; `sinfo -s` lists them
#   #SBATCH --account=myproject          the account your site bills to, if it asks for one
#   #SBATCH --nodes=2                    spread the ranks over machines, so the clocks really differ
#   #SBATCH --ntasks-per-node=2          ranks per machine (with --nodes, instead of --ntasks)
# and load the MPI the program was built with where marked below (`module load openmpi`, or a Spack env).
set -euo pipefail

: "${SLURM_JOB_ID:?not inside a Slurm job: submit this with sbatch jobs/slurm.sh}"
submit_dir="${SLURM_SUBMIT_DIR:-${PWD}}"

# Site setup goes here, e.g.:
#   module purge && module load gcc openmpi boost

bin="${BERKELEY_BIN:-./build/berkeley_mpi}"
[[ "${bin}" == /* ]] || bin="${submit_dir}/${bin#./}"
if [[ ! -x "${bin}" ]]; then
  echo "berkeley_mpi job: '${bin}' is not an executable; build it first or set BERKELEY_BIN" >&2
  exit 1
fi

report_dir="${BERKELEY_REPORT_DIR:-${submit_dir}}"
mkdir -p -- "${report_dir}"
report="${report_dir}/berkeley-${SLURM_JOB_ID}.json"
rm -f -- "${report}"

# Open MPI busy-polls whenever the slots come from Slurm, even with more ranks than cores: berkeley_mpi
# sees its node's task count (SLURM_STEP_TASKS_PER_NODE) and asks it to yield only there. Export
# OMPI_MCA_mpi_yield_when_idle yourself to decide otherwise.
if [[ ${EUID} -eq 0 ]]; then
  # Open MPI refuses to run as root without both (containers, test machines)
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi

args=(--json "${report}")
# --require-precision is new: pass it only to a program that has it (--help runs as an MPI singleton, bounded;
# if it cannot run outside the launcher on some site, the option is simply not passed).
help_text="$(timeout 30 "${bin}" --help 2>/dev/null || true)"
if [[ "${help_text}" == *--require-precision* ]]; then
  args+=(--require-precision "${BERKELEY_REQUIRE_PRECISION:-5ms}")
fi
args+=("$@")

launcher="${BERKELEY_LAUNCHER:-srun}"
echo "berkeley_mpi job ${SLURM_JOB_ID}: ${SLURM_NTASKS:-?} tasks on ${SLURM_JOB_NODELIST:-?} via ${launcher}"
echo "berkeley_mpi job: ${bin} ${args[*]}"

status=0
case "${launcher}" in
  srun)
    # srun by default: Slurm itself places and binds the ranks (the allocation is the truth about where they
    # run). Open MPI started by srun needs the PMIx plugin (--mpi=pmi2 and none fail); MPICH wants --mpi=pmi2.
    srun --mpi="${BERKELEY_SRUN_MPI:-pmix}" "${bin}" "${args[@]}" || status=$?
    ;;
  mpirun)
    # mpirun inside the allocation reads the node list and task count from Slurm and starts its daemons
    # with srun; use it where srun's PMIx support is missing. Without SLURM_NTASKS: one rank per slot.
    np=()
    [[ -z "${SLURM_NTASKS:-}" ]] || np=(-np "${SLURM_NTASKS}")
    mpirun "${np[@]}" "${bin}" "${args[@]}" || status=$?
    ;;
  *)
    echo "berkeley_mpi job: BERKELEY_LAUNCHER must be srun or mpirun, not '${launcher}'" >&2
    exit 2
    ;;
esac

if ((status != 0)); then
  echo "berkeley_mpi job: berkeley_mpi failed with exit status ${status}" >&2
  exit "${status}"
fi
# A launcher can report success for a run that did nothing: the report is the proof of work.
if [[ ! -s "${report}" ]]; then
  echo "berkeley_mpi job: no report at ${report} (missing or empty) although the run returned 0" >&2
  exit 1
fi
echo "berkeley_mpi job: report ${report}"

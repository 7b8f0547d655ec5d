#!/usr/bin/env bash
# scripts/install-slurm.sh — install what scripts/slurm-local.sh and the `slurm` tests need on Debian 12
# (about 4 s with --no-install-recommends). Does nothing when every package is already installed.
#
#   slurmctld slurmd slurm-client munge   the controller, the node daemon, sbatch/srun/sinfo/scontrol, auth
#   libpmix-dev                           srun --mpi=pmix dlopens .../pmix2/lib/libpmix.so, the unversioned
#                                         name, which only the -dev package ships (libopenmpi-dev pulls it in
#                                         too; listed so the Slurm part does not depend on that)
# Open MPI itself (openmpi-bin libopenmpi-dev) belongs to the build dependencies, not here.
set -euo pipefail

source "$(dirname "$0")/lib.sh"
install_packages slurmctld slurmd slurm-client munge libpmix-dev

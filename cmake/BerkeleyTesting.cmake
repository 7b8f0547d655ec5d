# Test registration helpers. Every test gets LABELS and a TIMEOUT; every MPI test also PROCESSORS and the
# environment Open MPI needs as root and beyond the core count (MPICH ignores OMPI_* variables).

include(GoogleTest)

set(BERKELEY_MPI_TEST_ENVIRONMENT
    OMPI_ALLOW_RUN_AS_ROOT=1
    OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
    OMPI_MCA_rmaps_base_oversubscribe=1)
# No OMPI_MCA_mpi_yield_when_idle: every MPI program here (the test main included) chooses it before MPI_Init
# from its placement, as a user's run does (src/transport/mpi/progress_waiting.hpp).

# The mpiexec command line for N ranks, as a list, ready to prefix an executable.
function(berkeley_mpiexec_command out_var ranks)
  set(${out_var} ${MPIEXEC_EXECUTABLE} ${MPIEXEC_NUMPROC_FLAG} ${ranks} ${MPIEXEC_PREFLAGS} PARENT_SCOPE)
endfunction()

# berkeley_add_unit_test(NAME SOURCES ... LIBRARIES ... [LABEL unit] [TIMEOUT 60]): a plain GoogleTest binary,
# one ctest per test case, with one label (the suite it belongs to: unit, tcp, sim).
function(berkeley_add_unit_test name)
  cmake_parse_arguments(ARG "" "LABEL;TIMEOUT" "SOURCES;LIBRARIES" ${ARGN})
  if(NOT ARG_LABEL)
    set(ARG_LABEL unit)
  endif()
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 60)
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBRARIES} GTest::gtest_main)
  berkeley_warnings(${name})
  gtest_discover_tests(${name} PROPERTIES LABELS ${ARG_LABEL} TIMEOUT ${ARG_TIMEOUT})
endfunction()

# berkeley_add_mpi_test(NAME SOURCES ... LIBRARIES ... RANKS 1 2 3 4 7 [TIMEOUT s] [LABELS ...]):
# one binary with the MPI gtest main, registered once per rank count as NAME.Nranks.
function(berkeley_add_mpi_test name)
  cmake_parse_arguments(ARG "" "TIMEOUT" "SOURCES;LIBRARIES;RANKS;LABELS" ${ARGN})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 120)
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBRARIES} berkeley_mpi_gtest_main)
  berkeley_warnings(${name})
  foreach(ranks IN LISTS ARG_RANKS)
    berkeley_mpiexec_command(launch ${ranks})
    add_test(NAME ${name}.${ranks}ranks COMMAND ${launch} $<TARGET_FILE:${name}> ${MPIEXEC_POSTFLAGS})
    set_tests_properties(${name}.${ranks}ranks PROPERTIES
      LABELS "mpi;${ARG_LABELS}" TIMEOUT ${ARG_TIMEOUT} PROCESSORS ${ranks}
      ENVIRONMENT "${BERKELEY_MPI_TEST_ENVIRONMENT}")
  endforeach()
endfunction()

# berkeley_add_script_test(NAME COMMAND ... LABELS ... [TIMEOUT s] [PROCESSORS n]): a test driven by a script
# (e.g. one that launches a program under mpiexec and checks its report).
function(berkeley_add_script_test name)
  cmake_parse_arguments(ARG "" "TIMEOUT;PROCESSORS" "COMMAND;LABELS" ${ARGN})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 120)
  endif()
  if(NOT ARG_PROCESSORS)
    set(ARG_PROCESSORS 1)
  endif()
  add_test(NAME ${name} COMMAND ${ARG_COMMAND})
  set_tests_properties(${name} PROPERTIES LABELS "${ARG_LABELS}" TIMEOUT ${ARG_TIMEOUT} PROCESSORS ${ARG_PROCESSORS}
    ENVIRONMENT "${BERKELEY_MPI_TEST_ENVIRONMENT}")
endfunction()

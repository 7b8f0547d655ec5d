# `cmake --install build --prefix P`: the library for other projects. One target to link,
# berkeley_mpi::berkeley_mpi (synchronize the ranks of a communicator; the clocks; the offsets file and
# ClockMapping::to_global for traces), found with find_package(berkeley_mpi). Only the public headers are
# installed: the API headers below and the headers they include (found here by following their #include
# lines, so the list cannot go stale), under P/include/berkeley_mpi/. tests/install builds a consumer
# against a fresh prefix. The TCP transport and the programs' internals are not installed.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

# what a program that links berkeley_mpi::berkeley_mpi includes (paths relative to src/)
set(berkeley_api_headers
  berkeley_mpi.hpp
  transport/mpi/synchronize.hpp
  transport/mpi/wtime_clock.hpp
  transport/mpi/progress_waiting.hpp
  transport/mpi/instant_probe.hpp
  transport/mpi/audit.hpp
  clock/corrected_clock.hpp
  clock/monotonic_clock.hpp
  clock/shared_instant.hpp
  clock/simulated_clock.hpp
  clock/clock_mapping.hpp
  report/offsets_file.hpp
  core/version.hpp)

# the headers `roots` include, transitively, among the project's own (quoted includes)
function(berkeley_header_closure out)
  set(pending ${ARGN})
  set(found "")
  while(pending)
    list(POP_FRONT pending header)
    if(header IN_LIST found)
      continue()
    endif()
    if(NOT EXISTS ${PROJECT_SOURCE_DIR}/src/${header})
      message(FATAL_ERROR "public header ${header} includes a header that is not in src/")
    endif()
    list(APPEND found ${header})
    file(STRINGS ${PROJECT_SOURCE_DIR}/src/${header} includes REGEX "^#include \"")
    foreach(line IN LISTS includes)
      string(REGEX REPLACE "^#include \"([^\"]+)\".*" "\\1" included "${line}")
      list(APPEND pending ${included})
    endforeach()
  endwhile()
  list(SORT found)
  set(${out} ${found} PARENT_SCOPE)
endfunction()

berkeley_header_closure(berkeley_public_headers ${berkeley_api_headers})
foreach(header IN LISTS berkeley_public_headers)
  get_filename_component(folder ${header} DIRECTORY)
  install(FILES ${PROJECT_SOURCE_DIR}/src/${header}
          DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/berkeley_mpi/${folder} COMPONENT development)
endforeach()

# the one target a consumer links
add_library(berkeley_mpi_library INTERFACE)
target_link_libraries(berkeley_mpi_library INTERFACE berkeley_mpi_transport)
target_include_directories(berkeley_mpi_library INTERFACE $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}/berkeley_mpi>)
set_target_properties(berkeley_mpi_library PROPERTIES EXPORT_NAME berkeley_mpi)
set_target_properties(berkeley_core PROPERTIES EXPORT_NAME core)
set_target_properties(berkeley_clock PROPERTIES EXPORT_NAME clock)
set_target_properties(berkeley_sync PROPERTIES EXPORT_NAME sync)
set_target_properties(berkeley_report PROPERTIES EXPORT_NAME report)
set_target_properties(berkeley_mpi_transport PROPERTIES EXPORT_NAME mpi)
install(TARGETS berkeley_mpi_library berkeley_core berkeley_clock berkeley_sync berkeley_report berkeley_mpi_transport
        EXPORT berkeley_mpi_targets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT development
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT development
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/berkeley_mpi)
set(berkeley_package_dir ${CMAKE_INSTALL_LIBDIR}/cmake/berkeley_mpi)
install(EXPORT berkeley_mpi_targets NAMESPACE berkeley_mpi:: DESTINATION ${berkeley_package_dir}
        COMPONENT development)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/berkeley_mpiConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/berkeley_mpiConfig.cmake INSTALL_DESTINATION ${berkeley_package_dir})
# 0.x: a new minor version may change the API
write_basic_package_version_file(${PROJECT_BINARY_DIR}/berkeley_mpiConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/berkeley_mpiConfig.cmake ${PROJECT_BINARY_DIR}/berkeley_mpiConfigVersion.cmake
        DESTINATION ${berkeley_package_dir} COMPONENT development)
# the programs, for a prefix that is also a place to run them from
install(TARGETS berkeley_mpi RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT programs)
if(TARGET berkeley_master)
  install(TARGETS berkeley_master berkeley_client RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT programs)
endif()
install(PROGRAMS ${PROJECT_SOURCE_DIR}/scripts/correct_trace.py ${PROJECT_SOURCE_DIR}/scripts/plot_report.py
        DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT programs)
install(FILES ${PROJECT_SOURCE_DIR}/scripts/plot_common.py DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT programs)

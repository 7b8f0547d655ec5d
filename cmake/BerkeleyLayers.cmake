# The layers of src/ as include rules the build enforces. Each library's public include directory is a view of
# src/ (symbolic links in the build tree) that holds only its own folders, so a file of the library, or of
# anything that links it, finds "core/x.hpp" only where it links berkeley::core: a library that includes a
# layer it does not link fails to build ("fatal error: transport/mpi/x.hpp: No such file or directory").
# Boost.MPI needs mpi.h, which only MPI::MPI_CXX puts on the include path; Boost.Asio is in /usr/include, so
# scripts/check-layers.sh (the `check` target, and a ctest) guards that one.
#
# berkeley_layer(TARGET FOLDER...): FOLDERs are relative to src/ (e.g. core, transport/mpi)
function(berkeley_layer target)
  set(view ${PROJECT_BINARY_DIR}/layers/${target})
  foreach(folder IN LISTS ARGN)
    set(link ${view}/${folder})
    # a link on the way (the folder itself, or one a former layout linked higher up) is removed, never
    # followed: what it points to is the source tree
    set(path ${view})
    string(REPLACE "/" ";" parts ${folder})
    foreach(part IN LISTS parts)
      set(path ${path}/${part})
      if(IS_SYMLINK ${path})
        file(REMOVE ${path})
      endif()
    endforeach()
    get_filename_component(parent ${link} DIRECTORY)
    file(MAKE_DIRECTORY ${parent})
    file(CREATE_LINK ${PROJECT_SOURCE_DIR}/src/${folder} ${link} SYMBOLIC)
  endforeach()
  # installed, every library's headers are under one folder instead (cmake/BerkeleyInstall.cmake)
  target_include_directories(${target} PUBLIC $<BUILD_INTERFACE:${view}> $<INSTALL_INTERFACE:include/berkeley_mpi>)
endfunction()

# berkeley_warnings(target): the project's warning set, and the sanitizers when BERKELEY_SANITIZE is on (or
# BERKELEY_FUZZ: the sanitizers and libFuzzer's coverage). Every library and executable of the project calls it,
# so that all of the project's code is sanitized.

if(BERKELEY_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "BERKELEY_FUZZ needs clang (-fsanitize=fuzzer): configure with CXX=clang++-14 "
                        "(Debian: clang-14 libclang-rt-14-dev), or run scripts/fuzz.sh")
  endif()
  if(BERKELEY_SANITIZE)
    message(FATAL_ERROR "BERKELEY_FUZZ already builds with ASan + UBSan: leave BERKELEY_SANITIZE off")
  endif()
endif()

if(BERKELEY_SANITIZE)
  # the sanitizers' runtime options, compiled into each executable (see the file for what they do and why)
  set(BERKELEY_LSAN_SUPPRESSIONS ${CMAKE_CURRENT_LIST_DIR}/../tests/sanitizers/lsan.supp)
  cmake_path(NORMAL_PATH BERKELEY_LSAN_SUPPRESSIONS)
  set(BERKELEY_SANITIZER_OPTIONS_SOURCE ${PROJECT_BINARY_DIR}/sanitizer_options.cpp)
  configure_file(${CMAKE_CURRENT_LIST_DIR}/../tests/sanitizers/sanitizer_options.cpp.in
                 ${BERKELEY_SANITIZER_OPTIONS_SOURCE} @ONLY)
endif()

function(berkeley_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion)
  if(BERKELEY_FUZZ)
    # fuzzer-no-link: the coverage libFuzzer steers by, in every library; the fuzz targets link the fuzzer
    # itself (tests/fuzz/CMakeLists.txt). Undefined behaviour stops the run: the fuzzer reports it as a crash.
    target_compile_options(${target} PRIVATE -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
                                             -fno-omit-frame-pointer)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  elseif(BERKELEY_SANITIZE)
    # -fno-sanitize-recover=all: undefined behaviour stops the program (exit code != 0) instead of a warning
    # the tests could pass over. Runtime options: tests/sanitizers/sanitizer_options.cpp.in, added to executables.
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-sanitize-recover=all
                                             -fno-omit-frame-pointer)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
    get_target_property(type ${target} TYPE)
    if(type STREQUAL "EXECUTABLE")
      target_sources(${target} PRIVATE ${BERKELEY_SANITIZER_OPTIONS_SOURCE})
    endif()
  endif()
endfunction()

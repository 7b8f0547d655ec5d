# The TCP transport (issue 4): berkeley_master, berkeley_client and the load benchmark, on the same core,
# clock, sync and report libraries as berkeley_mpi. Included at the end of src/CMakeLists.txt.
option(BERKELEY_WITH_TCP "Build the TCP transport: berkeley_master, berkeley_client, berkeley_tcp_bench" ON)
if(NOT BERKELEY_WITH_TCP)
  return()
endif()

find_package(Threads REQUIRED)
# libsodium (Debian: libsodium-dev): the MACs of authenticated sessions (transport/tcp/auth_framing)
find_package(PkgConfig REQUIRED)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)


# Everything of the TCP transport that needs no socket (unit-testable): framing, messages, the client's session
# logic, the bound the master states.
add_library(berkeley_tcp_protocol
  transport/tcp/line_decoder.cpp
  transport/tcp/message_codec.cpp
  transport/tcp/client_session.cpp
  transport/tcp/stated_bound.cpp
  transport/tcp/key_file.cpp
  transport/tcp/auth_framing.cpp
  transport/tcp/line_guard.cpp)
add_library(berkeley::tcp_protocol ALIAS berkeley_tcp_protocol)
target_link_libraries(berkeley_tcp_protocol PUBLIC berkeley::clock berkeley::report berkeley::sync
                                            PRIVATE PkgConfig::SODIUM)
berkeley_layer(berkeley_tcp_protocol transport/tcp)
berkeley_warnings(berkeley_tcp_protocol)

# The only library that includes Boost.Asio.
add_library(berkeley_tcp
  transport/tcp/io_driver.cpp
  transport/tcp/connection.cpp
  transport/tcp/lobby.cpp
  transport/tcp/tcp_group_channel.cpp
  transport/tcp/shared_instant_probe.cpp
  transport/tcp/master.cpp
  transport/tcp/tcp_guests.cpp
  transport/tcp/client_link.cpp
  transport/tcp/client.cpp
  transport/tcp/load_clients.cpp
  transport/tcp/fd_limit.cpp)
add_library(berkeley::tcp ALIAS berkeley_tcp)
target_link_libraries(berkeley_tcp
  PUBLIC berkeley::tcp_protocol berkeley::sync berkeley::clock berkeley::report Boost::headers Threads::Threads)
berkeley_warnings(berkeley_tcp)

add_library(berkeley_tcp_cli
  cli/tcp_master_options.cpp
  cli/tcp_client_options.cpp)
add_library(berkeley::tcp_cli ALIAS berkeley_tcp_cli)
target_link_libraries(berkeley_tcp_cli PUBLIC berkeley::cli berkeley::tcp_protocol PRIVATE Boost::program_options)
berkeley_warnings(berkeley_tcp_cli)

add_executable(berkeley_master apps/berkeley_master.cpp)
target_link_libraries(berkeley_master PRIVATE berkeley::tcp berkeley::tcp_cli)
berkeley_warnings(berkeley_master)

add_executable(berkeley_client apps/berkeley_client.cpp)
target_link_libraries(berkeley_client PRIVATE berkeley::tcp berkeley::tcp_cli)
berkeley_warnings(berkeley_client)

# Not a test: one berkeley_master against 10, 100, 1000 connections held by this process.
# The benchmark's logic (src/bench/tcp): options, the master as a child process, the runs and the table.
add_library(berkeley_tcp_bench_lib
  bench/tcp/tcp_bench_options.cpp
  bench/tcp/master_process.cpp
  bench/tcp/tcp_bench_run.cpp)
target_link_libraries(berkeley_tcp_bench_lib
  PUBLIC berkeley::tcp berkeley::cli
  PRIVATE Boost::program_options nlohmann_json::nlohmann_json)
berkeley_layer(berkeley_tcp_bench_lib bench/tcp)
berkeley_warnings(berkeley_tcp_bench_lib)

add_executable(berkeley_tcp_bench apps/berkeley_tcp_bench.cpp)
target_link_libraries(berkeley_tcp_bench PRIVATE berkeley_tcp_bench_lib)
berkeley_warnings(berkeley_tcp_bench)

# berkeley_mpi --serve-tcp: rank 0 admits TCP clients into the MPI group (transport/tcp/tcp_guests)
target_link_libraries(berkeley_mpi PRIVATE berkeley::tcp)
target_compile_definitions(berkeley_mpi PRIVATE BERKELEY_WITH_TCP=1)

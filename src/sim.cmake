# The simulated transport (issue 5, "Scale by simulation"): p participants in one process, on the same
# ping-pong, tree and Berkeley-step code as MPI and TCP; and the benchmark over it. Included at the end
# of src/CMakeLists.txt.

# No MPI, no sockets, no threads: the network model, a GroupChannel over it, the rounds and the truth.
add_library(berkeley_sim
  transport/sim/network_model.cpp
  transport/sim/sim_network.cpp
  transport/sim/sim_group_channel.cpp
  transport/sim/correction_delivery.cpp
  transport/sim/sim_truth.cpp
  transport/sim/group_round.cpp
  transport/sim/flat_sync.cpp
  transport/sim/tree_sync.cpp
  transport/sim/sim_sync.cpp)
add_library(berkeley::sim ALIAS berkeley_sim)
target_link_libraries(berkeley_sim PUBLIC berkeley::clock berkeley::sync)
berkeley_layer(berkeley_sim transport/sim)
berkeley_warnings(berkeley_sim)

# The benchmark's logic: options, the runs over p and methods, the table and JSON.
add_library(berkeley_sim_bench_lib
  bench/sim/bench_options.cpp
  bench/sim/bench_runner.cpp
  bench/sim/bench_report.cpp)
add_library(berkeley::sim_bench ALIAS berkeley_sim_bench_lib)
berkeley_layer(berkeley_sim_bench_lib bench/sim)
target_link_libraries(berkeley_sim_bench_lib
  PUBLIC berkeley::sim berkeley::cli
  PRIVATE Boost::program_options nlohmann_json::nlohmann_json)
berkeley_warnings(berkeley_sim_bench_lib)

add_executable(berkeley_sim_bench apps/berkeley_sim_bench.cpp)
target_link_libraries(berkeley_sim_bench PRIVATE berkeley::sim_bench berkeley::report)
berkeley_warnings(berkeley_sim_bench)

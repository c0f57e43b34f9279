# dvm_state: the state layer (LMDB store, journaled overlay, lattice hash,
# block commit). Private header: state.h. Spec: spec/state.md.
add_library(dvm_state STATIC
  ${CMAKE_CURRENT_SOURCE_DIR}/lthash.c
  ${CMAKE_CURRENT_SOURCE_DIR}/overlay.c
  ${CMAKE_CURRENT_SOURCE_DIR}/store.c
  ${CMAKE_CURRENT_SOURCE_DIR}/state_commit.c)
target_include_directories(dvm_state PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(dvm_state PUBLIC PkgConfig::SODIUM PkgConfig::LMDB PkgConfig::XXHASH Threads::Threads)

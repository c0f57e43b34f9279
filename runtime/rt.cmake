# dvm_rt: the supervisor proper (syscalls, call frames, accounts, blocks,
# the libdvm API), on the state layer, the codecs and fixed-point math.
add_library(dvm_rt STATIC
  ${CMAKE_CURRENT_SOURCE_DIR}/syscalls.c
  ${CMAKE_CURRENT_SOURCE_DIR}/sys_market.c
  ${CMAKE_CURRENT_SOURCE_DIR}/accounts.c
  ${CMAKE_CURRENT_SOURCE_DIR}/call.c
  ${CMAKE_CURRENT_SOURCE_DIR}/chain.c)
target_include_directories(dvm_rt PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(dvm_rt PUBLIC dvm_vm dvm_state dvm_tx dvm_fxmath
                      PkgConfig::SODIUM PkgConfig::LMDB PkgConfig::XXHASH Threads::Threads)

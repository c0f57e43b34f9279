# dvm_rt: the supervisor proper (syscalls, frames, accounts, transactions,
# blocks, libdvm API), on top of the state layer and fixed-point math.
add_library(dvm_rt STATIC
  ${CMAKE_CURRENT_SOURCE_DIR}/syscall_table.c)
target_include_directories(dvm_rt PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(dvm_rt PUBLIC dvm_vm PkgConfig::SODIUM PkgConfig::LMDB PkgConfig::XXHASH Threads::Threads)

# dvm_tx: transactions, blocks, hash lists, genesis, hex (runtime/tx.h,
# spec/tx.md). Private helpers: runtime/tx_int.h.
add_library(dvm_tx STATIC
  ${CMAKE_CURRENT_SOURCE_DIR}/tx.c
  ${CMAKE_CURRENT_SOURCE_DIR}/block_codec.c)
target_include_directories(dvm_tx PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(dvm_tx PUBLIC PkgConfig::SODIUM PkgConfig::JANSSON Threads::Threads)

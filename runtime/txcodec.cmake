# dvm_tx: transactions, blocks, hash lists, genesis, hex (runtime/tx.h,
# spec/tx.md). Private helpers: runtime/tx_int.h.
if(NOT TARGET PkgConfig::JANSSON) # found by the top-level CMakeLists.txt
  pkg_check_modules(JANSSON REQUIRED IMPORTED_TARGET jansson)
endif()
add_library(dvm_tx STATIC
  ${CMAKE_CURRENT_SOURCE_DIR}/tx.c
  ${CMAKE_CURRENT_SOURCE_DIR}/block_codec.c
  ${CMAKE_CURRENT_SOURCE_DIR}/genesis.c)
target_include_directories(dvm_tx PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(dvm_tx PUBLIC PkgConfig::SODIUM PkgConfig::JANSSON Threads::Threads)

# Supervisor tests through libdvm (runtime.h) with signed transactions.
add_library(dvm_chainkit STATIC ${CMAKE_CURRENT_LIST_DIR}/common/chainkit.c)
target_include_directories(dvm_chainkit PUBLIC ${CMAKE_CURRENT_LIST_DIR}/common)
target_link_libraries(dvm_chainkit PUBLIC dvm_rt dvm_asm)

add_executable(test_chain ${CMAKE_CURRENT_LIST_DIR}/runtime/test_chain.c)
target_link_libraries(test_chain PRIVATE dvm_chainkit)
add_test(NAME rt_chain COMMAND test_chain ${CMAKE_CURRENT_LIST_DIR}/runtime/contracts)

add_executable(det_run ${CMAKE_CURRENT_LIST_DIR}/runtime/det_run.c)
target_link_libraries(det_run PRIVATE dvm_chainkit)
add_test(NAME rt_determinism COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/runtime/determinism.sh
                                     $<TARGET_FILE:det_run> ${CMAKE_CURRENT_LIST_DIR}/runtime/contracts)
add_test(NAME rt_crash COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/runtime/crash.sh
                               $<TARGET_FILE:det_run> ${CMAKE_CURRENT_LIST_DIR}/runtime/contracts 40)
set_tests_properties(rt_crash PROPERTIES TIMEOUT 300)

# Consensus code has no floating point (DESIGN §6): sources, and objects when built.
add_test(NAME no_float COMMAND bash ${CMAKE_SOURCE_DIR}/scripts/check_no_float.sh ${CMAKE_BINARY_DIR})

# The 24-block golden record (block hash, state root, receipts root, gas).
add_test(NAME rt_golden COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/runtime/golden.sh
                                $<TARGET_FILE:det_run> ${CMAKE_CURRENT_LIST_DIR}/runtime/contracts
                                ${CMAKE_CURRENT_LIST_DIR}/runtime/golden24.txt)

# runtime/syscalls.def is the one syscall table: spec/syscalls.md's table is
# it rendered, the SDK header declares exactly its syscalls with as many
# arguments, and the runtime's table holds each name and handler at its number.
add_executable(syscall_table ${CMAKE_CURRENT_LIST_DIR}/runtime/syscall_table.c)
target_link_libraries(syscall_table PRIVATE dvm_rt)
add_test(NAME rt_syscall_spec_table COMMAND syscall_table --spec ${CMAKE_SOURCE_DIR}/spec/syscalls.md)
add_test(NAME rt_syscall_sdk_header COMMAND syscall_table --sdk ${CMAKE_SOURCE_DIR}/contracts/include/dvm_contract.h)

# The market-data syscalls (#31 oracle_price_at, #32 asset_decimals).
add_executable(test_market ${CMAKE_CURRENT_LIST_DIR}/runtime/test_market.c)
target_link_libraries(test_market PRIVATE dvm_chainkit)
add_test(NAME rt_market COMMAND test_market ${CMAKE_CURRENT_LIST_DIR}/runtime/contracts)
# The mempool check and queries on other threads while blocks are produced.
add_executable(test_chain_mempool ${CMAKE_CURRENT_LIST_DIR}/runtime/test_chain_mempool.c)
target_link_libraries(test_chain_mempool PRIVATE dvm_chainkit Threads::Threads)
add_test(NAME rt_mempool COMMAND test_chain_mempool ${CMAKE_CURRENT_LIST_DIR}/runtime/contracts)

# The end-to-end vectors printed in spec/tx.md (block 0, block 1, a receipt).
add_executable(test_spec_vectors ${CMAKE_CURRENT_LIST_DIR}/runtime/test_spec_vectors.c)
target_link_libraries(test_spec_vectors PRIVATE dvm_rt)
add_test(NAME rt_spec_vectors COMMAND test_spec_vectors)

# Bounded block time (issue 8): the block gas limit, the minimum gas price,
# the attacks as signed transactions, a randomized mix against the limit.
add_executable(test_gas_limit ${CMAKE_CURRENT_LIST_DIR}/runtime/test_gas_limit.c)
target_link_libraries(test_gas_limit PRIVATE dvm_chainkit)
add_test(NAME rt_gas_limit COMMAND test_gas_limit ${CMAKE_CURRENT_LIST_DIR}/runtime/contracts)

# Commit-aware storage gas and bounded storage_next (spec/syscalls.md §3.1):
# the attacks as signed transactions, each operation's gas checked exactly.
if(DVM_BPF_CLANG)
  dvm_add_contract(storcost ${CMAKE_CURRENT_LIST_DIR}/runtime/storcost/storcost.c)
  get_target_property(STORCOST_DVM storcost DVM_FILE)
  add_executable(test_storage_cost ${CMAKE_CURRENT_LIST_DIR}/runtime/test_storage_cost.c)
  target_link_libraries(test_storage_cost PRIVATE dvm_chainkit)
  add_dependencies(test_storage_cost storcost)
  add_test(NAME rt_storage_cost COMMAND test_storage_cost ${STORCOST_DVM})
endif()
# balance writes (transfers, attachments) and return data into receipts:
# their commit and receipt parts checked exactly (spec/syscalls.md §3.1).
if(DVM_BPF_CLANG)
  dvm_add_contract(balcost ${CMAKE_CURRENT_LIST_DIR}/runtime/balcost/balcost.c)
  get_target_property(BALCOST_DVM balcost DVM_FILE)
  add_executable(test_balance_cost ${CMAKE_CURRENT_LIST_DIR}/runtime/test_balance_cost.c)
  target_link_libraries(test_balance_cost PRIVATE dvm_chainkit)
  add_dependencies(test_balance_cost balcost)
  add_test(NAME rt_balance_cost COMMAND test_balance_cost ${BALCOST_DVM})
endif()

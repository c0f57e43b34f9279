# The node library (node/node.h) and the node commands of `dvm`.
add_executable(test_node_abi ${CMAKE_CURRENT_LIST_DIR}/node/test_abi.c)
target_link_libraries(test_node_abi PRIVATE dvm_node)
add_test(NAME node_abi COMMAND test_node_abi)
add_executable(test_node_mempool ${CMAKE_CURRENT_LIST_DIR}/node/test_mempool.c)
target_link_libraries(test_node_mempool PRIVATE dvm_node)
add_test(NAME node_mempool COMMAND test_node_mempool)

# The node tests' contract (needs clang for BPF), the ABI check of every
# contracts/*/NAME.abi.json against NAME.dvm, and the node end to end.
if(DVM_BPF_CLANG)
  dvm_add_contract(node_counter ${CMAKE_CURRENT_LIST_DIR}/node/contracts/counter/counter.c)
  add_test(NAME node_rpc COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/node/rpc.sh $<TARGET_FILE:dvm>
                                 ${CMAKE_CURRENT_BINARY_DIR}/node_counter.dvm
                                 ${CMAKE_CURRENT_LIST_DIR}/node/contracts/counter/counter.abi.json)
  set_tests_properties(node_rpc PROPERTIES TIMEOUT 120)
  add_executable(node_abi_check ${CMAKE_CURRENT_LIST_DIR}/node/abi_check.c)
  target_link_libraries(node_abi_check PRIVATE dvm_node)
  # contracts that need clang >= 18 are not built with the clang-14 fallback
  set(_dvm_abi_skip "")
  foreach(_c options option_pool vault perp)
    if(NOT TARGET ${_c})
      list(APPEND _dvm_abi_skip ${_c})
    endif()
  endforeach()
  string(REPLACE ";" "," _dvm_abi_skip "${_dvm_abi_skip}")
  add_test(NAME node_abi_contracts COMMAND node_abi_check --skip "${_dvm_abi_skip}" ${CMAKE_SOURCE_DIR} ${CMAKE_BINARY_DIR}
                                           ${CMAKE_CURRENT_LIST_DIR}/node/contracts/counter/counter.abi.json
                                           ${CMAKE_CURRENT_BINARY_DIR}/node_counter.dvm)
  # every contract with an ABI file is built before the check
  set_tests_properties(node_abi_contracts PROPERTIES DEPENDS contract_roundtrip_node_counter)
endif()
add_test(NAME node_crash COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/node/crash.sh $<TARGET_FILE:dvm> 20)
set_tests_properties(node_crash PROPERTIES TIMEOUT 120)

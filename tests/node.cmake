# The node library (node/node.h) and the node commands of `dvm`.
add_executable(test_node_abi ${CMAKE_CURRENT_LIST_DIR}/node/test_abi.c)
target_link_libraries(test_node_abi PRIVATE dvm_node)
add_test(NAME node_abi COMMAND test_node_abi)
add_executable(test_node_mempool ${CMAKE_CURRENT_LIST_DIR}/node/test_mempool.c)
target_link_libraries(test_node_mempool PRIVATE dvm_node)
add_test(NAME node_mempool COMMAND test_node_mempool)

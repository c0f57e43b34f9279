# tests/abci.cmake — `dvm abci` (issue 12).
# abci_tool: transactions and expected receipts for the network test.
add_executable(abci_tool ${CMAKE_CURRENT_LIST_DIR}/abci/abci_tool.c)
target_link_libraries(abci_tool PRIVATE dvm_chainkit)

# Codec (frames captured from CometBFT v0.38.26), semantics and framing,
# without CometBFT.
add_executable(test_abci ${CMAKE_CURRENT_LIST_DIR}/abci/test_abci.c)
target_link_libraries(test_abci PRIVATE dvm_abci dvm_chainkit Threads::Threads)
add_test(NAME abci_server COMMAND test_abci ${CMAKE_CURRENT_LIST_DIR}/abci/frames
                                  ${CMAKE_CURRENT_LIST_DIR}/abci/counter.s)

# tests/abci.cmake — `dvm abci` (issue 12).
# abci_tool: transactions and expected receipts for the network test.
add_executable(abci_tool ${CMAKE_CURRENT_LIST_DIR}/abci/abci_tool.c)
target_link_libraries(abci_tool PRIVATE dvm_chainkit)

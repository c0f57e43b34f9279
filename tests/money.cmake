# Money edges through signed transactions (issue 14): fee funds exactly at
# the maximum fee and one short, refunds, deploy fees with init gas, nonce
# gaps and replays, a batch that reverts half-way.
add_executable(test_money ${CMAKE_CURRENT_LIST_DIR}/money/test_money.c)
target_link_libraries(test_money PRIVATE dvm_chainkit)
add_test(NAME money_edges COMMAND test_money ${CMAKE_CURRENT_LIST_DIR}/runtime/contracts)

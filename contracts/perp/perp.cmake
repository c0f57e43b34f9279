# The perpetual futures contract (spec/contracts/perp.md): perp.dvm from
# perp.c, which includes the shared headers of contracts/lib/.
dvm_add_contract(perp ${CMAKE_CURRENT_LIST_DIR}/perp.c)
# dvm_add_contract tracks the SDK header only: add the contract's headers.
add_custom_command(OUTPUT ${CMAKE_CURRENT_BINARY_DIR}/perp.dir/perp.s APPEND
  DEPENDS ${CMAKE_CURRENT_LIST_DIR}/../lib/dvm_args.h)

# tests/tx: transactions, blocks, genesis (tx/tx.h, spec/tx.md).
#  tx_codec    round trips, layout, every decode error, encode refusals, worked example
#  tx_sig      signatures: valid, any flipped bit invalid, wrong chain id, batch = serial
#  tx_block    headers, blocks, hash lists, contract addresses
#  tx_genesis  a valid file and one failing case per rule (JSON path in the message)
#  tx_mutate   seeded, bounded mutation loop: decoders never crash (run under ASan)
foreach(t codec sig block genesis mutate)
  add_executable(test_tx_${t} ${CMAKE_CURRENT_SOURCE_DIR}/tx/test_tx_${t}.c)
  target_link_libraries(test_tx_${t} PRIVATE dvm_tx)
  target_include_directories(test_tx_${t} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/tx)
  if(t STREQUAL "codec")
    add_test(NAME tx_${t} COMMAND test_tx_${t} ${CMAKE_SOURCE_DIR}/spec/tx.md)
  else()
    add_test(NAME tx_${t} COMMAND test_tx_${t})
  endif()
  set_tests_properties(tx_${t} PROPERTIES TIMEOUT 300)
endforeach()
# tx_codec also checks that spec/tx.md §4 shows the pinned example bytes.
set_tests_properties(tx_codec PROPERTIES WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})

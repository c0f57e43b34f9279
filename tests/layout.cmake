# Layout (issue 15): no two source files call each other, directly or round
# a longer circle, found with nm on the objects of this build; the selftest
# plants circles in a scratch dir and checks that the scan refuses them.
add_test(NAME layout_no_circles COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/layout_circles.sh
                                        ${CMAKE_BINARY_DIR} ${CMAKE_SOURCE_DIR})
add_test(NAME layout_no_circles_selftest COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/layout_circles.sh --selftest)

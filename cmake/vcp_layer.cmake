# vcp_layer(NAME SOURCES ... [PUBLIC ...] [PRIVATE ...] [TESTS ...] [TEST_LIBS ...])
#
# One static library per architectural layer, vcp_<NAME>, built from
# src/<NAME>/, with its public headers in include/vcp/<NAME>/. The headers are
# reachable only through the library: its include root is a directory of its
# own in the build tree that holds nothing but vcp/<NAME> (a link to
# include/vcp/<NAME>). A layer that does not link another therefore cannot
# include its headers, and the dependency direction documented in
# docs/architecture.md is checked by the compiler. PUBLIC lists only the layers
# (and packages) whose types appear in this layer's public headers; every other
# dependency is PRIVATE, so it does not leak upwards.
#
# TESTS are the layer's unit tests (src/<NAME>/*_test.cc, beside the code):
# one executable, <NAME>_tests, linked with the layer alone (plus TEST_LIBS),
# registered with CTest under the label "unit".
function(vcp_layer name)
  cmake_parse_arguments(LAYER "" "" "SOURCES;PUBLIC;PRIVATE;TESTS;TEST_LIBS" ${ARGN})
  set(target vcp_${name})
  add_library(${target} STATIC ${LAYER_SOURCES})
  set(root ${PROJECT_BINARY_DIR}/layer-include/${name})
  file(MAKE_DIRECTORY ${root}/vcp)
  file(CREATE_LINK ${PROJECT_SOURCE_DIR}/include/vcp/${name} ${root}/vcp/${name} SYMBOLIC)
  target_include_directories(${target} PUBLIC ${root})
  target_link_libraries(${target} PUBLIC ${LAYER_PUBLIC} PRIVATE vcp_warnings ${LAYER_PRIVATE})
  if(VCP_BUILD_TESTS AND LAYER_TESTS)
    add_executable(${name}_tests ${LAYER_TESTS})
    # Test fakes (test/support/*.h) are header-only seams over this layer's interfaces.
    target_include_directories(${name}_tests PRIVATE ${PROJECT_SOURCE_DIR}/test)
    target_link_libraries(${name}_tests PRIVATE ${target} vcp_warnings GTest::gmock_main ${LAYER_TEST_LIBS})
    gtest_discover_tests(${name}_tests DISCOVERY_MODE PRE_TEST PROPERTIES LABELS unit)
  endif()
endfunction()

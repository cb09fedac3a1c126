# herald_module(NAME DEPS dep...) builds src/NAME as the static library herald_NAME from every *.cc in
# the folder (and its subfolders) that is not a *_test.cc, and, with tests on, the GoogleTest binary
# NAME_test from the *_test.cc files beside them, registered with CTest.
function(herald_module name)
  cmake_parse_arguments(ARG "" "" "DEPS;TEST_DEPS" ${ARGN})
  file(GLOB_RECURSE all_sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cc)
  set(sources ${all_sources})
  list(FILTER sources EXCLUDE REGEX "(_test|/main)\\.cc$")
  set(tests ${all_sources})
  list(FILTER tests INCLUDE REGEX "_test\\.cc$")

  if(sources)
    add_library(herald_${name} STATIC ${sources})
    target_include_directories(herald_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(herald_${name} PUBLIC ${ARG_DEPS})
  else()  # headers only
    add_library(herald_${name} INTERFACE)
    target_include_directories(herald_${name} INTERFACE ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(herald_${name} INTERFACE ${ARG_DEPS})
  endif()

  if(HERALD_TESTS AND tests)
    add_executable(${name}_test ${tests})
    # Test code is glue around the library under test, which keeps -O2: -O1 halves its compile time.
    target_compile_options(${name}_test PRIVATE $<$<CONFIG:RelWithDebInfo>:-O1>)
    target_link_libraries(${name}_test PRIVATE herald_${name} ${ARG_TEST_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
    include(GoogleTest)
    gtest_discover_tests(${name}_test DISCOVERY_TIMEOUT 60 PROPERTIES LABELS unit)
  endif()
endfunction()

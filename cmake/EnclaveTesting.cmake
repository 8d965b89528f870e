# enclave_add_test(NAME SOURCES a.cpp ... [QT] [LABELS l ...] [TIMEOUT s] [LIBS ...])
#   LIBS: the engine modules it needs (e.g. enclave_formats); default enclave_engine.
#   QT: a Qt Test executable (QTEST_MAIN); otherwise a plain executable using tests/support/check.h.
#   Every test gets ENCLAVE_TESTDATA (../shared/testdata) and ENCLAVE_SOURCE_DIR in its
#   environment, and exit code 77 means "skipped" (e.g. no GPU, model package not installed).
function(enclave_add_test name)
  cmake_parse_arguments(T "QT" "TIMEOUT" "SOURCES;LABELS;LIBS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  if(NOT T_LIBS)
    set(T_LIBS enclave_engine)
  endif()
  target_link_libraries(${name} PRIVATE enclave_flags ${T_LIBS})
  target_include_directories(${name} PRIVATE ${CMAKE_SOURCE_DIR}/tests/support)
  target_compile_definitions(${name} PRIVATE ENCLAVE_TESTDATA_FALLBACK="${ENCLAVE_TESTDATA_DIR}")
  if(T_QT)
    target_link_libraries(${name} PRIVATE Qt6::Core Qt6::Test)
    set_target_properties(${name} PROPERTIES AUTOMOC ON)
  endif()
  add_test(NAME ${name} COMMAND ${name})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  set_tests_properties(${name} PROPERTIES
    TIMEOUT ${T_TIMEOUT}
    SKIP_RETURN_CODE 77
    LABELS "${T_LABELS}"
    ENVIRONMENT "ENCLAVE_TESTDATA=${ENCLAVE_TESTDATA_DIR};ENCLAVE_SOURCE_DIR=${CMAKE_SOURCE_DIR};ENCLAVE_BINARY_DIR=${CMAKE_BINARY_DIR};QT_QPA_PLATFORM=offscreen")
endfunction()

# Shared ctest settings for suites that start a server through tests/lib/zkserver.py.
# zk_test_properties(<test> <timeout-seconds>) sets the time limit, labels and environment:
#   ZKD_BIN   = the built zkd (only when this build has a `zkd` target)
#   ZK_TARGET = -DZK_TARGET=... if given at configure time; otherwise the environment of
#               the ctest run decides (helpers default to zkd).
set(ZK_PYTHON /usr/bin/python3)
set(ZK_TARGET "" CACHE STRING "Server the integration/compat tests drive: zkd or zookeeper (empty: env, default zkd)")

function(zk_test_properties test timeout)
  set(_env "PYTHONDONTWRITEBYTECODE=1")
  if(TARGET zkd)
    list(APPEND _env "ZKD_BIN=$<TARGET_FILE:zkd>")
  endif()
  if(ZK_TARGET)
    list(APPEND _env "ZK_TARGET=${ZK_TARGET}")
  endif()
  set_tests_properties(${test} PROPERTIES TIMEOUT ${timeout} ENVIRONMENT "${_env}"
                       LABELS "server")
endfunction()

# SPDX-License-Identifier: MIT
# CMake toolchain file for building a program into a Toro image with
# `toro cc` (tools/toro/cc.py):
#
#   cmake -DCMAKE_TOOLCHAIN_FILE=<toro>/tools/toro/toolchain.cmake SRC
#
# The target is Linux with musl on x86-64, seen as a cross compile, so
# CMake never runs what it builds on the host (try_run needs answers in
# the cache instead), and find_library/find_path look only in an empty
# root: the host's libraries are for Linux processes, not for the image.
# Static libraries only (BUILD_SHARED_LIBS OFF).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
get_filename_component(TORO_ROOT "${CMAKE_CURRENT_LIST_DIR}/../.." ABSOLUTE)
set(CMAKE_C_COMPILER "${TORO_ROOT}/toro")
set(CMAKE_C_COMPILER_ARG1 cc)
set(CMAKE_FIND_ROOT_PATH "${TORO_ROOT}/tools/toro/cmake-root")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
set(BUILD_SHARED_LIBS OFF CACHE BOOL "Toro images are static")

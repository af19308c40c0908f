# Run as `cmake -DHTTPLIB_CC=<split httplib.cc> -P cmake/HttplibLazyTls.cmake` after
# split.py. cpp-httplib 0.11 initialises OpenSSL from a static object (`SSLInit`) at
# program start, which costs every command, including `--version` and `explain`, more
# than the rest of start-up together. The static build removes that object;
# make_http_api (src/http_cloudflare_api.cc) initialises OpenSSL when a request is made.
# A source that no longer has exactly one such object stops the build, so a newer
# cpp-httplib is looked at rather than silently changed.
if(NOT HTTPLIB_CC)
  message(FATAL_ERROR "HttplibLazyTls.cmake: set HTTPLIB_CC to the split httplib.cc")
endif()
file(READ "${HTTPLIB_CC}" source)
set(startup_init "static SSLInit sslinit_;")
string(FIND "${source}" "${startup_init}" first)
string(FIND "${source}" "${startup_init}" last REVERSE)
if(first EQUAL -1 OR NOT first EQUAL last)
  message(FATAL_ERROR "HttplibLazyTls.cmake: expected one '${startup_init}' in ${HTTPLIB_CC}; "
          "check how this cpp-httplib version initialises OpenSSL")
endif()
string(REPLACE "${startup_init}" "// ${startup_init} (removed: OpenSSL is initialised on first use)"
       source "${source}")
file(WRITE "${HTTPLIB_CC}" "${source}")

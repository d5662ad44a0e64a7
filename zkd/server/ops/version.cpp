#include "zkd/server/ops/version.h"

#include <cstdio>
#include <cstring>

#ifndef ZKD_VERSION
#define ZKD_VERSION "0.0.0"
#endif

namespace zkd::ops {

namespace {

// __DATE__ is "Mmm dd yyyy", __TIME__ "hh:mm:ss" (compiler local time; builds run in UTC).
std::string build_date() {
  static const char* months = "JanFebMarAprMayJunJulAugSepOctNovDec";
  const char* date = __DATE__;
  const char* time = __TIME__;
  int month = 1;
  if (const char* m = strstr(months, std::string(date, 3).c_str())) {
    month = static_cast<int>((m - months) / 3) + 1;
  }
  int day = 0, year = 0;
  std::sscanf(date + 4, "%d %d", &day, &year);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02d %.5s UTC", year, month, day, time);
  return buf;
}

}  // namespace

std::string version_string() {
  return std::string(kZooKeeperCompatVersion) + "-zkd-" + ZKD_VERSION + ", built on " +
         build_date();
}

}  // namespace zkd::ops

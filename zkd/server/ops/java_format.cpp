#include "zkd/server/ops/java_format.h"

#include <charconv>
#include <cmath>
#include <ctime>

namespace zkd::ops {

namespace {

std::string shortest(double value, std::chars_format fmt) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), value, fmt);
  return std::string(buf, res.ptr);
}

}  // namespace

std::string java_double(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  if (value == 0) return std::signbit(value) ? "-0.0" : "0.0";
  double mag = std::fabs(value);
  if (mag >= 1e-3 && mag < 1e7) {
    std::string s = shortest(value, std::chars_format::fixed);
    if (s.find('.') == std::string::npos) s += ".0";
    return s;
  }
  // to_chars scientific: "1.2345e+07" -> Java "1.2345E7".
  std::string s = shortest(value, std::chars_format::scientific);
  auto e = s.find('e');
  std::string mantissa = s.substr(0, e);
  if (mantissa.find('.') == std::string::npos) mantissa += ".0";
  int exponent = std::stoi(s.substr(e + 1));
  return mantissa + "E" + std::to_string(exponent);
}

double round4(double value) {
  return std::round(value * 10000.0) / 10000.0;
}

double zk_avg(int64_t sum, int64_t count) {
  if (count <= 0) return 0.0;
  return round4(static_cast<double>(sum) / static_cast<double>(count));
}

std::string java_hex(int64_t value) {
  char buf[32];
  auto res = std::to_chars(buf, buf + sizeof(buf), static_cast<uint64_t>(value), 16);
  return std::string(buf, res.ptr);
}

std::string java_date(int64_t wall_ms) {
  time_t secs = static_cast<time_t>(wall_ms / 1000);
  struct tm tm_local {};
  localtime_r(&secs, &tm_local);
  char buf[64];
  size_t n = strftime(buf, sizeof(buf), "%a %b %d %H:%M:%S %Z %Y", &tm_local);
  return std::string(buf, n);
}

}  // namespace zkd::ops

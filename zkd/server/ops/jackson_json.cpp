#include "zkd/server/ops/jackson_json.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <cstdio>

#include "zkd/server/ops/java_format.h"

namespace zkd::ops {

namespace {

using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;

void quote(std::string& out, const std::string& s) {
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04X", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

void write(std::string& out, const Var& v, int depth);

void newline(std::string& out, int depth) {
  out += '\n';
  out.append(static_cast<size_t>(depth) * 2, ' ');
}

void write_object(std::string& out, const Object& o, int depth) {
  std::vector<std::string> names;
  o.getNames(names);
  if (names.empty()) {
    out += "{ }";
    return;
  }
  out += '{';
  for (size_t i = 0; i < names.size(); ++i) {
    newline(out, depth + 1);
    quote(out, names[i]);
    out += " : ";
    write(out, o.get(names[i]), depth + 1);
    if (i + 1 < names.size()) out += ',';
  }
  newline(out, depth);
  out += '}';
}

void write_array(std::string& out, const Array& a, int depth) {
  if (a.size() == 0) {
    out += "[ ]";
    return;
  }
  out += "[ ";
  for (size_t i = 0; i < a.size(); ++i) {
    if (i > 0) out += ", ";
    write(out, a.get(static_cast<unsigned>(i)), depth);
  }
  out += " ]";
}

void write(std::string& out, const Var& v, int depth) {
  if (v.isEmpty()) {
    out += "null";
  } else if (v.type() == typeid(Object::Ptr)) {
    write_object(out, *v.extract<Object::Ptr>(), depth);
  } else if (v.type() == typeid(Object)) {
    write_object(out, v.extract<Object>(), depth);
  } else if (v.type() == typeid(Array::Ptr)) {
    write_array(out, *v.extract<Array::Ptr>(), depth);
  } else if (v.type() == typeid(Array)) {
    write_array(out, v.extract<Array>(), depth);
  } else if (v.isBoolean()) {
    out += v.convert<bool>() ? "true" : "false";
  } else if (v.isString()) {
    quote(out, v.convert<std::string>());
  } else if (v.type() == typeid(double) || v.type() == typeid(float)) {
    out += java_double(v.convert<double>());
  } else if (v.isNumeric()) {
    out += v.convert<std::string>();
  } else {
    quote(out, v.convert<std::string>());
  }
}

}  // namespace

std::string jackson_pretty(const Var& value) {
  std::string out;
  write(out, value, 0);
  return out;
}

}  // namespace zkd::ops

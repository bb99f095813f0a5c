#include "util/error.hpp"
#include "util/json.hpp"

#include <catch2/catch.hpp>

using namespace dind;

TEST_CASE("json paths and fallbacks") {
  auto d = json::parse(R"({"a":{"b":"x","n":7,"t":true},"m":{"k":"v","skip":1}})", "test");
  CHECK(json::str(d, {"a", "b"}) == "x");
  CHECK(json::str(d, {"a", "missing"}, "def") == "def");
  CHECK(json::str(d, {"a", "n"}, "def") == "def");
  CHECK(json::num(d, {"a", "n"}) == 7);
  CHECK(json::flag(d, {"a", "t"}));
  CHECK(json::string_map(d, {"m"}) == std::map<std::string, std::string>{{"k", "v"}});
  CHECK(json::find(d, {"a", "b", "c"}) == nullptr);
}

TEST_CASE("json parse errors name the input and the offset") {
  try {
    json::parse("{\"a\": }", "engine reply");
    FAIL("no throw");
  } catch (const Error& e) {
    CHECK(std::string(e.what()).find("engine reply: invalid JSON at offset 6") == 0);
  }
}

TEST_CASE("json writer escapes and nests") {
  json::Writer w;
  w.begin_object().kv("s", "a\"b\n").kv("i", 3).kv("b", false).strings("l", {"x", "y"}).object("m", {{"k", "v"}}).end_object();
  CHECK(w.str() == R"({"s":"a\"b\n","i":3,"b":false,"l":["x","y"],"m":{"k":"v"}})");
}

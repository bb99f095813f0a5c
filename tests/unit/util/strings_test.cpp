#include "util/error.hpp"
#include "util/strings.hpp"

#include <catch2/catch.hpp>

using namespace dind;
using namespace std::chrono_literals;

TEST_CASE("shell_words: quotes and backslashes as sh reads them") {
  CHECK(util::shell_words("ssh", "X") == std::vector<std::string>{"ssh"});
  CHECK(util::shell_words("  ssh \t-F  cfg\n", "X") == std::vector<std::string>{"ssh", "-F", "cfg"});
  CHECK(util::shell_words("ssh -i '/keys/my key' -o \"ProxyCommand=nc %h %p\"", "X") ==
        std::vector<std::string>{"ssh", "-i", "/keys/my key", "-o", "ProxyCommand=nc %h %p"});
  CHECK(util::shell_words(R"(a\ b 'it''s' "x\"y\\z\n" 'a\b' "")", "X") ==
        std::vector<std::string>{"a b", "its", "x\"y\\z\\n", "a\\b", ""});
  CHECK(util::shell_words(R"(pre'mid'"post" end\)", "X") == std::vector<std::string>{"premidpost", "end\\"});
  CHECK(util::shell_words("", "X").empty());
  CHECK(util::shell_words("   ", "X").empty());
  CHECK_THROWS_WITH(util::shell_words("ssh -i 'my key", "DIND_SSH_COMMAND"), "DIND_SSH_COMMAND: unterminated single quote");
  CHECK_THROWS_WITH(util::shell_words("ssh \"", "X"), "X: unterminated double quote");
}

TEST_CASE("split, trim, join") {
  CHECK(util::split("a,,b,", ',') == std::vector<std::string>{"a", "b"});
  CHECK(util::split("a,,b", ',', false) == std::vector<std::string>{"a", "", "b"});
  CHECK(util::trim(" \t x y\r\n") == "x y");
  CHECK(util::join({"a", "b"}, ", ") == "a, b");
}

TEST_CASE("a count in a message: one without the s") {
  CHECK(util::plural(1, "node") == "1 node");
  CHECK(util::plural(0, "node") == "0 nodes");
  CHECK(util::plural(3, "dind node container") == "3 dind node containers");
}

TEST_CASE("durations read like kind's") {
  CHECK(util::format_duration(250ms) == "250ms");
  CHECK(util::format_duration(1500ms) == "1.5s");
  CHECK(util::format_duration(65s) == "1m05s");
}

TEST_CASE("parse_int names the variable and the range") {
  CHECK(util::parse_int("17", 0, 254, "CLUSTER_ID") == 17);
  CHECK_THROWS_WITH(util::parse_int("300", 0, 254, "CLUSTER_ID"), "CLUSTER_ID: '300' is not a number in 0..254");
  CHECK_THROWS_AS(util::parse_int("1x", 0, 254, "CLUSTER_ID"), UsageError);
  CHECK_THROWS_AS(util::parse_int("", 0, 254, "CLUSTER_ID"), UsageError);
}


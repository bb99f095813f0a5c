#pragma once
#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace dind::util {

std::vector<std::string> split(std::string_view s, char sep, bool skip_empty = true);
// The words of a command line as sh reads them: blanks separate, 'single'
// and "double" quotes and backslashes group and escape (no variables, no
// globs). Throws Error naming `what` on an unterminated quote.
std::vector<std::string> shell_words(std::string_view s, std::string_view what);
std::string trim(std::string_view s);
std::string join(const std::vector<std::string>& parts, std::string_view sep);
bool starts_with(std::string_view s, std::string_view prefix);
bool ends_with(std::string_view s, std::string_view suffix);
// "1 node", "3 nodes": a count in a message (English plurals in -s only).
std::string plural(size_t n, const std::string& word);
// "1.2s", "250ms", "1m05s": what a step line shows.
std::string format_duration(std::chrono::nanoseconds d);
// Parses a decimal integer in [lo, hi]; throws UsageError naming `what`.
long parse_int(std::string_view s, long lo, long hi, std::string_view what);
std::string read_file(const std::string& path);
// KEY=VALUE lines as config.sh and images/versions write them: '#' comments,
// optional `export `, quotes, and ${VAR:-default} (the default is kept).
// Throws UsageError naming the file and line when a line is not KEY=VALUE.
std::map<std::string, std::string> read_key_values(const std::string& path);
// The same from text; `origin` names it in errors.
std::map<std::string, std::string> parse_key_values(std::string_view text, const std::string& origin);
void write_file(const std::string& path, std::string_view content, unsigned mode = 0644);

} // namespace dind::util

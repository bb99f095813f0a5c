#include "dump/text.hpp"

#include "util/strings.hpp"

namespace dind::dump {

namespace {

bool looks_like_marker(std::string_view line) {
  size_t i = 0;
  while (i < line.size() && line[i] == '\\') ++i;
  return line.substr(i, 3) == "@@@";
}

} // namespace

bool parse_marker(std::string_view line, std::string& name) {
  if (line.size() < 8 || line.substr(0, 4) != "@@@ " || line.substr(line.size() - 4) != " @@@") return false;
  name = std::string(line.substr(4, line.size() - 8));
  return true;
}

TextWriter::TextWriter(Sink sink) : sink_(std::move(sink)) {
  emit(header_line);
  emit("\n");
}

void TextWriter::emit(std::string_view s) {
  sink_(s);
  hash_.add_raw(s);
  bytes_ += s.size();
}

void TextWriter::file(const std::string& name, std::string_view content) {
  std::string clean = name;
  for (auto& c : clean) {
    if (c == '\n' || c == '\r' || c == ' ') c = '_';  // old readers split names on spaces
  }
  emit("@@@ " + clean + " @@@\n");
  size_t start = 0;
  while (start < content.size()) {
    size_t end = content.find('\n', start);
    size_t stop = end == std::string_view::npos ? content.size() : end + 1;
    std::string_view line = content.substr(start, stop - start);
    if (looks_like_marker(line)) emit("\\");
    emit(line);
    start = stop;
  }
  emit("\n");
  ++files_;
}

std::string TextWriter::sha256() { return hash_.hex(); }

void TextReader::close() {
  if (open_ && ev_.end) ev_.end();
  open_ = false;
  pending_newline_ = false;
}

void TextReader::line(std::string_view line) {
  std::string name;
  if (parse_marker(line, name)) {
    close();
    open_ = true;
    ++files_;
    if (ev_.begin) ev_.begin(name);
    return;
  }
  if (!open_) {
    if (line == header_line) ours_ = true;
    return;  // headers and anything before the first file
  }
  if (ours_) {
    // the newline before the next marker is the writer's, not the file's
    if (pending_newline_) ev_.data("\n");
    if (looks_like_marker(line)) line.remove_prefix(1);
    ev_.data(line);
    pending_newline_ = true;
  } else {
    ev_.data(line);
    ev_.data("\n");
  }
}

void TextReader::finish() { close(); }

} // namespace dind::dump

#include "dump/base64.hpp"

#include "util/error.hpp"

#include <Poco/Base64Decoder.h>
#include <Poco/Base64Encoder.h>

#include <algorithm>
#include <sstream>

namespace dind::dump {

struct Base64Encoder::Impl {
  explicit Impl(Sink s, size_t width) : sink(std::move(s)), encoder(out) { encoder.rdbuf()->setLineLength(static_cast<int>(width)); }
  Sink sink;
  std::ostringstream out;
  Poco::Base64Encoder encoder;
  char last = '\n';
};

Base64Encoder::Base64Encoder(Sink sink, size_t width) : impl_(new Impl(std::move(sink), width)) {}

Base64Encoder::~Base64Encoder() = default;

// Poco ends lines with "\r\n"; the format (and `base64 -d`) wants "\n".
void Base64Encoder::drain(bool all) {
  if (!all && impl_->out.tellp() < (1 << 16)) return;
  std::string s = impl_->out.str();
  impl_->out.str("");
  s.erase(std::remove(s.begin(), s.end(), '\r'), s.end());
  if (s.empty()) return;
  impl_->last = s.back();
  impl_->sink(s);
}

void Base64Encoder::write(std::string_view data) {
  impl_->encoder.write(data.data(), static_cast<std::streamsize>(data.size()));
  drain(false);
}

void Base64Encoder::finish() {
  impl_->encoder.close();
  drain(true);
  if (impl_->last != '\n') impl_->sink("\n");
  impl_->last = '\n';
}

void Base64Decoder::write(std::string_view text) {
  for (char c : text) {
    if (c != ' ' && c != '\n' && c != '\r' && c != '\t') pending_ += c;
  }
  size_t whole = pending_.size() / 4 * 4;
  if (whole == 0) return;
  std::istringstream in(pending_.substr(0, whole));
  pending_.erase(0, whole);
  Poco::Base64Decoder decoder(in);
  std::string out(whole / 4 * 3, '\0');
  decoder.read(out.data(), static_cast<std::streamsize>(out.size()));
  // the stream swallows Poco's DataFormatException into badbit
  if (decoder.bad()) throw Error("base64: unexpected character in \"" + in.str().substr(0, 40) + "\"");
  out.resize(static_cast<size_t>(decoder.gcount()));
  if (!out.empty()) sink_(out);
}

void Base64Decoder::finish() {
  if (!pending_.empty()) throw Error("base64: input ends inside a group (truncated?)");
}

} // namespace dind::dump

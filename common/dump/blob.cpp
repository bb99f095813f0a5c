#include "dump/blob.hpp"

#include "util/strings.hpp"

#include <algorithm>
#include <filesystem>

namespace dind::dump {

DumpWriter::DumpWriter(std::ostream& out, bool base64, Codec codec)
  : out_(out),
    base64_(base64),
    codec_(codec),
    encoder_([this](std::string_view s) { out_.write(s.data(), static_cast<std::streamsize>(s.size())); }),
    compressor_(codec, [this](std::string_view s) { encoder_.write(s); }),
    text_([this](std::string_view s) {
      // the text comes a line at a time; compress it in large chunks
      buffer_.append(s);
      if (buffer_.size() >= (1 << 16)) flush();
    }) {
  if (base64_) out_ << start_marker << "\n";
}

void DumpWriter::flush() {
  if (base64_) compressor_.write(buffer_);
  else out_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
  buffer_.clear();
}

void DumpWriter::file(const std::string& name, std::string_view content) { text_.file(name, content); }

void DumpWriter::finish() {
  std::string summary = "files=" + std::to_string(text_.files()) + " bytes=" + std::to_string(text_.bytes()) +
                        " sha256=" + text_.sha256();
  flush();
  if (base64_) {
    compressor_.finish();
    encoder_.finish();
    out_ << end_marker << "\n" << trailer_prefix << "codec=" << codec_name(codec_) << " " << summary << " %%%\n";
  } else {
    out_ << text_end_prefix << " (" << summary << ") ***\n";
  }
  out_.flush();
}

void add_directory(DumpWriter& writer, const std::string& dir) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  for (auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) files.push_back(fs::relative(e.path(), dir).string());
  }
  std::sort(files.begin(), files.end());
  for (auto& f : files) writer.file(f, util::read_file(dir + "/" + f));
}

} // namespace dind::dump

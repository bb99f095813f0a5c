#pragma once
#include "dump/base64.hpp"
#include "dump/codec.hpp"
#include "dump/text.hpp"

#include <ostream>
#include <string>

namespace dind::dump {

constexpr const char* start_marker = "%%% start-base64 %%%";
constexpr const char* end_marker = "%%% end-base64 %%%";
// Our integrity line follows the end marker: old readers anchor both marker
// lines (^...$) and never look past the end marker, so they ignore it.
constexpr const char* trailer_prefix = "%%% dind-dump64 ";
constexpr const char* text_end_prefix = "*** End of cluster state";

// Writes a dump as text (`dump`) or as the compressed base64 blob (`dump64`)
// to out, streaming: nothing is held but the file being added.
class DumpWriter {
public:
  DumpWriter(std::ostream& out, bool base64, Codec codec);
  void file(const std::string& name, std::string_view content);
  void finish();

private:
  void flush();
  std::ostream& out_;
  bool base64_;
  Codec codec_;
  Base64Encoder encoder_;
  Compressor compressor_;
  std::string buffer_;
  TextWriter text_;
};

// Writes every regular file under dir (relative names, sorted) into writer.
void add_directory(DumpWriter& writer, const std::string& dir);

} // namespace dind::dump

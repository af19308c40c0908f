#include "log_reader.h"

#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

#include "line_splitter.h"

namespace cfdeploy {
namespace {

constexpr size_t k_chunk_size = size_t{256} * 1024;

struct FileCloser {
  void operator()(std::FILE* file) const {
    (void)std::fclose(file);
  }  // read-only: nothing to flush
};

}  // namespace

Result<Verdict> classify_stream(std::FILE* file, const std::string& name,
                                const Catalogue& catalogue, bool known_failed) {
  Classifier classifier(catalogue);
  classifier.set_known_failed(known_failed);
  LineSplitter splitter([&](std::string_view line) { classifier.feed_line(line); });
  std::vector<char> buffer(k_chunk_size);
  size_t got = 0;
  while ((got = std::fread(buffer.data(), 1, buffer.size(), file)) > 0) {
    splitter.feed(std::string_view(buffer.data(), got));
  }
  if (std::ferror(file)) {
    return Error{"reading log '" + name + "'", system_error_text(errno)};
  }
  splitter.finish();
  Verdict verdict = classifier.finish();
  verdict.truncated_lines = splitter.truncated_lines();
  return verdict;
}

Result<Verdict> classify_log(const std::string& path, const Catalogue& catalogue,
                             bool known_failed) {
  if (path == "-") {
    return classify_stream(stdin, "standard input", catalogue, known_failed);
  }
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
  if (!file) {
    return Error{"cannot open log '" + path + "'", system_error_text(errno)};
  }
  return classify_stream(file.get(), path, catalogue, known_failed);
}

}  // namespace cfdeploy

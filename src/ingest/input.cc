// Reads inputs with zlib's gz* API, which passes plain files through unchanged.
#include "ingest/input.h"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "util/strings.h"

namespace kongsi::ingest {
namespace fs = std::filesystem;

namespace {
// Inside folders only files that look like STIX input are read (a feed folder often holds
// README, SOURCES.md, checksums ...); files named on the command line are always read.
bool LooksLikeStixInput(const fs::path& path) {
  std::string name = path.filename().string();
  if (name.size() > 3 && name.compare(name.size() - 3, 3, ".gz") == 0) {
    name.resize(name.size() - 3);
  }
  for (const char* ext : {".json", ".jsonl", ".ndjson", ".stix"}) {
    const size_t n = std::strlen(ext);
    if (name.size() > n && name.compare(name.size() - n, n, ext) == 0) return true;
  }
  return false;
}
}  // namespace

absl::StatusOr<std::vector<InputSource>> ExpandInputs(const std::vector<std::string>& args) {
  std::vector<InputSource> out;
  for (const std::string& arg : args) {
    if (arg == "-") {
      out.push_back({"-"});
      continue;
    }
    std::error_code ec;
    const fs::file_status status = fs::status(arg, ec);
    if (ec || !fs::exists(status)) {
      return absl::NotFoundError(util::StrCat(arg, ": no such file or folder"));
    }
    if (!fs::is_directory(status)) {
      out.push_back({arg});
      continue;
    }
    std::vector<std::string> files;
    fs::recursive_directory_iterator it(arg, fs::directory_options::skip_permission_denied, ec);
    if (ec) return absl::UnavailableError(util::StrCat(arg, ": ", ec.message()));
    for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) return absl::UnavailableError(util::StrCat(arg, ": ", ec.message()));
      const std::string name = it->path().filename().string();
      if (!name.empty() && name[0] == '.') {
        if (it->is_directory()) it.disable_recursion_pending();
        continue;
      }
      if (it->is_regular_file() && LooksLikeStixInput(it->path())) {
        files.push_back(it->path().string());
      }
    }
    std::sort(files.begin(), files.end());
    for (std::string& f : files) out.push_back({std::move(f)});
  }
  return out;
}

absl::StatusOr<std::string> ReadSource(const InputSource& source) {
  const bool is_stdin = source.path == "-";
  const int fd = is_stdin ? dup(STDIN_FILENO) : open(source.path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return absl::UnavailableError(
        util::StrCat(source.DisplayName(), ": cannot open: ", std::strerror(errno)));
  }
  gzFile gz = gzdopen(fd, "rb");
  if (gz == nullptr) {
    close(fd);
    return absl::UnavailableError(util::StrCat(source.DisplayName(), ": cannot read"));
  }
  gzbuffer(gz, 1 << 20);
  std::string data;
  constexpr size_t kChunk = 1 << 20;
  for (;;) {
    const size_t old = data.size();
    data.resize(old + kChunk);
    const int n = gzread(gz, data.data() + old, static_cast<unsigned>(kChunk));
    if (n < 0) {
      int code = 0;
      const char* message = gzerror(gz, &code);
      std::string text = util::StrCat(source.DisplayName(), ": ",
                                      code == Z_ERRNO ? std::strerror(errno) : message);
      gzclose(gz);
      return code == Z_ERRNO ? absl::UnavailableError(text) : absl::DataLossError(text);
    }
    data.resize(old + static_cast<size_t>(n));
    if (n == 0) break;
  }
  // gzread stops silently at a truncated gzip member; gzclose reports it.
  int code = 0;
  const char* message = gzerror(gz, &code);
  std::string error = code != Z_OK && code != Z_STREAM_END ? message : "";
  if (const int rc = gzclose(gz); rc != Z_OK && error.empty()) {
    error = rc == Z_BUF_ERROR ? "truncated gzip stream" : "error reading gzip stream";
  }
  if (!error.empty()) return absl::DataLossError(util::StrCat(source.DisplayName(), ": ", error));
  return data;
}

}  // namespace kongsi::ingest

// Reads inputs with zlib's gz* API, which passes plain files through unchanged.
#include "ingest/input.h"

#include <fcntl.h>
#include <sys/stat.h>
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

namespace {

// Reads everything from `fd` (a plain file or a pipe) into `data`, after what it holds.
absl::Status ReadAll(int fd, const std::string& name, std::string& data) {
  constexpr size_t kChunk = 1 << 20;
  for (;;) {
    const size_t old = data.size();
    data.resize(old + kChunk);
    const ssize_t n = read(fd, data.data() + old, kChunk);
    if (n < 0 && errno == EINTR) {
      data.resize(old);
      continue;
    }
    if (n < 0) {
      data.resize(old);
      return absl::UnavailableError(util::StrCat(name, ": ", std::strerror(errno)));
    }
    data.resize(old + static_cast<size_t>(n));
    if (n == 0) return absl::OkStatus();
  }
}

// Inflates a gzip stream of one or more members (as `cat a.gz b.gz` makes).
absl::StatusOr<std::string> Gunzip(std::string_view compressed, const std::string& name) {
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 16) != Z_OK) {
    return absl::InternalError(util::StrCat(name, ": zlib failed to initialise"));
  }
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  zs.avail_in = static_cast<uInt>(compressed.size());  // inputs beyond 4 GiB: see below
  size_t consumed_before = 0;
  std::string out;
  out.resize(std::max<size_t>(compressed.size() * 4, 1 << 16));
  size_t produced = 0;
  int rc = Z_OK;
  for (;;) {
    if (zs.avail_in == 0 && consumed_before + zs.total_in < compressed.size()) {
      const size_t offset = consumed_before + zs.total_in;
      zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()) + offset);
      zs.avail_in = static_cast<uInt>(std::min<size_t>(compressed.size() - offset, 1u << 30));
    }
    if (produced == out.size()) out.resize(out.size() * 2);
    zs.next_out = reinterpret_cast<Bytef*>(out.data() + produced);
    zs.avail_out = static_cast<uInt>(std::min<size_t>(out.size() - produced, 1u << 30));
    const uInt before = zs.avail_out;
    rc = inflate(&zs, Z_NO_FLUSH);
    produced += before - zs.avail_out;
    if (rc == Z_STREAM_END) {
      const size_t offset = consumed_before + zs.total_in;
      if (offset >= compressed.size()) break;  // the last member
      consumed_before = offset;                // another member follows
      inflateReset(&zs);
      zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()) + offset);
      zs.avail_in = static_cast<uInt>(std::min<size_t>(compressed.size() - offset, 1u << 30));
      continue;
    }
    if (rc == Z_BUF_ERROR && zs.avail_in == 0 &&
        consumed_before + zs.total_in >= compressed.size()) {
      inflateEnd(&zs);
      return absl::DataLossError(util::StrCat(name, ": truncated gzip stream"));
    }
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      std::string why = zs.msg != nullptr ? zs.msg : "corrupt gzip stream";
      inflateEnd(&zs);
      return absl::DataLossError(util::StrCat(name, ": ", why));
    }
  }
  inflateEnd(&zs);
  out.resize(produced);
  return out;
}

}  // namespace

absl::StatusOr<std::string> ReadSource(const InputSource& source) {
  const bool is_stdin = source.path == "-";
  const int fd = is_stdin ? dup(STDIN_FILENO) : open(source.path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return absl::UnavailableError(
        util::StrCat(source.DisplayName(), ": cannot open: ", std::strerror(errno)));
  }
  // Plain input is read directly (zlib's transparent mode copies every byte once more); the
  // first two bytes tell gzip (1f 8b) from plain text.
  std::string head(2, '\0');
  ssize_t got = 0;
  while (got < 2) {
    const ssize_t n = read(fd, head.data() + got, static_cast<size_t>(2 - got));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += n;
  }
  head.resize(static_cast<size_t>(std::max<ssize_t>(got, 0)));
  const bool gzip = head.size() == 2 && static_cast<unsigned char>(head[0]) == 0x1f &&
                    static_cast<unsigned char>(head[1]) == 0x8b;
  if (!gzip) {
    std::string data = std::move(head);
    struct stat st;
    if (!is_stdin && fstat(fd, &st) == 0 && st.st_size > 0) {
      data.reserve(static_cast<size_t>(st.st_size) + (1 << 20) + 1);  // no regrowth at EOF
    }
    absl::Status status = ReadAll(fd, source.DisplayName(), data);
    close(fd);
    if (!status.ok()) return status;
    return data;
  }
  // gzip: read the compressed stream, then inflate it in memory (works for pipes too).
  std::string compressed = std::move(head);
  absl::Status status = ReadAll(fd, source.DisplayName(), compressed);
  close(fd);
  if (!status.ok()) return status;
  return Gunzip(compressed, source.DisplayName());
}

}  // namespace kongsi::ingest

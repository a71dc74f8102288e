// The matching pipeline (see matcher.h): a reader on the calling thread, workers matching
// chunks of whole lines, hits emitted in input order.
#include "match/matcher.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "match/event_time.h"
#include "util/strings.h"

namespace kongsi::match {
namespace {

// A stream (gzip, pipe) holding no line end for this long is not a log: stop rather than
// buffer it all. (A mapped file needs no buffer; its lines may be any length.)
constexpr size_t kMaxStreamLine = size_t{256} << 20;

struct Chunk {
  uint64_t seq = 0;
  std::string_view data;  // whole lines (the last may lack its '\n' at the end of input)
  std::string owned;      // the bytes, when not mapped from the file (padded)
  std::shared_ptr<const LogReader> state;  // the reader as it stands before this chunk
};

struct ChunkResult {
  uint64_t bytes = 0, lines = 0, events = 0, values = 0, malformed = 0, unreadable = 0, outside = 0;
  uint64_t suppressed = 0;
  std::map<std::string, uint64_t> suppressed_by_list;
  std::vector<Hit> hits;  // lines relative to the chunk
  std::vector<MalformedLine> malformed_samples;
};

// Matches every line of one chunk.
class ChunkMatcher {
 public:
  ChunkMatcher(const IndicatorIndex& index, const MatchOptions& options)
      : index_(index), options_(options) {}

  void Run(const Chunk& chunk, ChunkResult& out) {
    if (chunk.state.get() != state_) {
      reader_ = chunk.state->Clone();
      state_ = chunk.state.get();
    }
    out.bytes = chunk.data.size();
    std::string_view rest = chunk.data;
    uint64_t line_number = 0;
    while (!rest.empty()) {
      const size_t nl = rest.find('\n');
      std::string_view line = rest.substr(0, nl);
      rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
      ++line_number;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      switch (reader_->Read(line, event_)) {
        case LineResult::kSkip:
          continue;
        case LineResult::kMalformed:
          ++out.malformed;
          if (out.malformed_samples.size() < options_.malformed_samples) {
            out.malformed_samples.push_back(
                MalformedLine{line_number, std::string(reader_->Error())});
          }
          continue;
        case LineResult::kEvent:
          break;
      }
      ++out.events;
      MatchEvent(line_number, out);
    }
    out.lines = line_number;
  }

 private:
  void MatchEvent(uint64_t line_number, ChunkResult& out) {
    bool time_read = false;
    std::optional<util::Timestamp> time;
    for (const FieldValue& v : event_.values) {
      ++out.values;
      found_.clear();
      if (!index_.Lookup(v.kind, v.value, scratch_, [&](uint32_t i) { found_.push_back(i); })) {
        ++out.unreadable;
        continue;
      }
      if (found_.empty()) continue;
      if (!time_read) {
        time = ParseEventTime(event_.timestamp);
        time_read = true;
      }
      const util::Timestamp at =
          options_.validity == Validity::kNow || !time ? options_.now : *time;
      std::sort(found_.begin(), found_.end());
      found_.erase(std::unique(found_.begin(), found_.end()), found_.end());
      found_.erase(std::remove_if(found_.begin(), found_.end(),
                                  [&](uint32_t i) { return !index_.Record(i).ValidAt(at); }),
                   found_.end());
      if (found_.empty()) {
        ++out.outside;
        continue;
      }
      if (options_.warninglists != nullptr) {
        if (const Warninglist* list = options_.warninglists->Find(v.kind, v.value, scratch_)) {
          ++out.suppressed;
          ++out.suppressed_by_list[list->name];
          continue;
        }
      }
      Hit hit;
      hit.line = line_number;
      hit.field = std::string(v.field);
      hit.kind = v.kind;
      hit.value = std::string(v.value);
      hit.timestamp = std::string(event_.timestamp);
      hit.time = time;
      hit.indicators = found_;
      out.hits.push_back(std::move(hit));
    }
  }

  const IndicatorIndex& index_;
  const MatchOptions& options_;
  std::unique_ptr<LogReader> reader_;
  const LogReader* state_ = nullptr;
  Event event_;
  std::string scratch_;
  std::vector<uint32_t> found_;
};

// Where chunks come from: a mapped regular file, or a stream (gzip, pipe, stdin) read through
// zlib (which passes data that is not gzip through unchanged).
class Input {
 public:
  ~Input() {
    if (map_ != nullptr) munmap(map_, map_size_);
    if (gz_ != nullptr) gzclose(gz_);
    if (fd_ >= 0) close(fd_);
  }

  absl::Status Open(const std::string& path) {
    name_ = path == "-" ? "<stdin>" : path;
    fd_ = path == "-" ? dup(0) : open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) {
      const int err = errno;
      if (err == ENOENT) return absl::NotFoundError(util::StrCat(path, ": no such file"));
      return absl::UnavailableError(util::StrCat(path, ": ", std::strerror(err)));
    }
    struct stat st {};
    if (fstat(fd_, &st) == 0 && S_ISDIR(st.st_mode)) {
      return absl::InvalidArgumentError(util::StrCat(path, ": is a folder"));
    }
    if (fstat(fd_, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
      unsigned char magic[2] = {0, 0};
      const bool gzip = pread(fd_, magic, 2, 0) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
      if (!gzip) {
        map_size_ = static_cast<size_t>(st.st_size);
        void* m = mmap(nullptr, map_size_, PROT_READ, MAP_PRIVATE, fd_, 0);
        if (m == MAP_FAILED) {
          return absl::UnavailableError(util::StrCat(path, ": ", std::strerror(errno)));
        }
        map_ = static_cast<char*>(m);
        madvise(map_, map_size_, MADV_SEQUENTIAL);
        total_ = map_size_;
        return absl::OkStatus();
      }
    }
    gz_ = gzdopen(fd_, "rb");
    if (gz_ == nullptr) return absl::UnavailableError(util::StrCat(path, ": cannot read"));
    fd_ = -1;  // owned by gz_ now
    gzbuffer(gz_, 1u << 18);
    return absl::OkStatus();
  }

  // Fills the next chunk of whole lines; false at the end. Errors on corrupt gzip.
  absl::StatusOr<bool> Next(size_t chunk_bytes, Chunk& chunk) {
    return map_ != nullptr ? NextMapped(chunk_bytes, chunk) : NextStream(chunk_bytes, chunk);
  }

  uint64_t total() const { return total_; }  // 0 when unknown

 private:
  bool NextMapped(size_t chunk_bytes, Chunk& chunk) {
    if (offset_ >= map_size_) return false;
    const char* begin = map_ + offset_;
    size_t end = std::min(map_size_, offset_ + chunk_bytes);
    if (end < map_size_) {
      const void* nl = memrchr(begin, '\n', end - offset_);
      if (nl != nullptr) {
        end = static_cast<size_t>(static_cast<const char*>(nl) - map_) + 1;
      } else {  // one line longer than a chunk: take it whole
        const void* next = memchr(map_ + end, '\n', map_size_ - end);
        end = next == nullptr ? map_size_
                              : static_cast<size_t>(static_cast<const char*>(next) - map_) + 1;
      }
    }
    const size_t size = end - offset_;
    if (end + kLinePadding <= map_size_) {
      chunk.data = std::string_view(begin, size);
    } else {  // the file's last bytes: copy, so the reader may read ahead
      chunk.owned.assign(begin, size);
      chunk.owned.append(kLinePadding, ' ');
      chunk.data = std::string_view(chunk.owned).substr(0, size);
    }
    offset_ = end;
    return true;
  }

  absl::StatusOr<bool> NextStream(size_t chunk_bytes, Chunk& chunk) {
    if (eof_ && carry_.empty()) return false;
    std::string buffer = std::move(carry_);
    carry_.clear();
    while (!eof_) {
      const size_t have = buffer.size();
      const size_t want = have < chunk_bytes ? chunk_bytes - have : chunk_bytes;
      buffer.resize(have + want);
      const int n = gzread(gz_, buffer.data() + have, static_cast<unsigned>(want));
      if (n < 0) {
        int code = 0;
        const char* message = gzerror(gz_, &code);
        return absl::DataLossError(util::StrCat(name_, ": cannot read after ", read_ + have,
                                                " bytes: ", message == nullptr ? "" : message));
      }
      buffer.resize(have + static_cast<size_t>(n));
      read_ += static_cast<size_t>(n);
      if (n == 0) {
        // zlib reports a gzip stream that ends before its trailer only this way.
        int code = Z_OK;
        gzerror(gz_, &code);
        if (code == Z_BUF_ERROR) {
          return absl::DataLossError(util::StrCat(name_, ": the gzip stream is truncated after ",
                                                  read_, " bytes of content"));
        }
        eof_ = true;
        break;
      }
      // Stop at a chunk's worth, once a line ends in it.
      if (buffer.size() >= chunk_bytes && buffer.find('\n', have) != std::string::npos) break;
      if (buffer.size() > kMaxStreamLine && buffer.find('\n') == std::string::npos) {
        return absl::DataLossError(util::StrCat(name_, ": a line longer than ", kMaxStreamLine,
                                                " bytes after ", read_ - buffer.size(),
                                                " bytes: not a log"));
      }
    }
    size_t cut = buffer.size();
    if (!eof_) {
      const size_t nl = buffer.rfind('\n');
      cut = nl + 1;
      carry_.assign(buffer, cut, std::string::npos);
    }
    buffer.resize(cut);
    if (buffer.empty()) return false;
    const size_t size = buffer.size();
    buffer.append(kLinePadding, ' ');
    chunk.owned = std::move(buffer);
    chunk.data = std::string_view(chunk.owned).substr(0, size);
    return true;
  }

  std::string name_;
  int fd_ = -1;
  char* map_ = nullptr;
  size_t map_size_ = 0;
  size_t offset_ = 0;
  gzFile gz_ = nullptr;
  std::string carry_;
  bool eof_ = false;
  uint64_t read_ = 0;
  uint64_t total_ = 0;
};

bool IsHeaderLine(std::string_view line) {
  const size_t at = line.find_first_not_of('\t');
  return at != std::string_view::npos && line[at] == '#';
}

// Lines of `data` that change a reader's state for the lines after them: Zeek header lines
// (anywhere), the CSV header (the first line of the input).
std::vector<std::string_view> StateLines(LogFormat format, const CsvOptions& csv, bool first_chunk,
                                         std::string_view data) {
  std::vector<std::string_view> lines;
  if (format == LogFormat::kCsv) {
    if (first_chunk && csv.header) lines.push_back(data.substr(0, data.find('\n')));
    return lines;
  }
  if (format != LogFormat::kZeekTsv) return lines;
  size_t at = 0;
  while (at < data.size()) {
    size_t nl = data.find('\n', at);
    if (nl == std::string_view::npos) nl = data.size();
    std::string_view line = data.substr(at, nl - at);
    if (IsHeaderLine(line)) lines.push_back(line);
    if (nl == data.size()) break;
    // Jump to the next line that starts with '#' (headers are rare).
    const size_t next = data.find("\n#", nl);
    at = next == std::string_view::npos ? data.size() : next + 1;
    if (at < nl + 1) at = nl + 1;
  }
  return lines;
}

void Append(ChunkResult& r, uint64_t base, SourceReport& report, const HitCallback& on_hit,
            size_t max_samples) {
  report.bytes += r.bytes;
  report.events += r.events;
  report.values += r.values;
  report.malformed += r.malformed;
  report.unreadable_values += r.unreadable;
  report.outside_validity += r.outside;
  report.suppressed += r.suppressed;
  for (const auto& [list, n] : r.suppressed_by_list) report.suppressed_by_list[list] += n;
  report.hits += r.hits.size();
  for (auto& m : r.malformed_samples) {
    if (report.malformed_samples.size() >= max_samples) break;
    m.line += base;
    report.malformed_samples.push_back(std::move(m));
  }
  for (Hit& h : r.hits) {
    h.line += base;
    if (on_hit) on_hit(h);
  }
}

}  // namespace

absl::StatusOr<SourceReport> MatchSource(const IndicatorIndex& index, const std::string& path,
                                         const MatchOptions& options, const HitCallback& on_hit,
                                         const ProgressCallback& progress) {
  Input input;
  if (absl::Status s = input.Open(path); !s.ok()) return s;
  SourceReport report;
  report.name = path;

  auto chunk = std::make_unique<Chunk>();
  absl::StatusOr<bool> have = input.Next(options.chunk_bytes, *chunk);
  if (!have.ok()) return have.status();
  if (!*have) {
    report.format = options.format;
    return report;
  }
  LogFormat format = options.format;
  if (format == LogFormat::kAuto) {
    std::string_view head = chunk->data.substr(0, 64 * 1024);
    if (head.size() < chunk->data.size()) head = head.substr(0, head.rfind('\n') + 1);
    format = DetectFormat(head, options.csv);
  }
  report.format = format;
  std::unique_ptr<LogReader> prototype = MakeReader(format, options.csv);
  std::shared_ptr<const LogReader> state(prototype->Clone());

  const size_t threads =
      options.threads != 0 ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  const size_t in_flight_limit = 2 * threads + 1;

  std::mutex mu;
  std::condition_variable work_ready, result_ready;
  std::deque<std::unique_ptr<Chunk>> queue;
  std::map<uint64_t, ChunkResult> results;
  bool closing = false;

  std::vector<std::thread> workers;
  for (size_t t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      ChunkMatcher matcher(index, options);
      while (true) {
        std::unique_ptr<Chunk> chunk;
        {
          std::unique_lock lock(mu);
          work_ready.wait(lock, [&] { return closing || !queue.empty(); });
          if (queue.empty()) return;
          chunk = std::move(queue.front());
          queue.pop_front();
        }
        ChunkResult result;
        matcher.Run(*chunk, result);
        {
          std::lock_guard lock(mu);
          results.emplace(chunk->seq, std::move(result));
        }
        result_ready.notify_all();
      }
    });
  }

  uint64_t next_emit = 0, produced = 0, line_base = 0, bytes_done = 0;
  // Emits finished results in order; with `wait_for` set, waits until fewer than that many
  // chunks are in flight.
  auto drain = [&](uint64_t wait_below) {
    std::unique_lock lock(mu);
    while (true) {
      auto it = results.find(next_emit);
      if (it != results.end()) {
        ChunkResult r = std::move(it->second);
        results.erase(it);
        lock.unlock();
        Append(r, line_base, report, on_hit, options.malformed_samples);
        line_base += r.lines;
        bytes_done += r.bytes;
        if (progress) progress(bytes_done);
        ++next_emit;
        lock.lock();
        continue;
      }
      if (produced - next_emit < wait_below) return;
      result_ready.wait(lock);
    }
  };

  absl::Status read_error;
  Event scratch_event;
  while (true) {
    chunk->seq = produced;
    chunk->state = state;
    const auto state_lines = StateLines(format, options.csv, produced == 0, chunk->data);
    if (!state_lines.empty()) {
      for (std::string_view line : state_lines) prototype->Read(line, scratch_event);
      state = std::shared_ptr<const LogReader>(prototype->Clone());
    }
    {
      std::lock_guard lock(mu);
      queue.push_back(std::move(chunk));
      ++produced;
    }
    work_ready.notify_one();
    drain(in_flight_limit);
    chunk = std::make_unique<Chunk>();
    absl::StatusOr<bool> more = input.Next(options.chunk_bytes, *chunk);
    if (!more.ok()) {
      read_error = more.status();
      break;
    }
    if (!*more) break;
  }
  {
    std::lock_guard lock(mu);
    closing = true;
  }
  work_ready.notify_all();
  drain(1);
  for (auto& w : workers) w.join();
  if (!read_error.ok()) return read_error;
  report.lines = line_base;
  return report;
}

}  // namespace kongsi::match

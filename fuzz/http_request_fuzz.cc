// libFuzzer target for an HTTP request as `kongsi serve` reads it: the bytes go through
// Beast's request parser with the server's header and body limits (as src/http/session.cc
// configures it), and a request that parses is turned into the TAXII service's view of it:
// path and query split, headers looked up case-insensitively (http::Request), the query
// parsed as TAXII filters and the Accept / Content-Type headers negotiated.
//
// Only Beast's parser is used (no Asio coroutines, which clang 14 cannot build).
// Build and run: `make fuzz` (docs/building.md).
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <utility>  // before Boost (Boost 1.74)

#include "http/request.h"
#include "taxii/media_type.h"
#include "taxii/query.h"

namespace bhttp = boost::beast::http;

namespace {

std::string_view View(boost::beast::string_view v) { return {v.data(), v.size()}; }

[[noreturn]] void Fail(const char* what) {
  std::fprintf(stderr, "http_request_fuzz: invariant broken: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(16 * 1024);
  parser.body_limit(64 * 1024);
  parser.eager(true);
  boost::beast::error_code ec;
  size_t offset = 0;
  // Feed the bytes in the pieces a socket might deliver them in.
  while (offset < size && !parser.is_done()) {
    const size_t piece = std::min<size_t>(size - offset, 1 + (data[offset] % 97));
    const size_t used = parser.put(boost::asio::const_buffer(data + offset, piece), ec);
    if (ec == bhttp::error::need_more) {
      if (piece == size - offset) break;  // nothing more to give
      // Give a larger piece next time: put() consumes nothing until a whole header line.
      const size_t grown = parser.put(boost::asio::const_buffer(data + offset, size - offset), ec);
      if (ec && ec != bhttp::error::need_more) return 0;
      offset += grown;
      if (ec == bhttp::error::need_more) break;
      continue;
    }
    if (ec) return 0;  // the server answers 400 / 413 / 431 and closes
    offset += used;
  }
  if (!parser.is_done()) return 0;
  const auto& message = parser.get();
  kongsi::http::Request request;
  request.method = View(message.method_string());
  request.target = View(message.target());
  const size_t question = request.target.find('?');
  request.path = request.target.substr(0, question);
  request.query = question == std::string_view::npos ? "" : request.target.substr(question + 1);
  request.body = message.body();
  for (const auto& field : message)
    request.headers.emplace_back(View(field.name_string()), View(field.value()));
  if (request.path.size() + request.query.size() > request.target.size())
    Fail("split longer than target");
  const std::string_view accept = request.Header("accept");
  if (!message[bhttp::field::accept].empty() && accept.empty()) Fail("Accept not found");
  (void)kongsi::taxii::AcceptsTaxii(accept);
  (void)kongsi::taxii::IsTaxiiContentType(request.Header("Content-Type"));
  auto filters = kongsi::taxii::ParseFilters(request.query, 0x7f);
  if (!filters.ok() && filters.status().message().empty()) Fail("error without a message");
  return 0;
}

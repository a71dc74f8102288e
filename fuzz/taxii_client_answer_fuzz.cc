// libFuzzer target for what a peer answers the TAXII client (taxii/client_parse.h): a peer's
// answers are untrusted input. The first byte picks the answer (its value modulo 4: an objects
// envelope, a status resource, an API root, an error body); the rest is the body. For an
// envelope with bit 2 of the first byte set, the body starts with two lines holding the
// X-TAXII-Date-Added-First and -Last header values.
//
// Besides the sanitizers it checks: every error is InvalidArgument and names the request; a
// page keeps the body as received (a blank one becomes "{}") and has a date for each header
// that was given; the add-objects parser (what a pull does next) reads a page with objects into
// exactly that many items (member names spelled with escapes included); a status
// resource has an id and no negative count; parsing the same answer again gives the same
// result (nothing leaks between answers through the reused parser); an error body that is not
// a JSON object is described by a short printable excerpt.
//
// Build and run: `make fuzz` (docs/building.md).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "stix/validate.h"
#include "taxii/add_objects.h"
#include "taxii/client_parse.h"

namespace {

constexpr std::string_view kWhat = "GET https://peer.example/api1/collections/c1/objects/";

[[noreturn]] void Fail(const char* what) {
  std::fprintf(stderr, "taxii_client_answer_fuzz: invariant broken: %s\n", what);
  std::abort();
}

template <typename T>
bool CheckError(const absl::StatusOr<T>& parsed) {
  if (parsed.ok()) return true;
  if (parsed.status().code() != absl::StatusCode::kInvalidArgument) Fail("not InvalidArgument");
  const absl::string_view message = parsed.status().message();
  if (message.substr(0, kWhat.size()) != absl::string_view(kWhat.data(), kWhat.size())) {
    Fail("error does not name the request");
  }
  return false;
}

// The next line of `text` (without its '\n'); `text` keeps what follows.
std::string_view Line(std::string_view& text) {
  const size_t end = text.find('\n');
  const std::string_view line = text.substr(0, end);
  text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
  return line;
}

bool Blank(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

void Envelope(std::string_view body, bool with_headers) {
  std::string_view first, last;
  if (with_headers) {
    first = Line(body);
    last = Line(body);
  }
  using kongsi::taxii::ParseObjectsAnswer;
  const auto page = ParseObjectsAnswer(kWhat, std::string(body), first, last);
  const auto again = ParseObjectsAnswer(kWhat, std::string(body), first, last);
  if (page.ok() != again.ok()) Fail("parsing again gives another outcome");
  if (!CheckError(page)) return;
  if (page->more != again->more || page->next != again->next ||
      page->object_count != again->object_count) {
    Fail("parsing again gives another page");
  }
  if (!first.empty() && !page->date_added_first) Fail("X-TAXII-Date-Added-First lost");
  if (!last.empty() && !page->date_added_last) Fail("X-TAXII-Date-Added-Last lost");
  if (Blank(body)) {
    if (page->body != "{}" || page->object_count != 0 || page->more) Fail("blank page not empty");
    return;
  }
  if (page->body != body) Fail("page body differs from the answer");
  if (page->object_count == 0) return;
  static const kongsi::stix::Validator validator;
  const auto objects = kongsi::taxii::ParseAddObjects(page->body, validator, {});
  if (!objects.ok()) Fail("the add-objects parser refuses a page the client read");
  if (objects->items.size() != page->object_count) Fail("object counts differ");
}

void Status(std::string_view body) {
  const auto status = kongsi::taxii::ParseStatusAnswer(kWhat, body);
  const auto again = kongsi::taxii::ParseStatusAnswer(kWhat, body);
  if (status.ok() != again.ok()) Fail("parsing again gives another outcome");
  if (!CheckError(status)) return;
  if (status->id.empty()) Fail("status without an id");
  if (status->total_count < 0 || status->success_count < 0 || status->failure_count < 0 ||
      status->pending_count < 0) {
    Fail("negative count");
  }
  if (status->id != again->id || status->status != again->status ||
      status->successes.size() != again->successes.size() ||
      status->failures.size() != again->failures.size() ||
      status->pendings.size() != again->pendings.size()) {
    Fail("parsing again gives another status");
  }
}

void ApiRoot(std::string_view body) {
  const auto root = kongsi::taxii::ParseApiRootAnswer(kWhat, body);
  const auto again = kongsi::taxii::ParseApiRootAnswer(kWhat, body);
  if (root.ok() != again.ok()) Fail("parsing again gives another outcome");
  if (!CheckError(root)) return;
  if (root->title != again->title || root->versions != again->versions ||
      root->max_content_length != again->max_content_length) {
    Fail("parsing again gives another API root");
  }
}

void ErrorBody(std::string_view body) {
  const std::string detail = kongsi::taxii::DescribeErrorAnswer(body);
  if (detail != kongsi::taxii::DescribeErrorAnswer(body)) Fail("described differently again");
  const size_t start = body.find_first_not_of(" \t\r\n");
  if (start != std::string_view::npos && body[start] == '{') return;  // maybe an error resource
  if (detail.size() > 203) Fail("excerpt too long");
  for (char c : detail) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) Fail("control character in excerpt");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t selector = data[0];
  const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (selector % 4) {
    case 0:
      Envelope(body, (selector & 4) != 0);
      break;
    case 1:
      Status(body);
      break;
    case 2:
      ApiRoot(body);
      break;
    default:
      ErrorBody(body);
      break;
  }
  return 0;
}

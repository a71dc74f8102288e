// libFuzzer target for the canonical forms of network observables (stix/normalize.h) and the
// value-index forms built on them (stix/observable.h). The bytes are given, as one string, to
// every parser and normaliser.
//
// Besides the sanitizers (ASan, UBSan) it checks the invariants the indicator index, the log
// matcher and the value index rely on:
//  - an accepted IPv4 address prints back as the input (the grammar has one spelling); an
//    accepted IPv6 address prints in a form that reads back as the same bytes and prints the
//    same again; CIDR blocks have no host bits set and read back the same when printed;
//  - NormaliseDomain, NormaliseUrl and NormaliseEmail are idempotent: their results normalise
//    to themselves; a normalised domain is what IsNormalDomain accepts, and on ASCII input
//    IsNormalDomain holds exactly when NormaliseDomain leaves the input as it is;
//  - a normalised URL is printable ASCII (every other byte is percent-encoded);
//  - a decoded digest has 16, 20, 32 or 64 bytes;
//  - NormaliseObservable is idempotent for every kind, and LookupForms lists distinct,
//    non-empty forms starting with the value itself.
// A broken invariant aborts with a message, which libFuzzer reports as a crash.
//
// Build and run: `make fuzz` (docs/building.md).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "stix/normalize.h"
#include "stix/observable.h"

namespace {

using kongsi::stix::Ipv6Bytes;

[[noreturn]] void Fail(const char* what, std::string_view input, std::string_view detail = {}) {
  std::fprintf(stderr, "normalize_fuzz: invariant broken: %s\n  input: %.*s\n  got:   %.*s\n", what,
               static_cast<int>(input.size()), input.data(), static_cast<int>(detail.size()),
               detail.data());
  std::abort();
}

bool IsAscii(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

void CheckIpv4(std::string_view text) {
  if (const auto address = kongsi::stix::ParseIpv4(text)) {
    if (kongsi::stix::FormatIpv4(*address) != text) {
      Fail("an accepted IPv4 address prints differently", text, kongsi::stix::FormatIpv4(*address));
    }
  }
  if (const auto cidr = kongsi::stix::ParseIpv4Cidr(text)) {
    if (cidr->prefix > 32) Fail("IPv4 prefix over 32", text);
    const uint32_t host_mask =
        cidr->prefix == 0 ? ~uint32_t{0} : ~(~uint32_t{0} << (32 - cidr->prefix));
    if ((cidr->address & host_mask) != 0) Fail("IPv4 CIDR with host bits set", text);
    const std::string printed =
        kongsi::stix::FormatIpv4(cidr->address) + "/" + std::to_string(cidr->prefix);
    const auto again = kongsi::stix::ParseIpv4Cidr(printed);
    if (!again || again->address != cidr->address || again->prefix != cidr->prefix) {
      Fail("a printed IPv4 CIDR block reads back differently", text, printed);
    }
  }
}

void CheckIpv6(std::string_view text) {
  if (const auto bytes = kongsi::stix::ParseIpv6(text)) {
    const std::string printed = kongsi::stix::FormatIpv6(*bytes);
    const auto again = kongsi::stix::ParseIpv6(printed);
    if (!again || *again != *bytes)
      Fail("a printed IPv6 address reads back differently", text, printed);
    if (kongsi::stix::FormatIpv6(*again) != printed) {
      Fail("FormatIpv6 is not a fixed point", text, printed);
    }
  }
  if (const auto cidr = kongsi::stix::ParseIpv6Cidr(text)) {
    if (cidr->prefix > 128) Fail("IPv6 prefix over 128", text);
    for (int bit = cidr->prefix; bit < 128; ++bit) {
      if (cidr->address[bit / 8] & (0x80 >> (bit % 8))) Fail("IPv6 CIDR with host bits set", text);
    }
    const std::string printed =
        kongsi::stix::FormatIpv6(cidr->address) + "/" + std::to_string(cidr->prefix);
    const auto again = kongsi::stix::ParseIpv6Cidr(printed);
    if (!again || again->address != cidr->address || again->prefix != cidr->prefix) {
      Fail("a printed IPv6 CIDR block reads back differently", text, printed);
    }
  }
}

void CheckDomain(std::string_view text) {
  std::string out;
  const bool ok = kongsi::stix::NormaliseDomain(text, out);
  const bool normal = kongsi::stix::IsNormalDomain(text);
  if (normal && (!ok || out != text))
    Fail("IsNormalDomain accepts what NormaliseDomain changes", text, out);
  if (IsAscii(text) && ok && out == text && !normal) {
    Fail("NormaliseDomain keeps an ASCII name that IsNormalDomain refuses", text);
  }
  if (!ok) return;
  if (!kongsi::stix::IsNormalDomain(out)) Fail("a normalised domain is not normal", text, out);
  std::string again;
  if (!kongsi::stix::NormaliseDomain(out, again) || again != out) {
    Fail("NormaliseDomain is not idempotent", text, out + " -> " + again);
  }
}

void CheckUrl(std::string_view text) {
  std::string out;
  if (!kongsi::stix::NormaliseUrl(text, out)) return;
  for (char c : out) {
    const auto b = static_cast<unsigned char>(c);
    if (b <= 0x20 || b >= 0x7F)
      Fail("a normalised URL holds a byte that is not printable ASCII", text, out);
  }
  std::string again;
  if (!kongsi::stix::NormaliseUrl(out, again) || again != out) {
    Fail("NormaliseUrl is not idempotent", text, out + " -> " + again);
  }
}

void CheckEmail(std::string_view text) {
  std::string out;
  if (!kongsi::stix::NormaliseEmail(text, out)) return;
  if (std::count(out.begin(), out.end(), '@') != 1)
    Fail("a normalised e-mail address without one '@'", text, out);
  std::string again;
  if (!kongsi::stix::NormaliseEmail(out, again) || again != out) {
    Fail("NormaliseEmail is not idempotent", text, out + " -> " + again);
  }
}

void CheckHash(std::string_view text) {
  std::string out;
  if (!kongsi::stix::DecodeHashHex(text, out)) return;
  if (out.size() != 16 && out.size() != 20 && out.size() != 32 && out.size() != 64) {
    Fail("a decoded digest of an odd length", text);
  }
}

void CheckObservable(std::string_view text) {
  for (std::string_view kind : {"ipv4-addr", "ipv6-addr", "domain-name", "url", "email-addr",
                                "mac-addr", "file:hashes.SHA-256", "file:name"}) {
    const std::string once = kongsi::stix::NormaliseObservable(kind, text);
    const std::string twice = kongsi::stix::NormaliseObservable(kind, once);
    if (twice != once)
      Fail("NormaliseObservable is not idempotent", text,
           std::string(kind) + ": " + once + " -> " + twice);
  }
  const std::vector<std::string> forms = kongsi::stix::LookupForms(text);
  if (!text.empty() && (forms.empty() || forms.front() != text)) {
    Fail("LookupForms does not start with the value", text);
  }
  for (size_t i = 0; i < forms.size(); ++i) {
    if (forms[i].empty()) Fail("LookupForms lists an empty form", text);
    for (size_t j = 0; j < i; ++j) {
      if (forms[i] == forms[j]) Fail("LookupForms lists a form twice", text, forms[i]);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  CheckIpv4(text);
  CheckIpv6(text);
  CheckDomain(text);
  CheckUrl(text);
  CheckEmail(text);
  CheckHash(text);
  CheckObservable(text);
  return 0;
}

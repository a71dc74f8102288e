// Suricata EVE JSON lines. Member names are compared as raw bytes (Suricata never escapes
// them); a member of an unexpected type (a number where a string is expected) is skipped, not
// an error: only lines that are not one JSON object are malformed.
#include "match/eve_reader.h"

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>

#include "match/field_text.h"
#include "match/json_value.h"
#include "simdjson.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace kongsi::match {
namespace {

namespace od = simdjson::ondemand;
using json::ForEachString;
using json::KeyText;
using json::StringText;
using json::TokenText;
using simdjson::error_code;
using simdjson::SUCCESS;

static_assert(kLinePadding >= simdjson::SIMDJSON_PADDING);

// A member that is not of the expected type is not an error (see above).
inline bool Failed(error_code error) {
  return error != SUCCESS && error != simdjson::INCORRECT_TYPE;
}

#define KONGSI_EVE_TRY(expr)           \
  do {                                 \
    const error_code error_ = (expr);  \
    if (Failed(error_)) return error_; \
  } while (false)

// The kind of a DNS record's data by its type: addresses and names; other types (TXT, SOA,
// SRV, ...) hold no value the matcher looks for.
bool RdataKind(std::string_view rrtype, Observable& kind) {
  if (rrtype == "A" || rrtype == "AAAA") {
    kind = Observable::kIpAddress;
    return true;
  }
  if (rrtype == "CNAME" || rrtype == "NS" || rrtype == "MX" || rrtype == "PTR" ||
      rrtype == "DNAME") {
    kind = Observable::kDomainName;
    return true;
  }
  return false;
}

// Field names for the values of dns.grouped, one per record type that holds a value.
std::string_view GroupedField(std::string_view rrtype) {
  if (rrtype == "A") return "dns.grouped.A";
  if (rrtype == "AAAA") return "dns.grouped.AAAA";
  if (rrtype == "CNAME") return "dns.grouped.CNAME";
  if (rrtype == "NS") return "dns.grouped.NS";
  if (rrtype == "MX") return "dns.grouped.MX";
  if (rrtype == "PTR") return "dns.grouped.PTR";
  if (rrtype == "DNAME") return "dns.grouped.DNAME";
  return {};
}

enum : uint8_t { kSeenTimestamp = 1, kSeenSrc = 2, kSeenDest = 4 };

// Flows (the bulk of most EVE logs) and statistics hold no values beyond the top-level
// addresses, but long nested objects ("flow", "tcp", "stats"). Once their timestamp and
// addresses are read, the rest of the line is not walked, which makes the reader about 40%
// faster on typical logs. Other types are walked to the end: alerts carry app-layer objects
// after them. The part not walked has been through simdjson's stage 1 (strings closed, valid
// UTF-8) and the line must end with '}'; a line that lacks only its last brace after an
// inner object is the one cut-off form that is read as an event.
uint8_t StopWhen(std::string_view event_type) {
  if (event_type == "flow" || event_type == "netflow") {
    return kSeenTimestamp | kSeenSrc | kSeenDest;
  }
  if (event_type == "stats") return kSeenTimestamp;
  return 0;
}

// Whether the rest of a line has an "ether" member (Suricata 6 and 7 write it after the flow
// objects): then a flow line is walked to the end. A SIMD search for 'e' and the quote five
// bytes later, confirmed with memcmp (glibc's memmem costs a quarter of the reader's time).
bool HasEtherMember(std::string_view line) {
  constexpr std::string_view kNeedle = "\"ether\"";
  const char* p = line.data();
  const size_t n = line.size();
  if (n < kNeedle.size()) return false;
  // Candidates are positions i of the 'e' (needle[1]), 1 <= i <= n - 6.
  size_t i = 1;
#if defined(__SSE2__)
  const __m128i e = _mm_set1_epi8('e');
  const __m128i quote = _mm_set1_epi8('"');
  for (; i + 5 + 16 <= n; i += 16) {
    const __m128i at_e = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    const __m128i at_quote = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i + 5));
    unsigned mask = static_cast<unsigned>(
        _mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(at_e, e), _mm_cmpeq_epi8(at_quote, quote))));
    while (mask != 0) {
      const size_t at = i + static_cast<size_t>(__builtin_ctz(mask));
      if (std::memcmp(p + at - 1, kNeedle.data(), kNeedle.size()) == 0) return true;
      mask &= mask - 1;
    }
  }
#endif
  for (; i + 6 <= n; ++i) {
    if (p[i] == 'e' && std::memcmp(p + i - 1, kNeedle.data(), kNeedle.size()) == 0) return true;
  }
  return false;
}

class EveReader final : public LogReader {
 public:
  LineResult Read(std::string_view line, Event& event) override;
  std::string_view Error() const override { return error_; }
  std::unique_ptr<LogReader> Clone() const override { return std::make_unique<EveReader>(); }

 private:
  error_code ReadEvent(std::string_view line, od::object& object, Event& event, bool& stopped);
  error_code ReadDns(od::value& value, Event& event);
  error_code ReadDnsAnswers(od::value& value, Event& event);
  error_code ReadDnsGrouped(od::value& value, Event& event);
  error_code ReadDnsQueries(od::value& value, Event& event);
  error_code ReadHttp(od::value& value, Event& event);
  error_code ReadTls(od::value& value, Event& event, bool quic);
  error_code ReadFileinfo(od::value& value, Event& event);
  error_code ReadMail(od::value& value, Event& event, bool smtp);
  error_code ReadEther(od::value& value, Event& event);
  LineResult Malformed(std::string_view what, std::string_view line, error_code error,
                       od::document& doc);

  od::parser parser_;
  std::string error_;
};

// Adds `value` (a string) as `kind`.
inline error_code AddString(od::value& value, Event& event, std::string_view field,
                            Observable kind) {
  std::string_view text;
  KONGSI_EVE_TRY(StringText(value, event, text));
  event.Add(field, kind, text);
  return SUCCESS;
}

// The "hash" member of a JA3 / JA3S object (or the value itself when it is a string).
error_code AddJa3(od::value& value, Event& event, std::string_view field, Observable kind) {
  od::json_type type;
  KONGSI_EVE_TRY(value.type().get(type));
  if (type == od::json_type::string) return AddString(value, event, field, kind);
  od::object object;
  if (type != od::json_type::object || value.get_object().get(object) != SUCCESS) return SUCCESS;
  for (auto member : object) {
    od::field f;
    KONGSI_EVE_TRY(std::move(member).get(f));
    if (KeyText(f.key()) == "hash") KONGSI_EVE_TRY(AddString(f.value(), event, field, kind));
  }
  return SUCCESS;
}

// Enters `value` when it is an object (an array); `entered` is false for other types.
inline error_code GetObject(od::value& value, od::object& object, bool& entered) {
  const error_code error = value.get_object().get(object);
  entered = error == SUCCESS;
  return error == simdjson::INCORRECT_TYPE ? SUCCESS : error;
}
inline error_code GetArray(od::value& value, od::array& array, bool& entered) {
  const error_code error = value.get_array().get(array);
  entered = error == SUCCESS;
  return error == simdjson::INCORRECT_TYPE ? SUCCESS : error;
}

LineResult EveReader::Read(std::string_view line, Event& event) {
  event.clear();
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  size_t first = 0;
  while (first < line.size() && json::IsJsonSpace(line[first])) ++first;
  if (first == line.size()) return LineResult::kSkip;

  od::document doc;
  error_code error = parser_
                         .iterate(simdjson::padded_string_view(line.data(), line.size(),
                                                               line.size() + kLinePadding))
                         .get(doc);
  if (error) {
    error_ = "invalid JSON: ";
    error_ += simdjson::error_message(error);
    return LineResult::kMalformed;
  }
  od::object object;
  error = doc.get_object().get(object);
  if (error == simdjson::INCORRECT_TYPE) {
    error_ = "not a JSON object";
    return LineResult::kMalformed;
  }
  bool stopped = false;
  if (!error) error = ReadEvent(line, object, event, stopped);
  if (error) return Malformed("invalid JSON", line, error, doc);
  if (stopped) {
    // The rest of the line was not walked: a line cut short still has to end the object.
    size_t last = line.size();
    while (last > 0 && json::IsJsonSpace(line[last - 1])) --last;
    if (line[last - 1] != '}') {
      error_ = "invalid JSON: the line does not end with '}'";
      return LineResult::kMalformed;
    }
  } else if (!json::AtEnd(doc)) {
    return Malformed("invalid JSON", line, simdjson::TRAILING_CONTENT, doc);
  }
  return LineResult::kEvent;
}

LineResult EveReader::Malformed(std::string_view what, std::string_view line, error_code error,
                                od::document& doc) {
  error_.assign(what);
  const char* location = nullptr;
  if (doc.current_location().get(location) == SUCCESS && location >= line.data() &&
      location <= line.data() + line.size()) {
    error_ += " at column ";
    error_ += std::to_string(location - line.data() + 1);
  }
  error_ += ": ";
  error_ += simdjson::error_message(error);
  return LineResult::kMalformed;
}

error_code EveReader::ReadEvent(std::string_view line, od::object& object, Event& event,
                                bool& stopped) {
  uint8_t seen = 0;
  uint8_t stop_when = 0;             // for address-only event types: what to read before stopping
  const char* walked = line.data();  // where the last member that may complete it starts
  for (auto member : object) {
    if (stop_when != 0 && (seen & stop_when) == stop_when) {
      const std::string_view rest(walked, static_cast<size_t>(line.data() + line.size() - walked));
      if (!HasEtherMember(rest)) {
        stopped = true;
        return SUCCESS;
      }
      stop_when = 0;
    }
    od::field field;
    if (auto error = std::move(member).get(field)) return error;
    const std::string_view key = KeyText(field.key());
    od::value& value = field.value();
    switch (key.size()) {
      case 3:
        if (key == "dns") {
          KONGSI_EVE_TRY(ReadDns(value, event));
        } else if (key == "tls") {
          KONGSI_EVE_TRY(ReadTls(value, event, false));
        } else if (key == "xff") {
          KONGSI_EVE_TRY(AddString(value, event, "xff", Observable::kIpAddress));
        }
        break;
      case 4:
        if (key == "http") {
          KONGSI_EVE_TRY(ReadHttp(value, event));
        } else if (key == "smtp") {
          KONGSI_EVE_TRY(ReadMail(value, event, true));
        } else if (key == "quic") {
          KONGSI_EVE_TRY(ReadTls(value, event, true));
        }
        break;
      case 5:
        if (key == "email") {
          KONGSI_EVE_TRY(ReadMail(value, event, false));
        } else if (key == "ether") {
          KONGSI_EVE_TRY(ReadEther(value, event));
        }
        break;
      case 6:
        if (key == "src_ip") {
          seen |= kSeenSrc;
          walked = value.raw_json_token().data();
          KONGSI_EVE_TRY(AddString(value, event, "src_ip", Observable::kIpAddress));
        }
        break;
      case 7:
        if (key == "dest_ip") {
          seen |= kSeenDest;
          walked = value.raw_json_token().data();
          KONGSI_EVE_TRY(AddString(value, event, "dest_ip", Observable::kIpAddress));
        }
        break;
      case 8:
        if (key == "fileinfo") KONGSI_EVE_TRY(ReadFileinfo(value, event));
        break;
      case 9:
        if (key == "timestamp") {
          seen |= kSeenTimestamp;
          walked = value.raw_json_token().data();
          KONGSI_EVE_TRY(StringText(value, event, event.timestamp));
        }
        break;
      case 10:
        if (key == "event_type") {
          std::string_view type;
          KONGSI_EVE_TRY(StringText(value, event, type));
          stop_when = StopWhen(type);
        }
        break;
      default:
        break;
    }
  }
  return SUCCESS;
}

error_code EveReader::ReadDns(od::value& value, Event& event) {
  od::object object;
  bool entered = false;
  KONGSI_EVE_TRY(GetObject(value, object, entered));
  if (!entered) return SUCCESS;
  std::string_view rrtype;
  std::string_view rdata;
  // Suricata logs answers in detailed form ("answers"), grouped form ("grouped") or both;
  // the values are the same, so only the first form met is read.
  bool answers_read = false;
  for (auto member : object) {
    od::field field;
    if (auto error = std::move(member).get(field)) return error;
    const std::string_view key = KeyText(field.key());
    od::value& v = field.value();
    if (key == "rrname") {
      KONGSI_EVE_TRY(AddString(v, event, "dns.rrname", Observable::kDomainName));
    } else if (key == "rrtype") {
      KONGSI_EVE_TRY(StringText(v, event, rrtype));
    } else if (key == "rdata") {  // version 1: one event per answer
      KONGSI_EVE_TRY(StringText(v, event, rdata));
    } else if (key == "answers" && !answers_read) {
      answers_read = true;
      KONGSI_EVE_TRY(ReadDnsAnswers(v, event));
    } else if (key == "grouped" && !answers_read) {
      answers_read = true;
      KONGSI_EVE_TRY(ReadDnsGrouped(v, event));
    } else if (key == "queries") {  // Suricata 8
      KONGSI_EVE_TRY(ReadDnsQueries(v, event));
    }
  }
  Observable kind;
  if (!rdata.empty() && RdataKind(rrtype, kind)) event.Add("dns.rdata", kind, rdata);
  return SUCCESS;
}

error_code EveReader::ReadDnsAnswers(od::value& value, Event& event) {
  od::array array;
  bool entered = false;
  KONGSI_EVE_TRY(GetArray(value, array, entered));
  if (!entered) return SUCCESS;
  for (auto element : array) {
    od::value answer;
    if (auto error = element.get(answer)) return error;
    od::object object;
    KONGSI_EVE_TRY(GetObject(answer, object, entered));
    if (!entered) continue;
    std::string_view rrtype;
    std::string_view rdata;
    for (auto member : object) {
      od::field field;
      if (auto error = std::move(member).get(field)) return error;
      const std::string_view key = KeyText(field.key());
      if (key == "rrtype") {
        KONGSI_EVE_TRY(StringText(field.value(), event, rrtype));
      } else if (key == "rdata") {
        KONGSI_EVE_TRY(StringText(field.value(), event, rdata));
      }
    }
    Observable kind;
    if (!rdata.empty() && RdataKind(rrtype, kind)) event.Add("dns.answers.rdata", kind, rdata);
  }
  return SUCCESS;
}

error_code EveReader::ReadDnsGrouped(od::value& value, Event& event) {
  od::object object;
  bool entered = false;
  KONGSI_EVE_TRY(GetObject(value, object, entered));
  if (!entered) return SUCCESS;
  for (auto member : object) {
    od::field field;
    if (auto error = std::move(member).get(field)) return error;
    const std::string_view rrtype = KeyText(field.key());
    Observable kind;
    if (!RdataKind(rrtype, kind)) continue;
    const std::string_view name = GroupedField(rrtype);
    KONGSI_EVE_TRY(ForEachString(field.value(), event,
                                 [&](std::string_view text) { event.Add(name, kind, text); }));
  }
  return SUCCESS;
}

error_code EveReader::ReadDnsQueries(od::value& value, Event& event) {
  od::array array;
  bool entered = false;
  KONGSI_EVE_TRY(GetArray(value, array, entered));
  if (!entered) return SUCCESS;
  for (auto element : array) {
    od::value query;
    if (auto error = element.get(query)) return error;
    od::object object;
    KONGSI_EVE_TRY(GetObject(query, object, entered));
    if (!entered) continue;
    for (auto member : object) {
      od::field field;
      if (auto error = std::move(member).get(field)) return error;
      if (KeyText(field.key()) == "rrname") {
        KONGSI_EVE_TRY(
            AddString(field.value(), event, "dns.queries.rrname", Observable::kDomainName));
      }
    }
  }
  return SUCCESS;
}

error_code EveReader::ReadHttp(od::value& value, Event& event) {
  od::object object;
  bool entered = false;
  KONGSI_EVE_TRY(GetObject(value, object, entered));
  if (!entered) return SUCCESS;
  std::string_view hostname;
  std::string_view port;
  std::string_view url;
  for (auto member : object) {
    od::field field;
    if (auto error = std::move(member).get(field)) return error;
    const std::string_view key = KeyText(field.key());
    od::value& v = field.value();
    if (key == "hostname") {
      KONGSI_EVE_TRY(StringText(v, event, hostname));
    } else if (key == "url") {
      KONGSI_EVE_TRY(StringText(v, event, url));
    } else if (key == "http_port") {  // a number; some exporters write it as a string
      const error_code error = StringText(v, event, port);
      if (error == simdjson::INCORRECT_TYPE) {
        port = TokenText(v);
      } else if (error) {
        return error;
      }
    } else if (key == "http_user_agent") {
      KONGSI_EVE_TRY(AddString(v, event, "http.http_user_agent", Observable::kUserAgent));
    } else if (key == "xff") {
      KONGSI_EVE_TRY(AddString(v, event, "http.xff", Observable::kIpAddress));
    }
  }
  if (!hostname.empty()) AddHost(event, "http.hostname", hostname);
  event.Add("http.url", Observable::kUrl, ComposeHttpUrl(event, hostname, port, url));
  return SUCCESS;
}

// TLS and QUIC handshakes: server name, client / server fingerprints, the certificate.
error_code EveReader::ReadTls(od::value& value, Event& event, bool quic) {
  od::object object;
  bool entered = false;
  KONGSI_EVE_TRY(GetObject(value, object, entered));
  if (!entered) return SUCCESS;
  for (auto member : object) {
    od::field field;
    if (auto error = std::move(member).get(field)) return error;
    const std::string_view key = KeyText(field.key());
    od::value& v = field.value();
    if (key == "sni") {
      KONGSI_EVE_TRY(AddString(v, event, quic ? "quic.sni" : "tls.sni", Observable::kDomainName));
    } else if (key == "ja3") {
      KONGSI_EVE_TRY(AddJa3(v, event, quic ? "quic.ja3.hash" : "tls.ja3.hash", Observable::kJa3));
    } else if (key == "ja3s") {
      KONGSI_EVE_TRY(
          AddJa3(v, event, quic ? "quic.ja3s.hash" : "tls.ja3s.hash", Observable::kJa3s));
    } else if (key == "ja4") {
      KONGSI_EVE_TRY(AddString(v, event, quic ? "quic.ja4" : "tls.ja4", Observable::kJa4));
    } else if (quic) {
      if (key == "ua") KONGSI_EVE_TRY(AddString(v, event, "quic.ua", Observable::kUserAgent));
    } else if (key == "fingerprint") {
      KONGSI_EVE_TRY(AddString(v, event, "tls.fingerprint", Observable::kX509Sha1));
    } else if (key == "serial") {
      KONGSI_EVE_TRY(AddString(v, event, "tls.serial", Observable::kX509Serial));
    }
  }
  return SUCCESS;
}

error_code EveReader::ReadFileinfo(od::value& value, Event& event) {
  od::object object;
  bool entered = false;
  KONGSI_EVE_TRY(GetObject(value, object, entered));
  if (!entered) return SUCCESS;
  for (auto member : object) {
    od::field field;
    if (auto error = std::move(member).get(field)) return error;
    const std::string_view key = KeyText(field.key());
    od::value& v = field.value();
    if (key == "md5") {
      KONGSI_EVE_TRY(AddString(v, event, "fileinfo.md5", Observable::kFileHash));
    } else if (key == "sha1") {
      KONGSI_EVE_TRY(AddString(v, event, "fileinfo.sha1", Observable::kFileHash));
    } else if (key == "sha256") {
      KONGSI_EVE_TRY(AddString(v, event, "fileinfo.sha256", Observable::kFileHash));
    } else if (key == "filename") {
      KONGSI_EVE_TRY(AddString(v, event, "fileinfo.filename", Observable::kFileName));
    }
  }
  return SUCCESS;
}

// "smtp" (envelope: mail_from, rcpt_to[]) and "email" (headers: from, to[], cc[]); the
// address is taken out of "<...>" and display-name forms, values without '@' are left out.
error_code EveReader::ReadMail(od::value& value, Event& event, bool smtp) {
  od::object object;
  bool entered = false;
  KONGSI_EVE_TRY(GetObject(value, object, entered));
  if (!entered) return SUCCESS;
  for (auto member : object) {
    od::field field;
    if (auto error = std::move(member).get(field)) return error;
    const std::string_view key = KeyText(field.key());
    std::string_view name;
    if (smtp) {
      if (key == "mail_from") name = "smtp.mail_from";
      if (key == "rcpt_to") name = "smtp.rcpt_to";
    } else {
      if (key == "from") name = "email.from";
      if (key == "to") name = "email.to";
      if (key == "cc") name = "email.cc";
    }
    if (name.empty()) continue;
    KONGSI_EVE_TRY(ForEachString(field.value(), event, [&](std::string_view text) {
      event.Add(name, Observable::kEmailAddress, EmailAddressIn(text));
    }));
  }
  return SUCCESS;
}

// Ethernet addresses: "src_mac" / "dest_mac" (strings) and Suricata 7's "src_macs" /
// "dest_macs" (arrays, in flow events).
error_code EveReader::ReadEther(od::value& value, Event& event) {
  od::object object;
  bool entered = false;
  KONGSI_EVE_TRY(GetObject(value, object, entered));
  if (!entered) return SUCCESS;
  for (auto member : object) {
    od::field field;
    if (auto error = std::move(member).get(field)) return error;
    const std::string_view key = KeyText(field.key());
    std::string_view name;
    if (key == "src_mac" || key == "src_macs") name = "ether.src_mac";
    if (key == "dest_mac" || key == "dest_macs") name = "ether.dest_mac";
    if (name.empty()) continue;
    KONGSI_EVE_TRY(ForEachString(field.value(), event, [&](std::string_view text) {
      event.Add(name, Observable::kMacAddress, text);
    }));
  }
  return SUCCESS;
}

#undef KONGSI_EVE_TRY

}  // namespace

std::unique_ptr<LogReader> NewEveReader() { return std::make_unique<EveReader>(); }

}  // namespace kongsi::match

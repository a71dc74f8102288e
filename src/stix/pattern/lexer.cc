// The lexer of the STIX patterning language. It follows the lexer rules of STIXPattern.g4 with
// two deliberate differences that only change error messages: a t'...', b'...' or h'...'
// whose content is malformed is an error naming the literal (the grammar would fall back to
// an identifier and a string and fail later with a vaguer message), and integers with leading
// zeros are an error rather than two numbers in a row.
#include "stix/pattern/lexer.h"

#include <charconv>
#include <system_error>

#include "util/strings.h"
#include "util/time.h"

namespace kongsi::stix::pattern {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsWordStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsWordChar(char c) { return IsWordStart(c) || IsDigit(c) || c == '-'; }

// A character for a message: 'x' when printable ASCII, else its byte value.
std::string DescribeChar(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u >= 0x20 && u < 0x7f) return util::StrCat("'", std::string(1, c), "'");
  static constexpr char kHex[] = "0123456789ABCDEF";
  return util::StrCat("byte 0x", std::string(1, kHex[u >> 4]), std::string(1, kHex[u & 15]));
}

// At most `limit` bytes of `text`, cut at a UTF-8 character boundary, with "..." when cut.
std::string Excerpt(std::string_view text, size_t limit = 48) {
  if (text.size() <= limit) return std::string(text);
  size_t cut = limit;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return util::StrCat(text.substr(0, cut), "...");
}

// Length of the Unicode white space (other than ASCII) the grammar skips at `s`, or 0:
// U+0085, U+00A0, U+1680, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000.
size_t UnicodeSpaceLength(std::string_view s) {
  auto at = [&](size_t i) { return i < s.size() ? static_cast<unsigned char>(s[i]) : 0u; };
  if (at(0) == 0xC2 && (at(1) == 0x85 || at(1) == 0xA0)) return 2;
  if (at(0) == 0xE1 && at(1) == 0x9A && at(2) == 0x80) return 3;
  if (at(0) == 0xE2 && at(1) == 0x80 &&
      ((at(2) >= 0x80 && at(2) <= 0x8A) || at(2) == 0xA8 || at(2) == 0xA9 || at(2) == 0xAF)) {
    return 3;
  }
  if (at(0) == 0xE2 && at(1) == 0x81 && at(2) == 0x9F) return 3;
  if (at(0) == 0xE3 && at(1) == 0x80 && at(2) == 0x80) return 3;
  return 0;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// The grammar's BinaryLiteral: one or more groups of four base64 characters, the last of which
// may end in "=" or "==". Returns an empty string on success, else what is wrong.
std::string DecodeBase64(std::string_view text, std::string& out) {
  if (text.empty()) return "it is empty";
  if (text.size() % 4 != 0) return "its length is not a multiple of 4";
  size_t padding = 0;
  if (text.back() == '=') padding = text[text.size() - 2] == '=' ? 2 : 1;
  uint32_t bits = 0;
  int count = 0;
  for (size_t i = 0; i < text.size() - padding; ++i) {
    const int v = Base64Value(text[i]);
    if (v < 0) {
      return text[i] == '=' ? "'=' may only end it"
                            : util::StrCat(DescribeChar(text[i]), " is not a base64 character");
    }
    bits = (bits << 6) | static_cast<uint32_t>(v);
    if (++count == 4) {
      out.push_back(static_cast<char>(bits >> 16));
      out.push_back(static_cast<char>(bits >> 8));
      out.push_back(static_cast<char>(bits));
      bits = 0;
      count = 0;
    }
  }
  if (count == 3) {  // "xxx="
    out.push_back(static_cast<char>(bits >> 10));
    out.push_back(static_cast<char>(bits >> 2));
  } else if (count == 2) {  // "xx=="
    out.push_back(static_cast<char>(bits >> 4));
  }
  return "";
}

std::string DecodeHex(std::string_view text, std::string& out) {
  for (char c : text) {
    if (HexValue(c) < 0) return util::StrCat(DescribeChar(c), " is not a hexadecimal digit");
  }
  if (text.size() % 2 != 0) return "it has an odd number of hexadecimal digits";
  for (size_t i = 0; i < text.size(); i += 2) {
    out.push_back(static_cast<char>(HexValue(text[i]) * 16 + HexValue(text[i + 1])));
  }
  return "";
}

}  // namespace

std::string DescribeToken(const Token& token) {
  switch (token.kind) {
    case TokenKind::kEnd:
      return "the end of the pattern";
    case TokenKind::kString:
      return util::StrCat("the string ", Excerpt(token.raw));
    case TokenKind::kInteger:
    case TokenKind::kFloat:
      return util::StrCat("the number ", Excerpt(token.raw));
    case TokenKind::kTimestamp:
      return util::StrCat("the timestamp ", Excerpt(token.raw));
    case TokenKind::kBinary:
      return util::StrCat("the binary value ", Excerpt(token.raw));
    case TokenKind::kHex:
      return util::StrCat("the hex value ", Excerpt(token.raw));
    default:
      return util::StrCat("'", Excerpt(token.raw), "'");
  }
}

Position Lexer::At(size_t pos) const {
  return Position{line_, static_cast<int>(pos - line_start_) + 1};
}

bool Lexer::SkipSpaceAndComments(ParseError& error) {
  while (pos_ < text_.size()) {
    const char c = text_[pos_];
    if (c == '\n') {
      ++pos_;
      ++line_;
      line_start_ = pos_;
    } else if (c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f') {
      ++pos_;
    } else if (const size_t n = UnicodeSpaceLength(text_.substr(pos_)); n > 0) {
      pos_ += n;
    } else if (c == '/' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '/') {
      while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
    } else if (c == '/' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '*') {
      const Position start = Here();
      pos_ += 2;
      for (;;) {
        if (pos_ >= text_.size()) {
          error = {"unterminated comment: '/*' without a closing '*/'", start};
          return false;
        }
        if (text_[pos_] == '*' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '/') {
          pos_ += 2;
          break;
        }
        if (text_[pos_] == '\n') {
          line_start_ = pos_ + 1;
          ++line_;
        }
        ++pos_;
      }
    } else {
      break;
    }
  }
  return true;
}

// Reads a quoted string whose opening quote is at pos_: escapes \' and \\ only.
bool Lexer::ReadQuoted(size_t quote, std::string& out, ParseError& error) {
  const Position start = At(quote);
  pos_ = quote + 1;
  for (;;) {
    if (pos_ >= text_.size()) {
      error = {"unterminated string: no closing quote", start};
      return false;
    }
    const char c = text_[pos_];
    if (c == '\'') {
      ++pos_;
      return true;
    }
    if (c == '\\') {
      if (pos_ + 1 >= text_.size()) {
        error = {"unterminated string: no closing quote", start};
        return false;
      }
      const char next = text_[pos_ + 1];
      if (next != '\'' && next != '\\') {
        error = {util::StrCat("invalid escape in a string: a backslash followed by ",
                              DescribeChar(next), " (only \\' and \\\\ are escapes)"),
                 Here()};
        return false;
      }
      out.push_back(next);
      pos_ += 2;
      continue;
    }
    if (c == '\n') {
      line_start_ = pos_ + 1;
      ++line_;
    }
    out.push_back(c);
    ++pos_;
  }
}

bool Lexer::ReadNumber(Token& token, ParseError& error) {
  const size_t start = pos_;
  const Position position = Here();
  const bool negative = text_[pos_] == '-';
  if (text_[pos_] == '+' || text_[pos_] == '-') ++pos_;
  const size_t int_start = pos_;
  while (pos_ < text_.size() && IsDigit(text_[pos_])) ++pos_;
  const std::string_view int_digits = text_.substr(int_start, pos_ - int_start);
  std::string_view fraction;
  if (pos_ + 1 < text_.size() && text_[pos_] == '.' && IsDigit(text_[pos_ + 1])) {
    const size_t frac_start = ++pos_;
    while (pos_ < text_.size() && IsDigit(text_[pos_])) ++pos_;
    fraction = text_.substr(frac_start, pos_ - frac_start);
  }
  token.raw = text_.substr(start, pos_ - start);
  if (int_digits.empty() && fraction.empty()) {
    error = {util::StrCat(DescribeChar(text_[start]), " must be followed by a number"), position};
    return false;
  }
  if (fraction.empty()) {
    if (int_digits.size() > 1 && int_digits[0] == '0') {
      error = {util::StrCat("the integer ", Excerpt(token.raw), " has a leading zero"), position};
      return false;
    }
    // from_chars takes '-' but not '+'.
    const std::string digits = util::StrCat(negative ? "-" : "", int_digits);
    const auto [end, ec] =
        std::from_chars(digits.data(), digits.data() + digits.size(), token.integer);
    if (ec != std::errc() || end != digits.data() + digits.size()) {
      error = {util::StrCat("the integer ", Excerpt(token.raw), " is out of range"), position};
      return false;
    }
    token.kind = TokenKind::kInteger;
    token.number = static_cast<double>(token.integer);
    return true;
  }
  const std::string digits =
      util::StrCat(negative ? "-" : "", int_digits.empty() ? "0" : "", int_digits, ".", fraction);
  const auto [end, ec] =
      std::from_chars(digits.data(), digits.data() + digits.size(), token.number);
  if (ec != std::errc() || end != digits.data() + digits.size()) {
    error = {util::StrCat("the number ", Excerpt(token.raw), " is out of range"), position};
    return false;
  }
  token.kind = TokenKind::kFloat;
  return true;
}

// t'...', b'...' or h'...': pos_ is at the prefix letter, followed by a quote. The content
// ends at the next quote (these literals have no escapes).
bool Lexer::ReadPrefixedLiteral(char prefix, Token& token, ParseError& error) {
  const size_t start = pos_;
  const Position position = Here();
  const size_t close = text_.find('\'', start + 2);
  if (close == std::string_view::npos) {
    error = {
        util::StrCat("unterminated ", std::string(1, prefix), "'...' literal: no closing quote"),
        position};
    return false;
  }
  const std::string_view content = text_.substr(start + 2, close - start - 2);
  // Keep line counting right should the content span lines (it is an error then anyway).
  for (size_t i = start; i < close; ++i) {
    if (text_[i] == '\n') {
      ++line_;
      line_start_ = i + 1;
    }
  }
  pos_ = close + 1;
  token.raw = text_.substr(start, pos_ - start);
  if (prefix == 't') {
    const absl::StatusOr<util::ParsedTimestamp> parsed = util::ParseRfc3339(content);
    if (!parsed.ok()) {
      error = {util::StrCat("invalid timestamp ", Excerpt(token.raw), ": ",
                            util::AsStd(parsed.status().message())),
               position};
      return false;
    }
    if (!parsed->utc_z || content[10] != 'T') {
      error = {
          util::StrCat("invalid timestamp ", Excerpt(token.raw),
                       ": a pattern timestamp is written YYYY-MM-DDTHH:MM:SS[.s+]Z (upper-case "
                       "'T', UTC with 'Z')"),
          position};
      return false;
    }
    token.kind = TokenKind::kTimestamp;
    token.timestamp_micros = parsed->micros;
    return true;
  }
  const std::string why =
      prefix == 'b' ? DecodeBase64(content, token.value) : DecodeHex(content, token.value);
  if (!why.empty()) {
    error = {util::StrCat("invalid ", prefix == 'b' ? "base64 binary" : "hex", " literal ",
                          Excerpt(token.raw), ": ", why),
             position};
    return false;
  }
  token.kind = prefix == 'b' ? TokenKind::kBinary : TokenKind::kHex;
  return true;
}

bool Lexer::Next(Token& token, ParseError& error) {
  if (!SkipSpaceAndComments(error)) return false;
  token = Token{};
  token.position = Here();
  if (pos_ >= text_.size()) return true;  // kEnd
  const size_t start = pos_;
  const char c = text_[pos_];
  const char next = pos_ + 1 < text_.size() ? text_[pos_ + 1] : '\0';
  auto single = [&](TokenKind kind, size_t length) {
    token.kind = kind;
    pos_ += length;
    token.raw = text_.substr(start, length);
    return true;
  };
  switch (c) {
    case '[':
      return single(TokenKind::kLeftBracket, 1);
    case ']':
      return single(TokenKind::kRightBracket, 1);
    case '(':
      return single(TokenKind::kLeftParen, 1);
    case ')':
      return single(TokenKind::kRightParen, 1);
    case ':':
      return single(TokenKind::kColon, 1);
    case ',':
      return single(TokenKind::kComma, 1);
    case '*':
      return single(TokenKind::kAsterisk, 1);
    case '.':
      if (IsDigit(next)) return ReadNumber(token, error);
      return single(TokenKind::kDot, 1);
    case '=':
      return single(TokenKind::kEqual, next == '=' ? 2 : 1);
    case '!':
      if (next == '=') return single(TokenKind::kNotEqual, 2);
      break;
    case '<':
      if (next == '=') return single(TokenKind::kLessEqual, 2);
      if (next == '>') return single(TokenKind::kNotEqual, 2);
      return single(TokenKind::kLess, 1);
    case '>':
      if (next == '=') return single(TokenKind::kGreaterEqual, 2);
      return single(TokenKind::kGreater, 1);
    case '\'':
      if (!ReadQuoted(pos_, token.value, error)) return false;
      token.kind = TokenKind::kString;
      token.raw = text_.substr(start, pos_ - start);
      return true;
    default:
      break;
  }
  if (IsDigit(c) || c == '+' || c == '-') return ReadNumber(token, error);
  if (IsWordStart(c)) {
    if ((c == 't' || c == 'b' || c == 'h') && next == '\'') {
      return ReadPrefixedLiteral(c, token, error);
    }
    while (pos_ < text_.size() && IsWordChar(text_[pos_])) ++pos_;
    token.kind = TokenKind::kWord;
    token.raw = text_.substr(start, pos_ - start);
    return true;
  }
  error = {util::StrCat("unexpected character ", DescribeChar(c)), token.position};
  return false;
}

}  // namespace kongsi::stix::pattern

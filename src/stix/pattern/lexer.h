// Tokens of the STIX 2.1 patterning language (the lexer rules of the specification's grammar,
// STIXPattern.g4), read one at a time so that errors come out in the order of the text.
// Internal to the pattern parser (parser.cc); its tests use it too.
//
// Keywords are not token kinds of their own: a keyword is a kWord whose text is the keyword,
// and the parser decides from the context (object types and property names may be spelled
// like keywords). Literals are checked and decoded here: strings (escapes \' and \\ only),
// numbers, t'timestamps' (RFC 3339 in UTC), b'base64' and h'hex'. Whitespace (ASCII and the
// Unicode spaces the grammar lists) and /* ... */ and // comments separate tokens.
//
// Not thread-safe (one lexer per parse); the lexer refers to the text it was given.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "stix/pattern/ast.h"
#include "stix/pattern/parser.h"

namespace kongsi::stix::pattern {

enum class TokenKind : uint8_t {
  kEnd,        // end of the text
  kWord,       // identifier or keyword: [A-Za-z_][A-Za-z0-9_-]*
  kString,     // 'text'
  kInteger,    // 42, -7, +3
  kFloat,      // 1.5, -.25
  kTimestamp,  // t'2016-01-01T00:00:00Z'
  kBinary,     // b'aGk='
  kHex,        // h'ab12'
  kLeftBracket,
  kRightBracket,
  kLeftParen,
  kRightParen,
  kColon,
  kDot,
  kComma,
  kAsterisk,
  kEqual,         // = or ==
  kNotEqual,      // != or <>
  kLess,          // <
  kLessEqual,     // <=
  kGreater,       // >
  kGreaterEqual,  // >=
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string_view raw;          // the spelling in the text (empty for kEnd)
  std::string value;             // kString: unescaped; kBinary / kHex: decoded bytes
  int64_t integer = 0;           // kInteger
  double number = 0;             // kInteger, kFloat
  int64_t timestamp_micros = 0;  // kTimestamp
  Position position;
};

// How a token is named in messages: "'OR'", "the string 'abc'", "the end of the pattern".
std::string DescribeToken(const Token& token);

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  // Reads the next token. False with `error` set for text that is no token (an unterminated
  // string, a bad escape, an invalid timestamp, base64 or hex literal, a stray character).
  bool Next(Token& token, ParseError& error);

 private:
  Position Here() const { return Position{line_, static_cast<int>(pos_ - line_start_) + 1}; }
  Position At(size_t pos) const;  // pos on the current line
  bool SkipSpaceAndComments(ParseError& error);
  bool ReadQuoted(size_t quote, std::string& out, ParseError& error);
  bool ReadNumber(Token& token, ParseError& error);
  bool ReadPrefixedLiteral(char prefix, Token& token, ParseError& error);

  std::string_view text_;
  size_t pos_ = 0;
  int line_ = 1;
  size_t line_start_ = 0;
};

}  // namespace kongsi::stix::pattern

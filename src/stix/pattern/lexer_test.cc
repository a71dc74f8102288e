// Tests of the pattern lexer (lexer.h): token kinds, spellings, decoded values and positions,
// and how tokens are named in error messages.
#include "stix/pattern/lexer.h"

#include <string>
#include <string_view>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kongsi::stix::pattern {
namespace {

std::vector<Token> Tokens(std::string_view text) {
  Lexer lexer(text);
  std::vector<Token> out;
  for (;;) {
    Token token;
    ParseError error;
    if (!lexer.Next(token, error)) {
      ADD_FAILURE() << text << ": " << error.ToString();
      return out;
    }
    if (token.kind == TokenKind::kEnd) return out;
    out.push_back(token);
  }
}

TEST(LexerTest, KindsAndSpellings) {
  const std::vector<Token> t = Tokens("[x-a:b.'c'[*][2] == <> != < <= > >= , ( ) ]");
  const std::vector<TokenKind> kinds = {
      TokenKind::kLeftBracket,  TokenKind::kWord,         TokenKind::kColon,
      TokenKind::kWord,         TokenKind::kDot,          TokenKind::kString,
      TokenKind::kLeftBracket,  TokenKind::kAsterisk,     TokenKind::kRightBracket,
      TokenKind::kLeftBracket,  TokenKind::kInteger,      TokenKind::kRightBracket,
      TokenKind::kEqual,        TokenKind::kNotEqual,     TokenKind::kNotEqual,
      TokenKind::kLess,         TokenKind::kLessEqual,    TokenKind::kGreater,
      TokenKind::kGreaterEqual, TokenKind::kComma,        TokenKind::kLeftParen,
      TokenKind::kRightParen,   TokenKind::kRightBracket,
  };
  ASSERT_EQ(t.size(), kinds.size());
  for (size_t i = 0; i < kinds.size(); ++i) EXPECT_EQ(t[i].kind, kinds[i]) << i;
  EXPECT_EQ(t[1].raw, "x-a");
  EXPECT_EQ(t[5].raw, "'c'");
  EXPECT_EQ(t[5].value, "c");
  EXPECT_EQ(t[12].raw, "==");
  EXPECT_EQ(t[13].raw, "<>");
}

TEST(LexerTest, LiteralValues) {
  const std::vector<Token> t =
      Tokens(R"('a\'b\\c' -12 +.5 t'1970-01-01T00:00:01.5Z' b'AQID' h'0aFF' true)");
  ASSERT_EQ(t.size(), 7u);
  EXPECT_EQ(t[0].value, R"(a'b\c)");
  EXPECT_EQ(t[1].kind, TokenKind::kInteger);
  EXPECT_EQ(t[1].integer, -12);
  EXPECT_EQ(t[2].kind, TokenKind::kFloat);
  EXPECT_EQ(t[2].number, 0.5);
  EXPECT_EQ(t[3].kind, TokenKind::kTimestamp);
  EXPECT_EQ(t[3].timestamp_micros, 1'500'000);
  EXPECT_EQ(t[4].kind, TokenKind::kBinary);
  EXPECT_EQ(t[4].value, std::string("\x01\x02\x03"));
  EXPECT_EQ(t[5].kind, TokenKind::kHex);
  EXPECT_EQ(t[5].value, std::string("\x0a\xff"));
  EXPECT_EQ(t[6].kind, TokenKind::kWord);  // booleans are words the parser interprets
}

TEST(LexerTest, WordsEndAtPunctuationAndQuotes) {
  const std::vector<Token> t = Tokens("IN(1,2) MATCHES'x' tea't' t");
  ASSERT_EQ(t.size(), 11u);
  EXPECT_EQ(t[0].raw, "IN");
  EXPECT_EQ(t[6].raw, "MATCHES");
  EXPECT_EQ(t[7].kind, TokenKind::kString);
  EXPECT_EQ(t[8].raw, "tea");  // only a lone t, b or h before a quote starts a literal
  EXPECT_EQ(t[9].kind, TokenKind::kString);
  EXPECT_EQ(t[10].raw, "t");
}

TEST(LexerTest, Positions) {
  const std::vector<Token> t = Tokens("a\n  'x\ny' b /* c\n d */ e // f\n\tg");
  ASSERT_EQ(t.size(), 5u);
  EXPECT_EQ(t[0].position, (Position{1, 1}));
  EXPECT_EQ(t[1].position, (Position{2, 3}));
  EXPECT_EQ(t[2].position, (Position{3, 4}));
  EXPECT_EQ(t[3].position, (Position{4, 7}));
  EXPECT_EQ(t[4].position, (Position{5, 2}));
}

TEST(LexerTest, DescribeToken) {
  const std::vector<Token> t = Tokens("OR 'abc' 42 t'2016-01-01T00:00:00Z' b'AAAA' h'00' ]");
  ASSERT_EQ(t.size(), 7u);
  EXPECT_EQ(DescribeToken(t[0]), "'OR'");
  EXPECT_EQ(DescribeToken(t[1]), "the string 'abc'");
  EXPECT_EQ(DescribeToken(t[2]), "the number 42");
  EXPECT_EQ(DescribeToken(t[3]), "the timestamp t'2016-01-01T00:00:00Z'");
  EXPECT_EQ(DescribeToken(t[4]), "the binary value b'AAAA'");
  EXPECT_EQ(DescribeToken(t[5]), "the hex value h'00'");
  EXPECT_EQ(DescribeToken(t[6]), "']'");
  EXPECT_EQ(DescribeToken(Token{}), "the end of the pattern");
  // Long spellings are cut (at a character boundary) in messages.
  const std::string text = "'" + std::string(46, 'x') + "\xc3\xa9yyyy'";
  const std::vector<Token> long_string = Tokens(text);  // tokens refer to the text
  ASSERT_EQ(long_string.size(), 1u);
  EXPECT_EQ(DescribeToken(long_string[0]), "the string '" + std::string(46, 'x') + "...");
}

}  // namespace
}  // namespace kongsi::stix::pattern

// Tests of the STIX 2.1 pattern parser (parser.h): every example pattern of the specification's
// section 9 parses, syntax trees come out with the right precedence, qualifier attachment,
// paths and literals, and invalid patterns are rejected at the expected line and column.
#include "stix/pattern/parser.h"

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kongsi::stix::pattern {
namespace {

using ::testing::HasSubstr;

// --- helpers ----------------------------------------------------------------------------

Pattern MustParse(std::string_view text) {
  std::variant<Pattern, ParseError> result = Parse(text);
  if (const auto* error = std::get_if<ParseError>(&result)) {
    ADD_FAILURE() << "pattern rejected: " << text << "\n  " << error->ToString();
    return Pattern{};
  }
  return std::get<Pattern>(std::move(result));
}

ParseError MustFail(std::string_view text) {
  std::variant<Pattern, ParseError> result = Parse(text);
  if (std::holds_alternative<Pattern>(result)) {
    ADD_FAILURE() << "pattern accepted: " << text;
    return ParseError{};
  }
  return std::get<ParseError>(std::move(result));
}

std::string LiteralShape(const Literal& l) {
  switch (l.kind) {
    case LiteralKind::kString:
      return "'" + l.text + "'";
    case LiteralKind::kInteger:
      return std::to_string(l.integer);
    case LiteralKind::kFloat:
      return "f" + l.text;
    case LiteralKind::kBoolean:
      return l.boolean ? "true" : "false";
    case LiteralKind::kTimestamp:
      return "t" + std::to_string(l.timestamp_micros);
    case LiteralKind::kBinary:
      return "b" + std::to_string(l.text.size());
    case LiteralKind::kHex:
      return "h" + std::to_string(l.text.size());
  }
  return "?";
}

std::string ComparisonShape(const ComparisonExpr& e) {
  if (e.kind == ComparisonExpr::Kind::kComparison) {
    const Comparison& c = e.comparison;
    std::string out = c.op == Operator::kExists ? "" : c.path.ToString() + " ";
    if (c.negated) out += "NOT ";
    out += OperatorName(c.op);
    if (c.op == Operator::kExists) out += " " + c.path.ToString();
    if (c.op == Operator::kIn) {
      out += " (";
      for (size_t i = 0; i < c.values.size(); ++i) {
        out += (i > 0 ? ", " : "") + LiteralShape(c.values[i]);
      }
      out += ")";
    } else if (!c.values.empty()) {
      out += " " + LiteralShape(c.values[0]);
    }
    return out;
  }
  std::string out = e.kind == ComparisonExpr::Kind::kAnd ? "AND(" : "OR(";
  for (size_t i = 0; i < e.children.size(); ++i) {
    out += (i > 0 ? ", " : "") + ComparisonShape(e.children[i]);
  }
  return out + ")";
}

// A compact rendering of the tree: "FOLLOWEDBY([a:b = 1], OR(...)){WITHIN 5}".
std::string Shape(const ObservationExpr& e) {
  std::string out;
  switch (e.kind) {
    case ObservationExpr::Kind::kObservation:
      out = "[" + ComparisonShape(e.comparison) + "]";
      break;
    case ObservationExpr::Kind::kAnd:
    case ObservationExpr::Kind::kOr:
    case ObservationExpr::Kind::kFollowedBy:
      out = e.kind == ObservationExpr::Kind::kAnd  ? "AND("
            : e.kind == ObservationExpr::Kind::kOr ? "OR("
                                                   : "FOLLOWEDBY(";
      for (size_t i = 0; i < e.children.size(); ++i) {
        out += (i > 0 ? ", " : "") + Shape(e.children[i]);
      }
      out += ")";
      break;
  }
  for (const Qualifier& q : e.qualifiers) {
    switch (q.kind) {
      case Qualifier::Kind::kWithin:
        out += "{WITHIN " + std::to_string(q.within_seconds) + "}";
        break;
      case Qualifier::Kind::kRepeats:
        out += "{REPEATS " + std::to_string(q.repeats) + "}";
        break;
      case Qualifier::Kind::kStartStop:
        out += "{START " + std::to_string(q.start_micros) + " STOP " +
               std::to_string(q.stop_micros) + "}";
        break;
    }
  }
  return out;
}

std::string ShapeOf(std::string_view text) { return Shape(MustParse(text).root); }

Comparison Single(const Pattern& p) {
  EXPECT_EQ(p.root.kind, ObservationExpr::Kind::kObservation);
  EXPECT_EQ(p.root.comparison.kind, ComparisonExpr::Kind::kComparison);
  return p.root.comparison.comparison;
}

PathStep Prop(std::string name) { return PathStep{PathStep::Kind::kProperty, std::move(name), 0}; }
PathStep Index(int64_t i) { return PathStep{PathStep::Kind::kIndex, "", i}; }
PathStep AnyIndex() { return PathStep{PathStep::Kind::kAnyIndex, "", 0}; }

// --- the examples of the STIX 2.1 specification, section 9 -------------------------------

// Written as they appear in the specification (JSON string escapes already resolved).
const char* const kSpecExamples[] = {
    R"p([file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f'])p",
    R"p([email-message:from_ref.value MATCHES '.+\\@example\\.com$' AND email-message:body_multipart[*].body_raw_ref.name MATCHES '^Final Report.+\\.exe$'])p",
    R"p([file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f' AND file:mime_type = 'application/x-pdf'])p",
    R"p([file:hashes.'SHA-256' = 'bf07a7fbb825fc0aae7bf4a1177b2b31fcf8a3feeaf7092761e18c859ee52a9c' OR file:hashes.MD5 = 'cead3f77f6cda6ec00f57d76c9a6879f'] AND [file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f'])p",
    R"p(([file:hashes.MD5 = '79054025255fb1a26e4bc422aef54eb4'] FOLLOWEDBY [windows-registry-key:key = 'HKEY_LOCAL_MACHINE\\foo\\bar']) WITHIN 300 SECONDS)p",
    R"p([user-account:account_type = 'unix' AND user-account:user_id = '1007' AND user-account:account_login = 'Peter'] AND [user-account:account_type = 'unix' AND user-account:user_id = '1008' AND user-account:account_login = 'Paul'] AND [user-account:account_type = 'unix' AND user-account:user_id = '1009' AND user-account:account_login = 'Mary'])p",
    R"p([artifact:mime_type = 'application/vnd.tcpdump.pcap' AND artifact:payload_bin MATCHES '\\xd4\\xc3\\xb2\\xa1\\x02\\x00\\x04\\x00'])p",
    R"p([file:name = 'foo.dll' AND file:parent_directory_ref.path = 'C:\\Windows\\System32'])p",
    R"p([file:extensions.'windows-pebinary-ext'.sections[*].entropy > 7.0])p",
    R"p([file:mime_type = 'image/bmp' AND file:magic_number_hex = h'ffd8'])p",
    R"p([network-traffic:dst_ref.type = 'ipv4-addr' AND network-traffic:dst_ref.value = '203.0.113.33/32'])p",
    R"p([network-traffic:dst_ref.type = 'domain-name' AND network-traffic:dst_ref.value = 'example.com'] REPEATS 5 TIMES WITHIN 1800 SECONDS)p",
    R"p([domain-name:value = 'www.5z8.info' AND domain-name:resolves_to_refs[*].value = '198.51.100.1/32'])p",
    R"p([url:value = 'http://example.com/foo' OR url:value = 'http://example.com/bar'])p",
    R"p([x509-certificate:issuer = 'CN=WEBMAIL' AND x509-certificate:serial_number = '4c:0b:1d:19:74:86:a7:66:b4:1a:bf:40:27:21:76:28'])p",
    R"p([windows-registry-key:key = 'HKEY_CURRENT_USER\\Software\\CryptoLocker\\Files' OR windows-registry-key:key = 'HKEY_CURRENT_USER\\Software\\Microsoft\\CurrentVersion\\Run\\CryptoLocker_0388'])p",
    R"p([(file:name = 'pdf.exe' OR file:size = '371712') AND file:created = t'2014-01-13T07:03:17Z'])p",
    R"p([email-message:sender_ref.value = 'jdoe@example.com' AND email-message:subject = 'Conference Info'])p",
    R"p([x-usb-device:usbdrive.serial_number = '575833314133343231313937'])p",
    R"p([process:command_line MATCHES '^.+>-add GlobalSign.cer -c -s -r localMachine Root$'] FOLLOWEDBY [process:command_line MATCHES'^.+>-add GlobalSign.cer -c -s -r localMachineTrustedPublisher$'] WITHIN 300 SECONDS)p",
    R"p([network-traffic:dst_ref.value ISSUBSET '2001:0db8:dead:beef:0000:0000:0000:0000/64'])p",
    R"p(([file:name = 'foo.dll'] AND [windows-registry-key:key = 'HKEY_LOCAL_MACHINE\\foo\\bar']) OR [process:name = 'fooproc' OR process:name = 'procfoo'])p",
    // Section 9 prose: object paths, comparison operators, observation operators, qualifiers.
    R"p([ipv4-addr:value = '198.51.100.1/32' OR ipv4-addr:value = '203.0.113.33/32' OR ipv6-addr:value = '2001:0db8:dead:beef:dead:beef:dead:0001/128'])p",
    R"p([file:size = 25536])p",
    R"p([file:name = 'foo.dll'] START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00Z')p",
    R"p(([ipv4-addr:value = '198.51.100.5' ] AND [ipv4-addr:value = '198.51.100.10']) WITHIN 300 SECONDS)p",
    R"p([ipv4-addr:value = '198.51.100.5'] AND [ ipv4-addr:value = '198.51.100.10'])p",
    R"p([ipv4-addr:value = '203.0.113.1' OR ipv4-addr:value = '203.0.113.2'])p",
    R"p([file:hashes.MD5 = 'cead3f77f6cda6ec00f57d76c9a69faa'] REPEATS 5 TIMES)p",
    R"p([directory:path LIKE 'C:\\\\Windows\\\\%\\\\foo'])p",
    R"p([directory:path MATCHES '^C:\\\\Windows\\\\w+$'])p",
    R"p([ipv4-addr:value ISSUBSET '198.51.100.0/24'])p",
    R"p([ipv4-addr:value ISSUPERSET '198.51.100.0/24'])p",
    R"p([file:name IN ('proccorp.exe', 'setup.exe', 'exp.exe')])p",
    R"p([EXISTS windows-registry-key:values])p",
    R"p([file:name NOT IN ('setup.exe', 'proccorp.exe')])p",
    R"p([file:size > 100000] AND [file:size <= 200000])p",
    R"p([network-traffic:extensions.'http-request-ext'.request_header.'Accept-Encoding' = 'gzip'])p",
    R"p([email-message:'from_ref'.value = 'jdoe@example.com'])p",
    R"p([file:extensions.'ntfs-ext'.alternate_data_streams[0].name = 'second.stream'])p",
    R"p([windows-registry-key:values[*].data = 'evil'] FOLLOWEDBY [process:name = 'evil.exe'] FOLLOWEDBY [network-traffic:dst_port = 443])p",
    R"p([x509-certificate:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f'])p",
};

TEST(SpecExamplesTest, EveryExampleParses) {
  for (const char* example : kSpecExamples) {
    SCOPED_TRACE(example);
    std::variant<Pattern, ParseError> result = Parse(example);
    const auto* error = std::get_if<ParseError>(&result);
    EXPECT_EQ(error, nullptr) << (error ? error->ToString() : "");
  }
}

TEST(SpecExamplesTest, RepresentativeTrees) {
  EXPECT_EQ(ShapeOf(kSpecExamples[3]),
            "AND([OR(file:hashes.'SHA-256' = "
            "'bf07a7fbb825fc0aae7bf4a1177b2b31fcf8a3feeaf7092761e18c859ee52a9c', file:hashes.MD5 = "
            "'cead3f77f6cda6ec00f57d76c9a6879f')], [file:hashes.'SHA-256' = "
            "'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f'])");
  EXPECT_EQ(ShapeOf(kSpecExamples[4]),
            "FOLLOWEDBY([file:hashes.MD5 = '79054025255fb1a26e4bc422aef54eb4'], "
            "[windows-registry-key:key = 'HKEY_LOCAL_MACHINE\\foo\\bar']){WITHIN 300.000000}");
  EXPECT_EQ(ShapeOf(kSpecExamples[11]),
            "[AND(network-traffic:dst_ref.type = 'domain-name', network-traffic:dst_ref.value = "
            "'example.com')]{REPEATS 5}{WITHIN 1800.000000}");
  EXPECT_EQ(ShapeOf(kSpecExamples[16]),
            "[AND(OR(file:name = 'pdf.exe', file:size = '371712'), file:created = "
            "t1389596597000000)]");
  // The qualifier after the second observation applies to it alone.
  EXPECT_EQ(ShapeOf(kSpecExamples[19]),
            "FOLLOWEDBY([process:command_line MATCHES '^.+>-add GlobalSign.cer -c -s -r "
            "localMachine Root$'], [process:command_line MATCHES '^.+>-add GlobalSign.cer -c -s "
            "-r localMachineTrustedPublisher$']{WITHIN 300.000000})");
  EXPECT_EQ(ShapeOf(kSpecExamples[21]),
            "OR(AND([file:name = 'foo.dll'], [windows-registry-key:key = "
            "'HKEY_LOCAL_MACHINE\\foo\\bar']), [OR(process:name = 'fooproc', process:name = "
            "'procfoo')])");
  EXPECT_EQ(ShapeOf(kSpecExamples[24]),
            "[file:name = 'foo.dll']{START 1464739200000000 STOP 1467331200000000}");
  EXPECT_EQ(ShapeOf(kSpecExamples[33]), "[file:name IN ('proccorp.exe', 'setup.exe', 'exp.exe')]");
  EXPECT_EQ(ShapeOf(kSpecExamples[34]), "[EXISTS windows-registry-key:values]");
  EXPECT_EQ(ShapeOf(kSpecExamples[40]),
            "FOLLOWEDBY([windows-registry-key:values[*].data = 'evil'], [process:name = "
            "'evil.exe'], [network-traffic:dst_port = 443])");
}

TEST(SpecExamplesTest, PathsOfTheExamples) {
  {
    const Comparison c = Single(MustParse(kSpecExamples[0]));
    EXPECT_EQ(c.path.object_type, "file");
    EXPECT_EQ(c.path.steps, (std::vector<PathStep>{Prop("hashes"), Prop("SHA-256")}));
    EXPECT_EQ(c.op, Operator::kEqual);
    ASSERT_EQ(c.values.size(), 1u);
    EXPECT_EQ(c.values[0].kind, LiteralKind::kString);
    EXPECT_EQ(c.values[0].text, "aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f");
  }
  {
    const Pattern p = MustParse(kSpecExamples[1]);
    ASSERT_EQ(p.root.comparison.children.size(), 2u);
    const Comparison& from = p.root.comparison.children[0].comparison;
    EXPECT_EQ(from.op, Operator::kMatches);
    EXPECT_EQ(from.values[0].text, R"(.+\@example\.com$)");
    const Comparison& name = p.root.comparison.children[1].comparison;
    EXPECT_EQ(name.path.steps, (std::vector<PathStep>{Prop("body_multipart"), AnyIndex(),
                                                      Prop("body_raw_ref"), Prop("name")}));
  }
  {
    const Comparison c = Single(MustParse(kSpecExamples[8]));
    EXPECT_EQ(c.path.steps, (std::vector<PathStep>{Prop("extensions"), Prop("windows-pebinary-ext"),
                                                   Prop("sections"), AnyIndex(), Prop("entropy")}));
    EXPECT_EQ(c.op, Operator::kGreater);
    EXPECT_EQ(c.values[0].kind, LiteralKind::kFloat);
    EXPECT_EQ(c.values[0].number, 7.0);
  }
  {
    const Pattern p = MustParse(kSpecExamples[9]);
    const Literal& magic = p.root.comparison.children[1].comparison.values[0];
    EXPECT_EQ(magic.kind, LiteralKind::kHex);
    EXPECT_EQ(magic.text, std::string("\xff\xd8"));
  }
  {
    const Comparison c = Single(MustParse(kSpecExamples[39]));
    EXPECT_EQ(c.path.steps,
              (std::vector<PathStep>{Prop("extensions"), Prop("ntfs-ext"),
                                     Prop("alternate_data_streams"), Index(0), Prop("name")}));
  }
  {
    // A quoted first component names the same property as the bare one.
    const Comparison c = Single(MustParse(kSpecExamples[38]));
    EXPECT_EQ(c.path.ToString(), "email-message:from_ref.value");
  }
  EXPECT_EQ(Single(MustParse(kSpecExamples[18])).path.object_type, "x-usb-device");
}

// --- precedence and grouping ---------------------------------------------------------------

TEST(PrecedenceTest, AndBindsTighterThanOrInsideAnObservation) {
  EXPECT_EQ(ShapeOf("[file:name = 'a' OR file:name = 'b' AND file:size = 1]"),
            "[OR(file:name = 'a', AND(file:name = 'b', file:size = 1))]");
  EXPECT_EQ(ShapeOf("[file:name = 'a' AND file:size = 1 OR file:name = 'b']"),
            "[OR(AND(file:name = 'a', file:size = 1), file:name = 'b')]");
  EXPECT_EQ(ShapeOf("[(file:name = 'a' OR file:name = 'b') AND file:size = 1]"),
            "[AND(OR(file:name = 'a', file:name = 'b'), file:size = 1)]");
}

TEST(PrecedenceTest, ChainsAreFlattened) {
  EXPECT_EQ(ShapeOf("[file:size = 1 OR file:size = 2 OR (file:size = 3 OR file:size = 4)]"),
            "[OR(file:size = 1, file:size = 2, file:size = 3, file:size = 4)]");
  EXPECT_EQ(ShapeOf("[file:size = 1] AND ([file:size = 2] AND [file:size = 3])"),
            "AND([file:size = 1], [file:size = 2], [file:size = 3])");
  EXPECT_EQ(ShapeOf("(((([file:size = 1]))))"), "[file:size = 1]");
}

TEST(PrecedenceTest, ObservationOperators) {
  // FOLLOWEDBY is weakest, then OR, then AND.
  EXPECT_EQ(ShapeOf("[file:size = 1] OR [file:size = 2] AND [file:size = 3] FOLLOWEDBY "
                    "[file:size = 4]"),
            "FOLLOWEDBY(OR([file:size = 1], AND([file:size = 2], [file:size = 3])), "
            "[file:size = 4])");
  EXPECT_EQ(ShapeOf("[file:size = 1] FOLLOWEDBY [file:size = 2] AND [file:size = 3]"),
            "FOLLOWEDBY([file:size = 1], AND([file:size = 2], [file:size = 3]))");
  // Left to right; a parenthesised right operand stays a group.
  EXPECT_EQ(ShapeOf("[file:size = 1] FOLLOWEDBY [file:size = 2] FOLLOWEDBY [file:size = 3]"),
            "FOLLOWEDBY([file:size = 1], [file:size = 2], [file:size = 3])");
  EXPECT_EQ(ShapeOf("[file:size = 1] FOLLOWEDBY ([file:size = 2] FOLLOWEDBY [file:size = 3])"),
            "FOLLOWEDBY([file:size = 1], FOLLOWEDBY([file:size = 2], [file:size = 3]))");
  EXPECT_EQ(ShapeOf("([file:size = 1] OR [file:size = 2]) AND [file:size = 3]"),
            "AND(OR([file:size = 1], [file:size = 2]), [file:size = 3])");
}

TEST(QualifierTest, QualifiersAttachToThePrecedingObservationExpression) {
  EXPECT_EQ(ShapeOf("[file:size = 1] AND [file:size = 2] WITHIN 5 SECONDS"),
            "AND([file:size = 1], [file:size = 2]{WITHIN 5.000000})");
  EXPECT_EQ(ShapeOf("([file:size = 1] AND [file:size = 2]) WITHIN 5 SECONDS"),
            "AND([file:size = 1], [file:size = 2]){WITHIN 5.000000}");
  // A qualified group is not merged into an enclosing chain.
  EXPECT_EQ(ShapeOf("([file:size = 1] AND [file:size = 2]) WITHIN 5 SECONDS AND [file:size = 3]"),
            "AND(AND([file:size = 1], [file:size = 2]){WITHIN 5.000000}, [file:size = 3])");
  EXPECT_EQ(ShapeOf("[file:size = 1] REPEATS 2 TIMES WITHIN 2.5 SECONDS START "
                    "t'2016-01-01T00:00:00Z' STOP t'2016-01-01T00:00:01.5Z'"),
            "[file:size = 1]{REPEATS 2}{WITHIN 2.500000}{START 1451606400000000 STOP "
            "1451606401500000}");
  // Qualifiers on a parenthesised expression may repeat a type (nested qualification).
  EXPECT_EQ(ShapeOf("([file:size = 1] WITHIN 1 SECONDS) WITHIN 5 SECONDS"),
            "[file:size = 1]{WITHIN 1.000000}{WITHIN 5.000000}");
  EXPECT_EQ(ShapeOf("([file:size = 1] REPEATS 2 TIMES) REPEATS 2 TIMES"),
            "[file:size = 1]{REPEATS 2}{REPEATS 2}");
}

TEST(QualifierTest, QualifierValues) {
  const Pattern p = MustParse("[file:size = 1] WITHIN .5 SECONDS REPEATS +3 TIMES");
  ASSERT_EQ(p.root.qualifiers.size(), 2u);
  EXPECT_EQ(p.root.qualifiers[0].kind, Qualifier::Kind::kWithin);
  EXPECT_EQ(p.root.qualifiers[0].within_seconds, 0.5);
  EXPECT_EQ(p.root.qualifiers[0].position, (Position{1, 17}));
  EXPECT_EQ(p.root.qualifiers[1].kind, Qualifier::Kind::kRepeats);
  EXPECT_EQ(p.root.qualifiers[1].repeats, 3);
  EXPECT_EQ(p.root.qualifiers[1].position, (Position{1, 35}));
}

// --- comparisons, operators, literals ------------------------------------------------------

TEST(ComparisonTest, EveryOperator) {
  EXPECT_EQ(ShapeOf("[file:size = 1]"), "[file:size = 1]");
  EXPECT_EQ(ShapeOf("[file:size == 1]"), "[file:size = 1]");
  EXPECT_EQ(ShapeOf("[file:size != 1]"), "[file:size != 1]");
  EXPECT_EQ(ShapeOf("[file:size <> 1]"), "[file:size != 1]");
  EXPECT_EQ(ShapeOf("[file:size < 1]"), "[file:size < 1]");
  EXPECT_EQ(ShapeOf("[file:size <= 1]"), "[file:size <= 1]");
  EXPECT_EQ(ShapeOf("[file:size > 1]"), "[file:size > 1]");
  EXPECT_EQ(ShapeOf("[file:size >= 1]"), "[file:size >= 1]");
  EXPECT_EQ(ShapeOf("[file:size IN (1, 2.5, 'x', true)]"), "[file:size IN (1, f2.5, 'x', true)]");
  EXPECT_EQ(ShapeOf("[file:size IN ()]"), "[file:size IN ()]");
  EXPECT_EQ(ShapeOf("[network-traffic:dst_port IN(443,6443,8443)]"),
            "[network-traffic:dst_port IN (443, 6443, 8443)]");
  EXPECT_EQ(ShapeOf("[file:name LIKE 'a%']"), "[file:name LIKE 'a%']");
  EXPECT_EQ(ShapeOf("[file:name MATCHES '^a+$']"), "[file:name MATCHES '^a+$']");
  EXPECT_EQ(ShapeOf("[ipv4-addr:value ISSUBSET '10.0.0.0/8']"),
            "[ipv4-addr:value ISSUBSET '10.0.0.0/8']");
  EXPECT_EQ(ShapeOf("[ipv6-addr:value ISSUPERSET '2001:db8::1']"),
            "[ipv6-addr:value ISSUPERSET '2001:db8::1']");
  EXPECT_EQ(ShapeOf("[EXISTS file:name]"), "[EXISTS file:name]");
}

TEST(ComparisonTest, NotNegatesTheOperator) {
  EXPECT_EQ(ShapeOf("[file:name NOT = 'a']"), "[file:name NOT = 'a']");
  EXPECT_EQ(ShapeOf("[file:size NOT > 1]"), "[file:size NOT > 1]");
  EXPECT_EQ(ShapeOf("[file:name NOT LIKE 'a%']"), "[file:name NOT LIKE 'a%']");
  EXPECT_EQ(ShapeOf("[file:name NOT MATCHES 'a']"), "[file:name NOT MATCHES 'a']");
  EXPECT_EQ(ShapeOf("[ipv4-addr:value NOT ISSUBSET '192.168.0.0/16']"),
            "[ipv4-addr:value NOT ISSUBSET '192.168.0.0/16']");
  EXPECT_EQ(ShapeOf("[ipv4-addr:value NOT ISSUPERSET '192.168.0.0/16']"),
            "[ipv4-addr:value NOT ISSUPERSET '192.168.0.0/16']");
  EXPECT_EQ(ShapeOf("[file:name NOT IN ('a')]"), "[file:name NOT IN ('a')]");
  // The grammar allows NOT before EXISTS too.
  const Comparison c = Single(MustParse("[NOT EXISTS file:name]"));
  EXPECT_TRUE(c.negated);
  EXPECT_EQ(c.op, Operator::kExists);
  EXPECT_EQ(c.position, (Position{1, 2}));
  EXPECT_EQ(c.path.position, (Position{1, 13}));
}

TEST(LiteralTest, Strings) {
  const Comparison c = Single(MustParse(R"([file:name = 'it\'s a \\ path'])"));
  EXPECT_EQ(c.values[0].text, R"(it's a \ path)");
  EXPECT_EQ(c.values[0].position, (Position{1, 14}));
  EXPECT_EQ(Single(MustParse("[file:name = '']")).values[0].text, "");
  // Any byte but the quote and the backslash stands for itself, line breaks included.
  EXPECT_EQ(Single(MustParse("[file:name = 'a\nb\t\xc3\xa9']")).values[0].text, "a\nb\t\xc3\xa9");
}

TEST(LiteralTest, Numbers) {
  const Pattern p = MustParse(
      "[file:size IN (0, 42, -7, +3, 9223372036854775807, -9223372036854775808, 1.5, -0.25, "
      ".5, -.5, +2.0, 007.5)]");
  const std::vector<Literal>& v = Single(p).values;
  ASSERT_EQ(v.size(), 12u);
  EXPECT_EQ(v[0].kind, LiteralKind::kInteger);
  EXPECT_EQ(v[0].integer, 0);
  EXPECT_EQ(v[1].integer, 42);
  EXPECT_EQ(v[1].number, 42.0);
  EXPECT_EQ(v[1].text, "42");
  EXPECT_EQ(v[2].integer, -7);
  EXPECT_EQ(v[2].text, "-7");
  EXPECT_EQ(v[3].integer, 3);
  EXPECT_EQ(v[4].integer, INT64_MAX);
  EXPECT_EQ(v[5].integer, INT64_MIN);
  EXPECT_EQ(v[6].kind, LiteralKind::kFloat);
  EXPECT_EQ(v[6].number, 1.5);
  EXPECT_EQ(v[7].number, -0.25);
  EXPECT_EQ(v[7].text, "-0.25");
  EXPECT_EQ(v[8].number, 0.5);
  EXPECT_EQ(v[9].number, -0.5);
  EXPECT_EQ(v[10].number, 2.0);
  EXPECT_EQ(v[11].number, 7.5);
  EXPECT_EQ(Single(MustParse("[file:size=-1]")).values[0].integer, -1);
}

TEST(LiteralTest, BooleansTimestampsBinaryAndHex) {
  const Pattern p = MustParse(
      "[x-thing:flags IN (true, false, t'2016-01-01T00:00:00Z', t'2016-01-01T00:00:00.123456789Z', "
      "b'aGVsbG8=', b'aGk=', b'AAAA', h'', h'00FFab')]");
  const std::vector<Literal>& v = Single(p).values;
  ASSERT_EQ(v.size(), 9u);
  EXPECT_EQ(v[0].kind, LiteralKind::kBoolean);
  EXPECT_TRUE(v[0].boolean);
  EXPECT_FALSE(v[1].boolean);
  EXPECT_EQ(v[2].kind, LiteralKind::kTimestamp);
  EXPECT_EQ(v[2].timestamp_micros, 1451606400000000);
  EXPECT_EQ(v[2].text, "2016-01-01T00:00:00Z");
  EXPECT_EQ(v[3].timestamp_micros, 1451606400123456);  // digits beyond microseconds dropped
  EXPECT_EQ(v[4].kind, LiteralKind::kBinary);
  EXPECT_EQ(v[4].text, "hello");
  EXPECT_EQ(v[5].text, "hi");
  EXPECT_EQ(v[6].text, std::string(3, '\0'));
  EXPECT_EQ(v[7].kind, LiteralKind::kHex);
  EXPECT_EQ(v[7].text, "");
  EXPECT_EQ(v[8].text, std::string("\x00\xff\xab", 3));
  // Leap second and leap day.
  MustParse("[file:created = t'2016-12-31T23:59:60Z' OR file:created = t'2016-02-29T00:00:00Z']");
}

TEST(LiteralTest, CidrOperands) {
  for (const char* ok :
       {"10.0.0.0/8", "0.0.0.0/0", "255.255.255.255/32", "198.51.100.7", "::", "::/0",
        "2001:db8::/32", "2001:0db8:dead:beef:0000:0000:0000:0000/64", "::ffff:192.0.2.1/128",
        "fe80::1", "1:2:3:4:5:6:7::", "1::8", "1:2:3:4:5:6:192.0.2.1"}) {
    SCOPED_TRACE(ok);
    MustParse(std::string("[ipv4-addr:value ISSUBSET '") + ok + "']");
  }
}

// --- object paths ----------------------------------------------------------------------------

TEST(ObjectPathTest, Forms) {
  const Comparison c = Single(
      MustParse("[x-custom-object:'first name'.list[-1].list[+2].'it\\'s'[*].plain_Name_2 = 1]"));
  EXPECT_EQ(c.path.object_type, "x-custom-object");
  EXPECT_EQ(c.path.steps,
            (std::vector<PathStep>{Prop("first name"), Prop("list"), Index(-1), Prop("list"),
                                   Index(2), Prop("it's"), AnyIndex(), Prop("plain_Name_2")}));
  EXPECT_EQ(c.path.position, (Position{1, 2}));
  // Property names spelled like keywords are names where a name is expected.
  EXPECT_EQ(Single(MustParse("[x-thing:AND.true.IN = 1]")).path.steps,
            (std::vector<PathStep>{Prop("AND"), Prop("true"), Prop("IN")}));
}

TEST(ObjectPathTest, ToStringQuotesWhatIsNotAPlainName) {
  const std::pair<const char*, const char*> cases[] = {
      {"[file:hashes.'SHA-256' = 'x']", "file:hashes.'SHA-256'"},
      {"[file:'hashes'.'MD5' = 'x']", "file:hashes.MD5"},
      {"[network-traffic:extensions.'http-request-ext'.request_header.'User-Agent' = 'x']",
       "network-traffic:extensions.'http-request-ext'.request_header.'User-Agent'"},
      {"[email-message:body_multipart[*].body_raw_ref.name = 'x']",
       "email-message:body_multipart[*].body_raw_ref.name"},
      {"[x-thing:list[7][-3] = 'x']", "x-thing:list[7][-3]"},
      {R"([x-thing:'a b'.'it\'s'.'back\\slash' = 'x'])", R"(x-thing:'a b'.'it\'s'.'back\\slash')"},
      {"[x-thing:AND.true.'1st' = 'x']", "x-thing:'AND'.'true'.'1st'"},
      {"[x-thing:_under.CamelCase = 'x']", "x-thing:_under.CamelCase"},
  };
  for (const auto& [pattern, path] : cases) {
    SCOPED_TRACE(pattern);
    const ObjectPath parsed = Single(MustParse(pattern)).path;
    EXPECT_EQ(parsed.ToString(), path);
    // The printed path reads back as the same path.
    const ObjectPath again = Single(MustParse("[" + parsed.ToString() + " = 'x']")).path;
    EXPECT_EQ(again.object_type, parsed.object_type);
    EXPECT_EQ(again.steps, parsed.steps);
  }
}

TEST(OperatorNameTest, Names) {
  EXPECT_STREQ(OperatorName(Operator::kEqual), "=");
  EXPECT_STREQ(OperatorName(Operator::kNotEqual), "!=");
  EXPECT_STREQ(OperatorName(Operator::kLessEqual), "<=");
  EXPECT_STREQ(OperatorName(Operator::kGreaterEqual), ">=");
  EXPECT_STREQ(OperatorName(Operator::kIn), "IN");
  EXPECT_STREQ(OperatorName(Operator::kIsSuperset), "ISSUPERSET");
  EXPECT_STREQ(OperatorName(Operator::kExists), "EXISTS");
}

// --- object types under AND ---------------------------------------------------------------

TEST(ObjectTypeTest, AndOperandsMustBeSatisfiableByOneType) {
  // OR may mix types; AND may join operands that share a type.
  MustParse("[file:name = 'a' OR domain-name:value = 'b']");
  MustParse("[(file:name = 'a' OR domain-name:value = 'b') AND file:size = 1]");
  MustParse("[(file:name = 'a' OR x-a:b = 1) AND (x-a:c = 2 OR domain-name:value = 'd')]");
  // Observations joined by AND are different objects.
  MustParse("[file:name = 'a'] AND [domain-name:value = 'b']");

  ParseError e = MustFail("[file:name = 'a' AND domain-name:value = 'b']");
  EXPECT_EQ(e.position, (Position{1, 22}));
  EXPECT_THAT(e.message, HasSubstr("'domain-name' cannot be the same object as 'file'"));
  e = MustFail("[file:name = 'a' AND (url:value = 'b' OR domain-name:value = 'c')]");
  EXPECT_EQ(e.position, (Position{1, 23}));
  EXPECT_THAT(e.message, HasSubstr("'domain-name' or 'url' cannot be the same object as 'file'"));
  e = MustFail("[file:size = 1 OR (file:name = 'a' AND process:pid = 1)]");
  EXPECT_EQ(e.position, (Position{1, 40}));
}

// --- layout: white space, comments, positions -------------------------------------------------

TEST(LayoutTest, WhiteSpaceAndCommentsSeparateTokens) {
  EXPECT_EQ(ShapeOf("\t[ file:size\n=\r\n1 ]\n\nWITHIN\t5 SECONDS\n"),
            "[file:size = 1]{WITHIN 5.000000}");
  // Unicode spaces the grammar lists: NO-BREAK SPACE, IDEOGRAPHIC SPACE, LINE SEPARATOR.
  EXPECT_EQ(ShapeOf("[\xc2\xa0"
                    "file:size\xe3\x80\x80=\xe2\x80\xa8"
                    "1]"),
            "[file:size = 1]");
  EXPECT_EQ(ShapeOf("/* a comment */ [file:size = 1] // to the end of the line\n"
                    "AND /* spans\nlines */ [file:size = 2]"),
            "AND([file:size = 1], [file:size = 2])");
  // No space needed between an operator keyword and a string.
  EXPECT_EQ(ShapeOf("[file:name MATCHES'a']"), "[file:name MATCHES 'a']");
}

TEST(LayoutTest, PositionsCountLinesAndBytes) {
  const Pattern p = MustParse(
      "[file:name = 'a']\n"
      "  FOLLOWEDBY\n"
      "    [file:name = 'multi\nline' AND\n\xc2\xa0\xc2\xa0"
      "file:size = 2]\n");
  ASSERT_EQ(p.root.children.size(), 2u);
  EXPECT_EQ(p.root.position, (Position{1, 1}));
  EXPECT_EQ(p.root.children[1].position, (Position{3, 5}));
  const ComparisonExpr& second = p.root.children[1].comparison;
  ASSERT_EQ(second.children.size(), 2u);
  EXPECT_EQ(second.children[0].comparison.position, (Position{3, 6}));
  EXPECT_EQ(second.children[0].comparison.values[0].position, (Position{3, 18}));
  // Columns count bytes: two NO-BREAK SPACEs are four columns.
  EXPECT_EQ(second.children[1].comparison.position, (Position{5, 5}));
}

TEST(LayoutTest, UnicodeSpaceBeforeAnErrorCountsAsBytes) {
  // U+00A0 is two bytes.
  EXPECT_EQ(MustFail("[\xc2\xa0"
                     "file:size = ]")
                .position,
            (Position{1, 16}));
}

// --- errors --------------------------------------------------------------------------------------

struct ErrorCase {
  const char* pattern;
  int line;
  int column;
  const char* message;  // a part of the message
};

const ErrorCase kErrorCases[] = {
    // Structure.
    {"", 1, 1, "the pattern is empty"},
    {"   ", 1, 4, "the pattern is empty"},
    {"file:size = 1280", 1, 1, "expected '[' or '(' to start an observation, found 'file'"},
    {"[]", 1, 2, "empty observation '[]'"},
    {"[ ]", 1, 3, "empty observation '[]'"},
    {"[file:name = 'a'", 1, 17,
     "expected AND, OR or ']' (closing the '[' at line 1, column 1), "
     "found the end of the pattern"},
    {"[file:name = 'a']]", 1, 18,
     "expected AND, OR, FOLLOWEDBY, a qualifier (WITHIN, REPEATS, "
     "START) or the end of the pattern, found ']'"},
    {"([file:name = 'a']", 1, 19,
     "expected AND, OR, FOLLOWEDBY, a qualifier or ')' (closing the "
     "'(' at line 1, column 1)"},
    {"[file:name = 'a'])", 1, 18, "found ')'"},
    {"[(file:name = 'a']", 1, 18, "expected AND, OR or ')' (closing the '(' at line 1, column 2)"},
    {"[file:name = 'a'] garbage", 1, 19, "the end of the pattern, found 'garbage'"},
    {"[file:name = 'a'] FOLLOWEDBY", 1, 29,
     "expected '[' or '(' to start an observation, found "
     "the end of the pattern"},
    {"[file:name = 'a'] AND", 1, 22, "to start an observation"},
    {"[file:name = 'a' AND]", 1, 21, "expected a comparison"},
    {"[file:name = 'a'] [file:name = 'b']", 1, 19, "found '['"},
    // Keywords are upper case.
    {"[file:name = 'a'] and [file:name = 'b']", 1, 19,
     "found 'and' (keywords are upper case: AND)"},
    {"[file:name = 'a' or file:name = 'b']", 1, 18, "found 'or' (keywords are upper case: OR)"},
    {"[file:name like 'a%']", 1, 12, "found 'like' (keywords are upper case: LIKE)"},
    {"[file:name = 'a'] within 5 seconds", 1, 19, "(keywords are upper case: WITHIN)"},
    {"[file:name = 'a'] WITHIN 5 seconds", 1, 28, "expected SECONDS"},
    {"[file:name = 'a'] FollowedBy [file:name = 'b']", 1, 19, "FOLLOWEDBY"},
    {"[file:flag = TRUE]", 1, 14, "(booleans are written true and false)"},
    // Comparisons.
    {"[file:name 'a']", 1, 12, "expected a comparison operator"},
    {"[file:name ~ 'a']", 1, 12, "unexpected character '~'"},
    {"[file:name = 'a'] $", 1, 19, "unexpected character '$'"},
    {"[file:name = 'a'] \x01", 1, 19, "unexpected character byte 0x01"},
    {"[file:name ! 'a']", 1, 12, "unexpected character '!'"},
    {"[file:size = ]", 1, 14, "expected a value after ="},
    {"[file:hashes.MD5 = cead3f77f6cda6ec00f57d76c9a6879f]", 1, 20, "expected a value after ="},
    {"[file:name MATCHES /.*\\.dll/]", 1, 20, "unexpected character '/'"},
    {"[file:name MATCHES 5]", 1, 20, "expected a string after MATCHES, found the number 5"},
    {"[file:name LIKE h'00']", 1, 17, "expected a string after LIKE"},
    {"[file:size < true]", 1, 14, "a boolean cannot be compared with <"},
    {"[file:name IN 'a']", 1, 15, "expected '(' to start the set of values after IN"},
    {"[file:name IN ('a' 'b')]", 1, 20, "expected ',' or ')' in the set of values after IN"},
    {"[file:name IN ('a',)]", 1, 20, "expected a value in the set after IN"},
    {"[NOT file:name = 'a']", 1, 6, "expected EXISTS after a leading NOT"},
    {"[EXISTS 'file']", 1, 9, "expected an object path after EXISTS"},
    {"[file:name NOT NOT = 'a']", 1, 16, "expected a comparison operator"},
    {"[file:name = 'a' = 'b']", 1, 18, "expected AND, OR or ']'"},
    // Object paths.
    {"[file.size = 1280]", 1, 6, "expected ':' after the object type 'file', found '.'"},
    {"[File:name = 'a']", 1, 2, "invalid object type in the object path: type \"File\""},
    {"[ab:name = 'a']", 1, 2, "must be 3 to 250 characters long"},
    {"[x_whatever:detected = 1]", 1, 2, "may contain only a-z, 0-9 and '-'"},
    {"[x--y:name = 'a']", 1, 2, "must not contain \"--\""},
    {"[file:mime-type = 'a']", 1, 7, "the property name 'mime-type' contains '-': quote it"},
    {"[file:hashes.SHA-256 = 'a']", 1, 14, "'SHA-256' contains '-'"},
    {"[file:'' = 'a']", 1, 7, "a property name must not be empty"},
    {"[file: = 'a']", 1, 8, "expected a property name after ':', found '='"},
    {"[file:hashes. = 'a']", 1, 15, "expected a property name after '.'"},
    {"[file:x.5 = 1]", 1, 8, "expected a comparison operator"},
    {"[file:list[1.5] = 1]", 1, 12, "expected a list index or '*' after '['"},
    {"[file:list[1 = 1]", 1, 14, "expected ']' after the list index"},
    {"[file:list[] = 1]", 1, 12, "expected a list index"},
    // Strings.
    {"[file:name = 'abc]", 1, 14, "unterminated string"},
    {"[file:name = 'a\\nb']", 1, 16, "invalid escape in a string: a backslash followed by 'n'"},
    {"[file:name = 'a\\\"b']", 1, 16, "invalid escape"},
    {"[file:name = 'a\\", 1, 14, "unterminated string"},
    {"[file:name = 'a\nb\\x']", 2, 2, "invalid escape"},
    // Numbers.
    {"[file:size = 007]", 1, 14, "the integer 007 has a leading zero"},
    {"[file:size = 99999999999999999999]", 1, 14, "is out of range"},
    {"[file:size = -]", 1, 14, "'-' must be followed by a number"},
    {"[file:size = +]", 1, 14, "'+' must be followed by a number"},
    // Timestamps.
    {"[file:created = t'2016-13-01T00:00:00Z']", 1, 17, "month out of range"},
    {"[file:created = t'2016-02-30T00:00:00Z']", 1, 17, "day out of range"},
    {"[file:created = t'2016-01-01T24:00:00Z']", 1, 17, "hour out of range"},
    {"[file:created = t'2016-01-01T00:00:00']", 1, 17, "missing time zone"},
    {"[file:created = t'2016-01-01T00:00:00+01:00']", 1, 17, "UTC with 'Z'"},
    {"[file:created = t'2016-01-01t00:00:00Z']", 1, 17, "upper-case 'T'"},
    {"[file:created = t'2016-01-01T00:00:00z']", 1, 17, "UTC with 'Z'"},
    {"[file:created = t'not-a-timestamp']", 1, 17, "invalid timestamp"},
    {"[file:created = t'2016-01-01T00:00:00Z]", 1, 17, "unterminated t'...' literal"},
    {"[file:created = '2016-01-01T00:00:00Z'] START '2016-01-01T00:00:00Z' STOP "
     "'2016-02-01T00:00:00Z'",
     1, 47, "expected a timestamp t'...' after START"},
    // Binary and hex.
    {"[artifact:payload_bin = b'====']", 1, 25, "'=' may only end it"},
    {"[artifact:payload_bin = b'abc']", 1, 25, "its length is not a multiple of 4"},
    {"[artifact:payload_bin = b'']", 1, 25, "it is empty"},
    {"[artifact:payload_bin = b'ab!d']", 1, 25, "'!' is not a base64 character"},
    {"[artifact:payload_bin = b'QQ=A']", 1, 25, "'=' may only end it"},
    {"[file:magic_number_hex = h'abc']", 1, 26, "odd number of hexadecimal digits"},
    {"[file:magic_number_hex = h'zz']", 1, 26, "'z' is not a hexadecimal digit"},
    // Regular expressions (RE2: no backreferences, no look-around).
    {"[file:name MATCHES '(a)\\\\1']", 1, 20,
     "regular expression not supported: invalid escape "
     "sequence: \\1"},
    {"[file:name MATCHES 'a(?=b)']", 1, 20,
     "regular expression not supported: invalid perl "
     "operator: (?="},
    {"[file:name MATCHES '(?<!a)b']", 1, 20, "regular expression not supported"},
    {"[file:name MATCHES '(unclosed']", 1, 20, "regular expression not supported: missing )"},
    // ISSUBSET / ISSUPERSET.
    {"[ipv4-addr:value ISSUBSET 'example.com']", 1, 27,
     "ISSUBSET takes an IPv4 or IPv6 address "
     "or CIDR block"},
    {"[ipv4-addr:value ISSUBSET '10.0.0.0/33']", 1, 27, "CIDR block"},
    {"[ipv4-addr:value ISSUBSET '300.0.0.0/8']", 1, 27, "CIDR block"},
    {"[ipv4-addr:value ISSUBSET '10.0.0/8']", 1, 27, "CIDR block"},
    {"[ipv4-addr:value ISSUBSET '010.0.0.0/8']", 1, 27, "CIDR block"},
    {"[ipv4-addr:value ISSUPERSET '10.0.0.0/']", 1, 29, "ISSUPERSET takes"},
    {"[ipv6-addr:value ISSUBSET '2001:db8::/129']", 1, 27, "CIDR block"},
    {"[ipv6-addr:value ISSUBSET '2001:db8:::1']", 1, 27, "CIDR block"},
    {"[ipv6-addr:value ISSUBSET '1:2:3:4:5:6:7:8:9']", 1, 27, "CIDR block"},
    {"[ipv6-addr:value ISSUBSET '1::2::3']", 1, 27, "CIDR block"},
    {"[ipv6-addr:value ISSUBSET '12345::']", 1, 27, "CIDR block"},
    {"[ipv6-addr:value ISSUBSET ':1::']", 1, 27, "CIDR block"},
    {"[ipv6-addr:value ISSUBSET '1:2:3:4:5:6:7:']", 1, 27, "CIDR block"},
    {"[ipv6-addr:value ISSUBSET '1:2:3:4:5:6:7:8:192.0.2.1']", 1, 27, "CIDR block"},
    // Qualifiers.
    {"[file:name = 'a'] WITHIN 0 SECONDS", 1, 26,
     "WITHIN takes a number of seconds greater than "
     "0, found 0"},
    {"[file:name = 'a'] WITHIN 0.0 SECONDS", 1, 26, "greater than 0"},
    {"[file:name = 'a'] WITHIN -5 SECONDS", 1, 26, "greater than 0, found -5"},
    {"[file:name = 'a'] WITHIN 5 HOURS", 1, 28,
     "expected SECONDS after the number of WITHIN, "
     "found 'HOURS'"},
    {"[file:name = 'a'] WITHIN SECONDS", 1, 26, "expected a number of seconds after WITHIN"},
    {"[file:name = 'a'] REPEATS 0 TIMES", 1, 27, "REPEATS takes a number greater than 0"},
    {"[file:name = 'a'] REPEATS 1.5 TIMES", 1, 27, "expected a whole number after REPEATS"},
    {"[file:name = 'a'] REPEATS 2", 1, 28, "expected TIMES after the number of REPEATS"},
    {"[file:name = 'a'] START t'2016-02-01T00:00:00Z' STOP t'2016-01-01T00:00:00Z'", 1, 19,
     "START t'2016-02-01T00:00:00Z' must be earlier than STOP t'2016-01-01T00:00:00Z'"},
    {"[file:name = 'a'] START t'2016-01-01T00:00:00Z' STOP t'2016-01-01T00:00:00Z'", 1, 19,
     "must be earlier than STOP"},
    {"[file:name = 'a'] START t'2016-01-01T00:00:00Z'", 1, 48,
     "expected STOP after the START "
     "timestamp"},
    {"[file:name = 'a'] WITHIN 5 SECONDS WITHIN 6 SECONDS", 1, 36,
     "a second WITHIN qualifier on "
     "the same observation"},
    {"[file:name = 'a'] REPEATS 2 TIMES WITHIN 5 SECONDS REPEATS 3 TIMES", 1, 52,
     "a second REPEATS qualifier"},
    {"([file:name = 'a'] START t'2016-06-01T01:30:00.123Z' STOP t'2016-06-01T02:20:00.123Z' START "
     "t'2016-06-01T01:30:00.123Z' STOP t'2016-06-01T02:20:00.123Z')",
     1, 87, "a second START/STOP qualifier"},
    // Comments.
    {"[file:name = 'a'] /* never closed", 1, 19, "unterminated comment"},
    // Lines.
    {"[file:name = 'a'\n AND\n file:size = ]", 3, 14, "expected a value after ="},
    {"[file:name = 'a']\r\n\r\nOR [", 3, 5, "expected a comparison"},
};

TEST(ErrorTest, InvalidPatternsAreRejectedWhereTheProblemIs) {
  for (const ErrorCase& c : kErrorCases) {
    SCOPED_TRACE(c.pattern);
    const ParseError e = MustFail(c.pattern);
    EXPECT_EQ(e.position, (Position{c.line, c.column})) << e.ToString();
    EXPECT_THAT(e.message, HasSubstr(c.message));
  }
}

TEST(ErrorTest, ToStringNamesLineAndColumn) {
  const ParseError e = MustFail("[file:name = 'a'\n  OR file:name = 'b'] WITHIN 0 SECONDS");
  EXPECT_EQ(e.ToString(),
            "line 2, column 30: WITHIN takes a number of seconds greater than 0, found 0");
}

TEST(ErrorTest, NestingIsCapped) {
  // 63 parentheses and the observation's bracket: 64 levels.
  MustParse(std::string(63, '(') + "[file:size = 1]" + std::string(63, ')'));
  MustParse("[" + std::string(63, '(') + "file:size = 1" + std::string(63, ')') + "]");
  ParseError e = MustFail(std::string(64, '(') + "[file:size = 1]" + std::string(64, ')'));
  EXPECT_EQ(e.position, (Position{1, 65}));
  EXPECT_THAT(e.message, HasSubstr("too deeply nested: more than 64 levels"));
  e = MustFail("[" + std::string(64, '(') + "file:size = 1" + std::string(64, ')') + "]");
  EXPECT_EQ(e.position, (Position{1, 65}));
  // Hostile depth fails fast instead of exhausting the stack.
  e = MustFail(std::string(1'000'000, '('));
  EXPECT_EQ(e.position, (Position{1, 65}));
  e = MustFail("[" + std::string(1'000'000, '('));
  EXPECT_EQ(e.position, (Position{1, 65}));
}

TEST(ErrorTest, LongChainsAreNotRecursive) {
  std::string text = "[file:size = 0";
  for (int i = 1; i < 20000; ++i) text += " OR file:size = " + std::to_string(i);
  text += "]";
  for (int i = 0; i < 20000; ++i) text += " FOLLOWEDBY [file:size = 1]";
  const Pattern p = MustParse(text);
  ASSERT_EQ(p.root.kind, ObservationExpr::Kind::kFollowedBy);
  EXPECT_EQ(p.root.children.size(), 20001u);
  EXPECT_EQ(p.root.children[0].comparison.children.size(), 20000u);
}

}  // namespace
}  // namespace kongsi::stix::pattern

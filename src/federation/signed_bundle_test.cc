// Signed offline bundles: the file format as documented, and that nothing but the untouched file
// signed by the configured key is accepted (any changed byte, truncation, no signature, another
// node's key); the node key file.
#include "federation/signed_bundle.h"

#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "util/uuid.h"

namespace kongsi::federation {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

NodeKey KeyFromByte(unsigned char b) {
  std::array<unsigned char, NodeKey::kSeedSize> seed;
  seed.fill(b);
  return NodeKey::FromSeed(seed);
}

BundleHeader Header() {
  return BundleHeader{.signer_name = "CERT node A",
                      .signer_identity = "identity--0b3a6c1e-8f38-4a43-9d4b-2f3c1d2e0a11",
                      .signer_key = "",
                      .created = "2026-03-01T08:00:00.000Z",
                      .for_principal = "node-b",
                      .collection = "0a8e6c4c-5b7b-4d1b-9d46-3b1c7f4b2a10",
                      .object_count = 1};
}

constexpr std::string_view kPayload =
    R"({"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d","objects":[)"
    "\n"
    R"({"type":"malware","spec_version":"2.1",)"
    R"("id":"malware--31b940d4-6f7f-459a-80ea-9c1f17b58abc",)"
    R"("created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z",)"
    R"("name":"x","is_family":true})"
    "\n]}\n";

std::string Signed(const NodeKey& key, std::string_view payload = kPayload) {
  auto file = SignBundle(Header(), payload, key);
  EXPECT_TRUE(file.ok()) << file.status();
  return file.value_or("");
}

std::string Message(const absl::Status& status) { return std::string(status.message()); }

TEST(SignedBundleTest, RoundTrip) {
  const NodeKey a = KeyFromByte(1);
  const std::string file = Signed(a);
  auto verified = VerifyBundle(file, a.PublicKeyBase64(), "node-a");
  ASSERT_TRUE(verified.ok()) << verified.status();
  BundleHeader want = Header();
  want.signer_key = a.PublicKeyBase64();
  EXPECT_EQ(verified->header, want);
  EXPECT_EQ(verified->payload, kPayload);
  EXPECT_EQ(verified->payload_sha256.size(), 64u);
}

TEST(SignedBundleTest, FileLooksAsDocumented) {
  const NodeKey a = KeyFromByte(1);
  const std::string file = Signed(a);
  const std::string head = file.substr(0, file.find("\n\n") + 2);
  std::vector<std::string> lines;
  for (size_t pos = 0, end; (end = head.find('\n', pos)) != std::string::npos; pos = end + 1) {
    lines.push_back(head.substr(pos, end - pos));
  }
  ASSERT_EQ(lines.size(), 11u) << head;
  EXPECT_EQ(lines[0], "KONGSI-BUNDLE 1");
  EXPECT_EQ(lines[1], "signer-name: CERT node A");
  EXPECT_EQ(lines[2], "signer-identity: identity--0b3a6c1e-8f38-4a43-9d4b-2f3c1d2e0a11");
  EXPECT_EQ(lines[3], "signer-key: " + a.PublicKeyBase64());
  EXPECT_EQ(lines[4], "created: 2026-03-01T08:00:00.000Z");
  EXPECT_EQ(lines[5], "for: node-b");
  EXPECT_EQ(lines[6], "collection: 0a8e6c4c-5b7b-4d1b-9d46-3b1c7f4b2a10");
  EXPECT_EQ(lines[7], "objects: 1");
  EXPECT_THAT(lines[8], StartsWith("payload-sha256: "));
  EXPECT_THAT(lines[9], StartsWith("signature: "));
  EXPECT_EQ(lines[10], "");
  EXPECT_EQ(file.substr(head.size()), kPayload);

  // The signature is Ed25519 over the context, a NUL and the header up to the signature line.
  auto parsed = ParseBundle(file);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->signed_header, file.substr(0, file.find("signature: ")));
  std::string message(kBundleSignatureContext);
  message += '\0';
  message += parsed->signed_header;
  EXPECT_EQ(parsed->signature, a.Sign(message));
  // Deterministic: the same bundle signed again is the same file.
  EXPECT_EQ(Signed(a), file);
}

TEST(SignedBundleTest, EveryChangedByteIsRefused) {
  const NodeKey a = KeyFromByte(1);
  const std::string file = Signed(a);
  ASSERT_LT(file.size(), 2000u);
  for (size_t i = 0; i < file.size(); ++i) {
    for (unsigned char mask : {0x01, 0x20, 0x80, 0xff}) {
      std::string changed = file;
      changed[i] = static_cast<char>(changed[i] ^ mask);
      auto verified = VerifyBundle(changed, a.PublicKeyBase64(), "node-a");
      EXPECT_FALSE(verified.ok()) << "byte " << i << " ^ " << int{mask} << " was accepted";
    }
  }
}

TEST(SignedBundleTest, ChangedPayloadAndHeaderSayWhatIsWrong) {
  const NodeKey a = KeyFromByte(1);
  const std::string file = Signed(a);
  std::string payload_changed = file;
  payload_changed[payload_changed.find("\"name\":\"x\"") + 8] = 'y';
  auto v = VerifyBundle(payload_changed, a.PublicKeyBase64(), "node-a");
  EXPECT_EQ(v.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(Message(v.status()), HasSubstr("altered"));

  std::string header_changed = file;
  header_changed.replace(header_changed.find("for: node-b"), 11, "for: node-c");
  v = VerifyBundle(header_changed, a.PublicKeyBase64(), "node-a");
  EXPECT_EQ(v.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(Message(v.status()),
            "signature does not verify with the public key of peer \"node-a\": the bundle was "
            "altered or signed by another node");
}

TEST(SignedBundleTest, TruncatedAndExtendedFilesAreRefused) {
  const NodeKey a = KeyFromByte(1);
  const std::string file = Signed(a);
  for (size_t n = 0; n < file.size(); ++n) {
    EXPECT_FALSE(VerifyBundle(file.substr(0, n), a.PublicKeyBase64(), "node-a").ok())
        << "accepted the first " << n << " bytes";
  }
  EXPECT_FALSE(VerifyBundle(file + "\n", a.PublicKeyBase64(), "node-a").ok());
  EXPECT_FALSE(VerifyBundle(file + "{}", a.PublicKeyBase64(), "node-a").ok());
  auto v = VerifyBundle(file.substr(0, 40), a.PublicKeyBase64(), "node-a");
  EXPECT_THAT(Message(v.status()), HasSubstr("truncated"));
}

TEST(SignedBundleTest, UnsignedBundleIsRefused) {
  const NodeKey a = KeyFromByte(1);
  BundleHeader header = Header();
  header.signer_key = a.PublicKeyBase64();
  auto file = UnsignedBundle(header, kPayload);
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->find("signature:"), std::string::npos);
  auto parsed = ParseBundle(*file);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_TRUE(parsed->signature.empty());
  EXPECT_EQ(parsed->payload, kPayload);
  auto v = VerifyBundle(*file, a.PublicKeyBase64(), "node-a");
  EXPECT_EQ(v.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(Message(v.status()), "the bundle is not signed: refusing it (export it with --sign)");

  // Removing the signature line of a signed bundle gives the same refusal.
  std::string stripped = Signed(a);
  const size_t at = stripped.find("signature: ");
  stripped.erase(at, stripped.find('\n', at) + 1 - at);
  v = VerifyBundle(stripped, a.PublicKeyBase64(), "node-a");
  EXPECT_THAT(Message(v.status()), HasSubstr("not signed"));
}

TEST(SignedBundleTest, AnotherNodesKeyIsRefused) {
  const NodeKey a = KeyFromByte(1), c = KeyFromByte(3);
  const std::string by_c = Signed(c);
  auto v = VerifyBundle(by_c, a.PublicKeyBase64(), "node-a");
  EXPECT_EQ(v.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(Message(v.status()), HasSubstr("signed by key " + c.PublicKeyBase64()));
  EXPECT_THAT(Message(v.status()),
              HasSubstr("peer \"node-a\"'s configured key is " + a.PublicKeyBase64()));

  // Claiming A's key in the header does not help: only the configured key verifies.
  std::string claimed = by_c;
  claimed.replace(claimed.find(c.PublicKeyBase64()), c.PublicKeyBase64().size(),
                  a.PublicKeyBase64());
  v = VerifyBundle(claimed, a.PublicKeyBase64(), "node-a");
  EXPECT_EQ(v.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(Message(v.status()), StartsWith("signature does not verify"));
}

TEST(SignedBundleTest, BadConfiguredKeyIsAnError) {
  const std::string file = Signed(KeyFromByte(1));
  for (std::string_view bad :
       {"", "not base64!", "AAAA", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB="}) {
    auto v = VerifyBundle(file, bad, "node-a");
    EXPECT_EQ(v.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(Message(v.status()), HasSubstr("peer \"node-a\"")) << bad;
  }
}

TEST(SignedBundleTest, NotABundle) {
  const NodeKey a = KeyFromByte(1);
  auto v = VerifyBundle(kPayload, a.PublicKeyBase64(), "node-a");
  EXPECT_EQ(v.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(v.status()), StartsWith("not a kongsi bundle ("));
  EXPECT_THAT(Message(v.status()), HasSubstr("kongsi ingest"));
  EXPECT_THAT(Message(ParseBundle("").status()), StartsWith("not a kongsi bundle"));
  EXPECT_THAT(Message(ParseBundle("\x89PNG\r\n").status()), StartsWith("not a kongsi bundle"));

  std::string v2 = Signed(a);
  v2.replace(0, 15, "KONGSI-BUNDLE 2");
  EXPECT_EQ(Message(ParseBundle(v2).status()),
            "kongsi bundle version 2 is not supported (this node reads version 1)");
}

TEST(SignedBundleTest, MalformedHeaderLinesAreNamed) {
  const std::string file = Signed(KeyFromByte(1));
  auto with_line = [&](size_t line, std::string_view text, bool replace) {
    size_t pos = 0;
    for (size_t i = 1; i < line; ++i) pos = file.find('\n', pos) + 1;
    std::string out = file;
    if (replace) {
      out.replace(pos, file.find('\n', pos) - pos, text);
    } else {
      out.insert(pos, std::string(text) + "\n");
    }
    return Message(ParseBundle(out).status());
  };
  EXPECT_THAT(with_line(3, "x-extra: 1", false),
              StartsWith("malformed bundle header at line 3: expected \"signer-identity: ...\""));
  EXPECT_THAT(with_line(2, "signer-name:", true),
              StartsWith("malformed bundle header at line 2: expected \"signer-name: ...\""));
  EXPECT_THAT(with_line(2, "signer-name:CERT", true),
              StartsWith("malformed bundle header at line 2"));
  EXPECT_THAT(with_line(4, "signer-key: AAAA", true),
              StartsWith("malformed bundle header at line 4: signer-key"));
  EXPECT_THAT(with_line(5, "created: yesterday", true),
              StartsWith("malformed bundle header at line 5: created"));
  EXPECT_THAT(with_line(8, "objects: 01", true),
              StartsWith("malformed bundle header at line 8: objects"));
  EXPECT_THAT(with_line(8, "objects: -1", true),
              StartsWith("malformed bundle header at line 8: objects"));
  EXPECT_THAT(with_line(9, "payload-sha256: ABC", true),
              StartsWith("malformed bundle header at line 9: payload-sha256"));
  EXPECT_THAT(with_line(10, "signature: Zm9v", true),
              StartsWith("malformed bundle header at line 10: signature"));
  EXPECT_THAT(with_line(10, "comment: hello", true),
              StartsWith("malformed bundle header at line 10: expected \"signature: ...\" or the "
                         "empty line"));
  EXPECT_THAT(with_line(11, "trailer: 1", false),
              StartsWith("malformed bundle header at line 11: expected the empty line"));
  EXPECT_THAT(with_line(6, "for: node\r", true),
              StartsWith("malformed bundle header at line 6: for holds a control character"));
  EXPECT_THAT(with_line(1, "KONGSI-BUNDLE 1 extra", true),
              StartsWith("malformed bundle header at line 1"));
  EXPECT_THAT(with_line(1, "KONGSI-BUNDLE 1\r", true),
              StartsWith("malformed bundle header at line 1: the file has CRLF line ends"));
}

TEST(SignedBundleTest, HeaderValuesMustFitOnTheirLine) {
  const NodeKey a = KeyFromByte(1);
  BundleHeader header = Header();
  header.signer_name = "two\nlines";
  EXPECT_EQ(SignBundle(header, kPayload, a).status().code(), absl::StatusCode::kInvalidArgument);
  header = Header();
  header.for_principal = "";
  EXPECT_EQ(SignBundle(header, kPayload, a).status().code(), absl::StatusCode::kInvalidArgument);
  header = Header();
  header.created = "2026-03-01";
  EXPECT_EQ(SignBundle(header, kPayload, a).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(UnsignedBundle(Header(), kPayload).status().code(),  // no signer key
            absl::StatusCode::kInvalidArgument);
  // Names in any script are fine.
  header = Header();
  header.signer_name = "Pusat Tindak Balas — ศูนย์";
  auto file = SignBundle(header, kPayload, a);
  ASSERT_TRUE(file.ok()) << file.status();
  auto v = VerifyBundle(*file, a.PublicKeyBase64(), "node-a");
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->header.signer_name, header.signer_name);
}

TEST(SignedBundleTest, EmptyPayloadRoundTrips) {
  const NodeKey a = KeyFromByte(1);
  BundleHeader header = Header();
  header.object_count = 0;
  auto file = SignBundle(header, "", a);
  ASSERT_TRUE(file.ok());
  auto v = VerifyBundle(*file, a.PublicKeyBase64(), "node-a");
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->payload, "");
  EXPECT_EQ(v->header.object_count, 0u);
}

TEST(SignedBundleTest, Fingerprint) {
  const NodeKey a = KeyFromByte(1), c = KeyFromByte(3);
  auto fa = PublicKeyFingerprint(a.PublicKeyBase64());
  ASSERT_TRUE(fa.ok());
  EXPECT_EQ(fa->size(), 16u * 4 + 15);
  EXPECT_EQ(std::count(fa->begin(), fa->end(), ' '), 15);
  EXPECT_NE(*fa, PublicKeyFingerprint(c.PublicKeyBase64()).value());
  EXPECT_FALSE(PublicKeyFingerprint("nope").ok());
}

class NodeKeyFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("kongsi-key-test-" + util::NewUuidV4());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Write(std::string_view name, std::string_view bytes, mode_t mode) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<long>(bytes.size()));
    chmod(path.c_str(), mode);
    return path;
  }

  // A libsodium secret key (seed, then public key) for the key of KeyFromByte(b).
  static std::string SecretKeyBytes(unsigned char b) {
    return std::string(32, static_cast<char>(b)) + KeyFromByte(b).PublicKey();
  }

  std::filesystem::path dir_;
};

TEST_F(NodeKeyFileTest, LoadsThePrivateKeyFile) {
  auto key = NodeKey::Load(Write("node.key", SecretKeyBytes(7), 0600));
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(key->PublicKeyBase64(), KeyFromByte(7).PublicKeyBase64());
}

TEST_F(NodeKeyFileTest, RefusesWhatIsNotAPrivateKey) {
  auto missing = NodeKey::Load((dir_ / "absent.key").string());
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);

  auto open = NodeKey::Load(Write("open.key", SecretKeyBytes(7), 0644));
  EXPECT_EQ(open.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(Message(open.status()), HasSubstr("mode 0644"));
  EXPECT_THAT(Message(open.status()), HasSubstr("chmod 600"));

  auto short_key = NodeKey::Load(Write("short.key", SecretKeyBytes(7).substr(0, 63), 0600));
  EXPECT_EQ(short_key.status().code(), absl::StatusCode::kInvalidArgument);
  auto long_key = NodeKey::Load(Write("long.key", SecretKeyBytes(7) + "x", 0600));
  EXPECT_EQ(long_key.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(long_key.status()), HasSubstr("long.key"));

  std::string damaged = SecretKeyBytes(7);
  damaged[40] ^= 1;
  auto bad = NodeKey::Load(Write("damaged.key", damaged, 0600));
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(bad.status()), HasSubstr("damaged"));

  EXPECT_EQ(NodeKey::Load(dir_.string()).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(NodeKeyTest, GeneratedKeysDiffer) {
  EXPECT_NE(NodeKey::Generate().PublicKeyBase64(), NodeKey::Generate().PublicKeyBase64());
  EXPECT_EQ(NodeKey::Generate().PublicKeyBase64().size(), 44u);
}

}  // namespace
}  // namespace kongsi::federation
